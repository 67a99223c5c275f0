// The global DNS stack: the hosted zone and the site's records (failover, latency or weighted aliases to the
// regions' load balancers, or one alias to a Global Accelerator in front of them), the health checks and
// alarms; it reads the regional stacks' outputs (one-way: regions -> DNS).
import type { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { SiteConfig } from "../config/schema";
import { modeledRoutingTime, routingTimeDescription } from "../config/routing-time";
import { AllRegionsAlarm } from "../constructs/all-regions-alarm";
import { EndpointHealthCheck } from "../constructs/endpoint-health-check";
import { FailoverAlarm } from "../constructs/failover-alarm";
import { FailoverDns, type FailoverTarget } from "../constructs/failover-dns";
import { fitName } from "../constructs/fit-name";
import { FAIL_OPEN, isLegacyPair, routingRecords, type RegionTarget } from "../constructs/routing-records";
import type { SiteAccelerator } from "../constructs/site-accelerator";
import { tfLiteral } from "../constructs/tf-literal";
import type { StackBackend } from "./backend";
import { DNS_STACK_NAME, primaryAlarmName, siteEndpoint, siteResourceName, siteUrl } from "./names";
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
  /** The PRIMARY's alarm (failover), else the first region's. */
  public readonly alarm?: FailoverAlarm;
  /** One per region when alarms cover every region (`alarm.everyRegion`), in region order. */
  public readonly regionAlarms: FailoverAlarm[] = [];
  /** In ALARM while every region is unhealthy (with `regionAlarms`). */
  public readonly allRegionsAlarm?: AllRegionsAlarm;
  /** With routing.policy "accelerator". */
  public readonly accelerator?: SiteAccelerator;

  constructor(scope: Construct, props: DnsStackProps) {
    super(scope, DNS_STACK_NAME);
    props.backend.configure(this, DNS_STACK_NAME);
    const site = props.site;
    const policy = site.routing.policy;
    // Two-region failover: exactly the records, alarm and outputs it always had (existing sites plan no change).
    const legacy = isLegacyPair(site);
    const tags = { "ha-site:domain": tfLiteral(site.domain) };
    // Route 53 is global; its metrics live in us-east-1, where the alarm must be too.
    new AwsProvider(this, "aws", { region: "us-east-1", defaultTags: [{ tags }] });
    const metricsProvider = new AwsProvider(this, "aws-us-east-1", { alias: "route53_metrics", region: "us-east-1", defaultTags: [{ tags }] });
    const check = site.healthCheck;
    // With tls, Route 53 checks the TLS listener (HTTPS, SNI).
    const port = check.port ?? siteEndpoint(site).port;
    const states: { regional: RegionalStack; state: ReturnType<StackBackend["remoteState"]> }[] = [];
    const targets = props.regions.map((regional, i): RegionTarget => {
      this.addDependency(regional);
      const state = props.backend.remoteState(this, `Region-${regional.region}`, regional.stackName);
      states.push({ regional, state });
      const dnsName = state.getString(REGIONAL_OUTPUTS.lbDnsName);
      let healthCheckId: string | undefined;
      if (check.enabled) {
        const healthCheck = new EndpointHealthCheck(this, `HealthCheck-${regional.region}`, {
          fqdn: dnsName,
          port,
          // A tag value: at most 256 characters.
          name: `${fitName(site.domain, 255 - regional.region.length)} ${regional.region}`,
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
      const target: FailoverTarget = {
        setIdentifier: regional.region,
        dnsName,
        zoneId: state.getString(REGIONAL_OUTPUTS.lbZoneId),
        healthCheckId,
      };
      const r = site.regions[i];
      return {
        ...target,
        region: regional.region,
        weight: r.weight,
        trafficDial: r.trafficDial,
        loadBalancerArn: policy === "accelerator" ? state.getString(REGIONAL_OUTPUTS.lbArn) : undefined,
      };
    });
    if (this.healthChecks.length > 0) {
      const everyRegion = site.alarm.everyRegion ?? !legacy;
      let first: FailoverAlarm | undefined;
      if (policy === "failover") {
        first = new FailoverAlarm(this, "PrimaryAlarm", {
          healthCheckId: this.healthChecks[0].healthCheckId,
          name: primaryAlarmName(site.domain),
          provider: metricsProvider,
          topicArn: site.alarm.topicArn,
          email: site.alarm.email,
        });
      }
      if (everyRegion) {
        // One metric alarm per region (the page says which region failed), all on one topic: the first alarm's.
        this.healthChecks.forEach((healthCheck, i) => {
          if (i === 0 && first) {
            this.regionAlarms.push(first);
            return;
          }
          const region = targets[i].region;
          const alarm: FailoverAlarm = new FailoverAlarm(this, `Alarm-${region}`, {
            healthCheckId: healthCheck.healthCheckId,
            name: siteResourceName(site.domain, `-${region}-unhealthy`),
            provider: metricsProvider,
            topicArn: first?.topicArn ?? site.alarm.topicArn,
            topicName: siteResourceName(site.domain, "-health", 256),
            email: first ? undefined : site.alarm.email,
            description: `The site in ${region} fails its Route 53 health check: visitors are being sent to ${modeledRoutingTime(site).destination}`,
          });
          first ??= alarm;
          this.regionAlarms.push(alarm);
        });
        this.allRegionsAlarm = new AllRegionsAlarm(this, "AllRegionsAlarm", {
          alarmNames: this.regionAlarms.map((a) => a.name),
          dependsOn: this.regionAlarms.map((a) => a.alarm),
          name: siteResourceName(site.domain, "-all-regions-unhealthy"),
          provider: metricsProvider,
          topicArn: first!.topicArn,
        });
      }
      this.alarm = first;
      new TerraformOutput(this, "alarm_topic_arn", {
        value: first!.topicArn,
        description: everyRegion
          ? "SNS topic told when a region fails its health check, and when all regions do"
          : "SNS topic told when the primary fails its health check",
      });
    }
    if (policy === "accelerator") {
      const { SiteAccelerator } = require("../constructs/site-accelerator") as typeof import("../constructs/site-accelerator");
      const apiProvider = new AwsProvider(this, "aws-us-west-2", { alias: "global_accelerator", region: "us-west-2", defaultTags: [{ tags }] });
      this.accelerator = new SiteAccelerator(this, "Accelerator", {
        name: siteResourceName(site.domain, "", 64),
        provider: apiProvider,
        ports: site.services.flatMap((s) => s.ports.map((p) => ({ port: p.published, protocol: p.protocol === "udp" ? ("UDP" as const) : ("TCP" as const) }))),
        endpoints: targets.map((t) => ({ region: t.region, loadBalancerArn: t.loadBalancerArn!, trafficDialPercentage: t.trafficDial })),
        healthCheck: {
          port,
          protocol: check.type,
          path: check.resourcePath,
          intervalSeconds: check.requestInterval,
          thresholdCount: check.failureThreshold,
        },
      });
    }
    const zone = site.hostedZone;
    const layout = routingRecords(site, targets, this.accelerator);
    this.failover = new FailoverDns(this, "Failover", {
      domain: site.domain,
      recordName: site.recordName,
      zoneId: zone.zoneId,
      forceDestroy: zone.forceDestroy,
      ...layout,
    });
    if (site.tls) addSiteTls(this, site, site.tls, this.failover.zoneId, states);
    new TerraformOutput(this, "name_servers", {
      value: this.failover.nameServers,
      description: "Set these four name servers at the domain's registrar",
    });
    new TerraformOutput(this, "zone_id", { value: this.failover.zoneId, description: "Route 53 hosted zone id" });
    new TerraformOutput(this, "site_url", {
      value: siteUrl(this.failover.fqdn, siteEndpoint(site).port, siteEndpoint(site).scheme),
      description: legacy ? "The site, through failover DNS" : `The site, through ${policy === "accelerator" ? "Global Accelerator" : `${policy} DNS`}`,
    });
    const rto = modeledRoutingTime(site);
    new TerraformOutput(this, "failover_time_seconds", { value: rto.totalSeconds, description: routingTimeDescription(rto, policy) });
    new TerraformOutput(this, "health_check_ids", {
      value: this.healthChecks.map((h) => h.healthCheckId),
      description: legacy ? "Route 53 health checks on the site port, PRIMARY first" : "Route 53 health checks on the site port, in the order of the config's regions",
    });
    if (!legacy) {
      new TerraformOutput(this, "routing_policy", { value: policy, description: "How visitors reach the regions (config routing.policy)" });
      new TerraformOutput(this, "fail_open", { value: FAIL_OPEN[policy], description: "What visitors get when every region is unhealthy" });
    }
    if (this.accelerator) {
      new TerraformOutput(this, "accelerator_ips", {
        value: this.accelerator.ipAddresses,
        description: "The accelerator's two static anycast IPv4 addresses (the site name is an alias to them)",
      });
      new TerraformOutput(this, "accelerator_dns_name", { value: this.accelerator.dnsName, description: "DNS name of the accelerator" });
    }
  }
}
