// A public hosted zone (new or existing) with an active-passive pair of failover alias records.
import { Construct } from "constructs";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { fitName } from "./fit-name";
import { tfLiteral } from "./tf-literal";

/** One side of the failover pair: a load balancer to alias. */
export interface FailoverTarget {
  /** Unique id of the record within the pair (Route 53 `set_identifier`), e.g. the region. */
  readonly setIdentifier: string;
  /** Alias target: the load balancer's DNS name. */
  readonly dnsName: string;
  /** Alias target's canonical hosted zone id (the load balancer's, not the site's zone). */
  readonly zoneId: string;
  /** Route 53 health check that must pass too. @default - none: only Evaluate Target Health decides */
  readonly healthCheckId?: string;
}

export interface FailoverDnsProps {
  /** The zone's domain, e.g. "nosqlsearch.com". */
  readonly domain: string;
  /** Record name inside the zone. @default "" - the zone apex */
  readonly recordName?: string;
  /** Existing hosted zone to put the records in. @default - a new public hosted zone is created */
  readonly zoneId?: string;
  /** Delete all records, also unmanaged ones, when a created zone is destroyed. @default false */
  readonly forceDestroy?: boolean;
  /** Where visitors go while it is healthy. */
  readonly primary: FailoverTarget;
  /** Where visitors go when the primary is unhealthy. */
  readonly secondary: FailoverTarget;
}

export class FailoverDns extends Construct {
  /** Hosted zone id. */
  public readonly zoneId: string;
  /** The zone's four name servers (to set at the registrar). */
  public readonly nameServers: string[];
  /** Fully qualified name of the failover records. */
  public readonly fqdn: string;
  public readonly primaryRecord: Route53Record;
  public readonly secondaryRecord: Route53Record;

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    if (props.primary.setIdentifier === props.secondary.setIdentifier) {
      throw new Error(`secondary.setIdentifier: got ${JSON.stringify(props.secondary.setIdentifier)}; expected a value different from primary.setIdentifier`);
    }
    if (props.zoneId !== undefined) {
      const zone = new DataAwsRoute53Zone(this, "ExistingZone", { zoneId: props.zoneId });
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    } else {
      const zone = new Route53Zone(this, "Zone", {
        name: tfLiteral(props.domain),
        // Route 53 comments: at most 256 characters.
        comment: tfLiteral(fitName(`ha-site: failover records for ${props.domain}`, 256)),
        forceDestroy: props.forceDestroy ?? false,
      });
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    }
    this.fqdn = props.recordName ? `${props.recordName}.${props.domain}` : props.domain;
    this.primaryRecord = this.record("Primary", "PRIMARY", props.primary);
    this.secondaryRecord = this.record("Secondary", "SECONDARY", props.secondary);
  }

  private record(id: string, role: "PRIMARY" | "SECONDARY", target: FailoverTarget): Route53Record {
    return new Route53Record(this, id, {
      zoneId: this.zoneId,
      name: tfLiteral(this.fqdn),
      type: "A",
      setIdentifier: target.setIdentifier,
      failoverRoutingPolicy: { type: role },
      healthCheckId: target.healthCheckId,
      alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true },
    });
  }
}
