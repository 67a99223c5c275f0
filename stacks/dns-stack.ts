// The global DNS stack: the hosted zone and the failover records, aliasing the load balancers that the
// regional stacks export (one-way: regions -> DNS).
import type { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { SiteConfig } from "../config/schema";
import { modeledFailoverTime } from "../config/failover-time";
import { EndpointHealthCheck } from "../constructs/endpoint-health-check";
import { FailoverAlarm } from "../constructs/failover-alarm";
import { FailoverDns, type FailoverTarget } from "../constructs/failover-dns";
import type { StackBackend } from "./backend";
import { DNS_STACK_NAME, siteEndpoint, siteUrl } from "./names";
import { addSiteTls } from "./site-tls";
import { REGIONAL_OUTPUTS, type RegionalStack } from "./regional-stack";

export interface DnsStackProps {
  readonly site: SiteConfig;
  /** The regional stacks, PRIMARY first. */
  readonly regions: readonly RegionalStack[];
  readonly backend: StackBackend;
}

export class DnsStack extends TerraformStack {
  public readonly failover: FailoverDns;
  /** One per region, PRIMARY first; empty when `healthCheck.enabled` is false. */
  public readonly healthChecks: EndpointHealthCheck[] = [];
  public readonly alarm?: FailoverAlarm;

  constructor(scope: Construct, props: DnsStackProps) {
    super(scope, DNS_STACK_NAME);
    props.backend.configure(this, DNS_STACK_NAME);
    const site = props.site;
    const tags = { "ha-site:domain": site.domain };
    // Route 53 is global; its metrics live in us-east-1, where the alarm must be too.
    new AwsProvider(this, "aws", { region: "us-east-1", defaultTags: [{ tags }] });
    const metricsProvider = new AwsProvider(this, "aws-us-east-1", { alias: "route53_metrics", region: "us-east-1", defaultTags: [{ tags }] });
    const check = site.healthCheck;
    // With tls, Route 53 checks the TLS listener (HTTPS, SNI).
    const port = check.port ?? siteEndpoint(site).port;
    const states: { regional: RegionalStack; state: ReturnType<StackBackend["remoteState"]> }[] = [];
    const targets = props.regions.map((regional): FailoverTarget => {
      this.addDependency(regional);
      const state = props.backend.remoteState(this, `Region-${regional.region}`, regional.stackName);
      states.push({ regional, state });
      const dnsName = state.getString(REGIONAL_OUTPUTS.lbDnsName);
      let healthCheckId: string | undefined;
      if (check.enabled) {
        const healthCheck = new EndpointHealthCheck(this, `HealthCheck-${regional.region}`, {
          fqdn: dnsName,
          port,
          name: `${site.domain} ${regional.region}`,
          protocol: check.type,
          resourcePath: check.resourcePath,
          searchString: check.searchString,
          requestInterval: check.requestInterval,
          failureThreshold: check.failureThreshold,
          regions: check.regions,
        });
        this.healthChecks.push(healthCheck);
        healthCheckId = healthCheck.healthCheckId;
      }
      return {
        setIdentifier: regional.region,
        dnsName,
        zoneId: state.getString(REGIONAL_OUTPUTS.lbZoneId),
        healthCheckId,
      };
    });
    if (this.healthChecks.length > 0) {
      this.alarm = new FailoverAlarm(this, "PrimaryAlarm", {
        healthCheckId: this.healthChecks[0].healthCheckId,
        name: `ha-site-${site.domain.replace(/\./g, "-")}-primary-unhealthy`,
        provider: metricsProvider,
        topicArn: site.alarm.topicArn,
        email: site.alarm.email,
      });
      new TerraformOutput(this, "alarm_topic_arn", { value: this.alarm.topicArn, description: "SNS topic told when the primary fails its health check" });
    }
    const zone = site.hostedZone;
    this.failover = new FailoverDns(this, "Failover", {
      domain: site.domain,
      recordName: site.recordName,
      zoneId: zone.zoneId,
      forceDestroy: zone.forceDestroy,
      primary: targets[0],
      secondary: targets[1],
    });
    if (site.tls) addSiteTls(this, site, site.tls, this.failover.zoneId, states);
    new TerraformOutput(this, "name_servers", {
      value: this.failover.nameServers,
      description: "Set these four name servers at the domain's registrar",
    });
    new TerraformOutput(this, "zone_id", { value: this.failover.zoneId, description: "Route 53 hosted zone id" });
    new TerraformOutput(this, "site_url", {
      value: siteUrl(this.failover.fqdn, siteEndpoint(site).port, siteEndpoint(site).scheme),
      description: "The site, through failover DNS",
    });
    const rto = modeledFailoverTime(check, site.regions.map((r) => r.engine ?? site.engine));
    new TerraformOutput(this, "failover_time_seconds", {
      value: rto.totalSeconds,
      description:
        `Modeled worst case from failure to visitors on the secondary: detection ${rto.detectionSeconds} s + ` +
        `Route 53 propagation ${rto.propagationSeconds} s + resolver cache (alias TTL) ${rto.cacheSeconds} s. Covers: ${rto.covers}`,
    });
    new TerraformOutput(this, "health_check_ids", {
      value: this.healthChecks.map((h) => h.healthCheckId),
      description: "Route 53 health checks on the site port, PRIMARY first",
    });
  }
}
