// A public hosted zone (new or existing) with the site's alias records: the active-passive pair of failover
// records (two regions), or the records of another layout (`records`: failover chain, latency, weighted,
// Global Accelerator). The zone keeps its construct id whatever the layout, so changing the routing policy
// replaces records, never the zone (whose name servers the registrar holds).
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

/** How Route 53 picks a record among those of one name (at most one of these). */
export interface RecordRouting {
  readonly failover?: "PRIMARY" | "SECONDARY";
  /** Latency record for this AWS region (`latency_routing_policy.region`). */
  readonly latencyRegion?: string;
  /** Weighted record: 0 to 255 (`weighted_routing_policy.weight`). */
  readonly weight?: number;
}

/** One alias A record of a layout other than the failover pair. */
export interface RoutedRecord {
  /** Construct id: API (a new id replaces the record). */
  readonly id: string;
  /** A label in front of the site name ("standby" => standby.<site name>). @default - the site name itself */
  readonly prefix?: string;
  /** Required with `routing`; distinct among the records of one name. @default - none (a simple record) */
  readonly setIdentifier?: string;
  readonly routing?: RecordRouting;
  /**
   * Alias target: a load balancer or accelerator (`dnsName` + its `zoneId`), or the record of this zone whose
   * name has the label `recordPrefix` in front of the site name.
   */
  readonly alias: { readonly dnsName: string; readonly zoneId: string } | { readonly recordPrefix: string };
  /** @default true */
  readonly evaluateTargetHealth?: boolean;
  /** @default - none */
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
  /** Where visitors go while it is healthy (the two-region failover pair, with `secondary`). @default - no pair */
  readonly primary?: FailoverTarget;
  /** Where visitors go when the primary is unhealthy. @default - no pair */
  readonly secondary?: FailoverTarget;
  /** The records of any other layout. @default [] */
  readonly records?: readonly RoutedRecord[];
}

export class FailoverDns extends Construct {
  /** Hosted zone id. */
  public readonly zoneId: string;
  /** The zone's four name servers (to set at the registrar). */
  public readonly nameServers: string[];
  /** Fully qualified name of the failover records. */
  public readonly fqdn: string;
  /** The failover pair's records (undefined without `primary` and `secondary`). */
  public readonly primaryRecord?: Route53Record;
  public readonly secondaryRecord?: Route53Record;
  /** The `records`, by id. */
  public readonly records: Readonly<Record<string, Route53Record>> = {};

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    if ((props.primary === undefined) !== (props.secondary === undefined)) {
      throw new Error("primary, secondary: expected both (the failover pair) or neither");
    }
    if (props.primary && props.secondary && props.primary.setIdentifier === props.secondary.setIdentifier) {
      throw new Error(`secondary.setIdentifier: got ${JSON.stringify(props.secondary.setIdentifier)}; expected a value different from primary.setIdentifier`);
    }
    checkRecords(props.records ?? []);
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
    if (props.primary && props.secondary) {
      this.primaryRecord = this.record("Primary", "PRIMARY", props.primary);
      this.secondaryRecord = this.record("Secondary", "SECONDARY", props.secondary);
    }
    const records: Record<string, Route53Record> = {};
    for (const spec of props.records ?? []) records[spec.id] = this.routedRecord(spec);
    this.records = records;
  }

  /** The full name of a record with `prefix` in front of the site name. */
  public nameWith(prefix?: string): string {
    return prefix ? `${prefix}.${this.fqdn}` : this.fqdn;
  }

  private routedRecord(spec: RoutedRecord): Route53Record {
    const routing = spec.routing ?? {};
    const alias =
      "recordPrefix" in spec.alias
        ? { name: this.nameWith(spec.alias.recordPrefix), zoneId: this.zoneId }
        : { name: spec.alias.dnsName, zoneId: spec.alias.zoneId };
    return new Route53Record(this, spec.id, {
      zoneId: this.zoneId,
      name: this.nameWith(spec.prefix),
      type: "A",
      setIdentifier: spec.setIdentifier,
      failoverRoutingPolicy: routing.failover ? { type: routing.failover } : undefined,
      latencyRoutingPolicy: routing.latencyRegion ? { region: routing.latencyRegion } : undefined,
      weightedRoutingPolicy: routing.weight !== undefined ? { weight: routing.weight } : undefined,
      healthCheckId: spec.healthCheckId,
      alias: { ...alias, evaluateTargetHealth: spec.evaluateTargetHealth ?? true },
    });
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

/**
 * Route 53's rules for a set of records: one routing policy per name, a distinct set identifier for each
 * record of a routed name, none on a simple record, and a weight from 0 to 255.
 */
function checkRecords(records: readonly RoutedRecord[]): void {
  const byName = new Map<string, RoutedRecord[]>();
  for (const r of records) byName.set(r.prefix ?? "", [...(byName.get(r.prefix ?? "") ?? []), r]);
  for (const [prefix, group] of byName) {
    const where = prefix ? `records with prefix ${JSON.stringify(prefix)}` : "records of the site name";
    const kinds = new Set(group.map((r) => Object.keys(r.routing ?? {}).join(",") || "simple"));
    if (kinds.size > 1) throw new Error(`${where}: got routing ${[...kinds].join(" and ")}; expected one routing policy per name`);
    if (kinds.has("simple") && group.length > 1) throw new Error(`${where}: got ${group.length} simple records; expected one`);
    const ids = new Set<string>();
    for (const r of group) {
      if (r.routing !== undefined && r.setIdentifier === undefined) throw new Error(`records.${r.id}.setIdentifier: missing; expected one on a routed record`);
      if (r.setIdentifier !== undefined && ids.has(r.setIdentifier)) {
        throw new Error(`records.${r.id}.setIdentifier: got ${JSON.stringify(r.setIdentifier)}; expected a value not already used in the ${where}`);
      }
      if (r.setIdentifier !== undefined) ids.add(r.setIdentifier);
      const weight = r.routing?.weight;
      if (weight !== undefined && !(Number.isInteger(weight) && weight >= 0 && weight <= 255)) {
        throw new Error(`records.${r.id}.routing.weight: got ${weight}; expected an integer from 0 to 255`);
      }
    }
  }
}
