// The global DNS stack: the hosted zone and the failover records, aliasing the load balancers that the
// regional stacks export (one-way: regions -> DNS).
import type { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { SiteConfig } from "../config/schema";
import { FailoverDns, type FailoverTarget } from "../constructs/failover-dns";
import type { StackBackend } from "./backend";
import { DNS_STACK_NAME, sitePort, siteUrl } from "./names";
import { REGIONAL_OUTPUTS, type RegionalStack } from "./regional-stack";

export interface DnsStackProps {
  readonly site: SiteConfig;
  /** The regional stacks, PRIMARY first. */
  readonly regions: readonly RegionalStack[];
  readonly backend: StackBackend;
}

export class DnsStack extends TerraformStack {
  public readonly failover: FailoverDns;

  constructor(scope: Construct, props: DnsStackProps) {
    super(scope, DNS_STACK_NAME);
    props.backend.configure(this, DNS_STACK_NAME);
    // Route 53 is global; us-east-1 is where its API and metrics live.
    new AwsProvider(this, "aws", {
      region: "us-east-1",
      defaultTags: [{ tags: { "ha-site:domain": props.site.domain } }],
    });
    const targets = props.regions.map((regional): FailoverTarget => {
      this.addDependency(regional);
      const state = props.backend.remoteState(this, `Region-${regional.region}`, regional.stackName);
      return {
        setIdentifier: regional.region,
        dnsName: state.getString(REGIONAL_OUTPUTS.lbDnsName),
        zoneId: state.getString(REGIONAL_OUTPUTS.lbZoneId),
      };
    });
    const zone = props.site.hostedZone;
    this.failover = new FailoverDns(this, "Failover", {
      domain: props.site.domain,
      recordName: props.site.recordName,
      zoneId: zone.zoneId,
      forceDestroy: zone.forceDestroy,
      primary: targets[0],
      secondary: targets[1],
    });
    new TerraformOutput(this, "name_servers", {
      value: this.failover.nameServers,
      description: "Set these four name servers at the domain's registrar",
    });
    new TerraformOutput(this, "zone_id", { value: this.failover.zoneId, description: "Route 53 hosted zone id" });
    new TerraformOutput(this, "site_url", {
      value: siteUrl(this.failover.fqdn, sitePort(props.site.services)),
      description: "The site, through failover DNS",
    });
  }
}
