// Which Route 53 records each routing policy needs (pure: no resources). Record ids and set identifiers are
// API: a new id or set identifier replaces a live DNS record.
//
// - failover, 2 regions: the PRIMARY/SECONDARY pair, as ha-site always made it (ids Primary, Secondary).
// - failover, 3+ regions (a chain): PRIMARY = the first region; SECONDARY = an alias to the name
//   "standby.<site name>", where one latency record per remaining region answers with the nearest healthy
//   one. The SECONDARY alias evaluates the standby set's health (healthy while one standby is).
// - latency: one latency record per region (`latency_routing_policy.region` = the region), each with its
//   region's health check; Route 53 answers with the lowest-latency healthy region.
// - weighted: one weighted record per region (weight 0-255; 0 = no traffic unless every other record is
//   unhealthy or also 0), each with its health check.
// - accelerator: one simple alias A record to the accelerator (its two anycast IPs never change).
// Record facts: docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-latency-alias.html,
// .../health-checks-how-route-53-chooses-records.html (zero weights, "if no record is healthy, all are").
import type { RoutingPolicy, SiteConfig } from "../config/schema";
import type { FailoverTarget, RoutedRecord } from "./failover-dns";

/** A region's alias target and what the policies read from its config. */
export interface RegionTarget extends FailoverTarget {
  readonly region: string;
  readonly weight?: number;
  readonly trafficDial?: number;
  /** The ALB/NLB ARN (accelerator only). */
  readonly loadBalancerArn?: string;
}

/** The label in front of the site name of a failover chain's standby set. */
export const STANDBY_PREFIX = "standby";
/** Set identifier of the chain's SECONDARY record (distinct from every region name). */
export const STANDBY_SET_IDENTIFIER = "standby";
/** Weight of a region that sets none (weighted routing): every region equal. */
export const DEFAULT_WEIGHT = 1;

/** What visitors get when every region is unhealthy, per policy (the `fail_open` output and the docs). */
export const FAIL_OPEN: Readonly<Record<RoutingPolicy, string>> = {
  failover:
    "Route 53 fails open: with every record unhealthy it answers as if all were healthy, i.e. with the PRIMARY region, healthy or not",
  latency: "Route 53 fails open: with every record unhealthy it answers as if all were healthy, i.e. with the nearest region, healthy or not",
  weighted: "Route 53 fails open: with every record unhealthy it answers as if all were healthy, by weight, healthy or not",
  accelerator:
    "Global Accelerator fails open: with no healthy endpoint it sends traffic to all endpoints (after trying the nearest groups), healthy or not",
};

/** The two-region failover pair ha-site always built: its output must not change. */
export function isLegacyPair(site: Pick<SiteConfig, "routing" | "regions">): boolean {
  return site.routing.policy === "failover" && site.regions.length === 2;
}

export interface AcceleratorTarget {
  readonly dnsName: string;
  readonly hostedZoneId: string;
}

export interface RecordLayout {
  readonly primary?: FailoverTarget;
  readonly secondary?: FailoverTarget;
  readonly records?: RoutedRecord[];
}

function aliasOf(t: RegionTarget): RoutedRecord["alias"] {
  return { dnsName: t.dnsName, zoneId: t.zoneId };
}

export function routingRecords(
  site: Pick<SiteConfig, "routing" | "regions">,
  targets: readonly RegionTarget[],
  accelerator?: AcceleratorTarget,
): RecordLayout {
  const policy = site.routing.policy;
  switch (policy) {
    case "failover": {
      if (isLegacyPair(site)) return { primary: targets[0], secondary: targets[1] };
      const [first, ...standbys] = targets;
      return {
        records: [
          { id: "Primary", setIdentifier: first.setIdentifier, routing: { failover: "PRIMARY" }, alias: aliasOf(first), healthCheckId: first.healthCheckId },
          { id: "Secondary", setIdentifier: STANDBY_SET_IDENTIFIER, routing: { failover: "SECONDARY" }, alias: { recordPrefix: STANDBY_PREFIX } },
          ...standbys.map(
            (t): RoutedRecord => ({
              id: `Standby-${t.region}`,
              prefix: STANDBY_PREFIX,
              setIdentifier: t.region,
              routing: { latencyRegion: t.region },
              alias: aliasOf(t),
              healthCheckId: t.healthCheckId,
            }),
          ),
        ],
      };
    }
    case "latency":
      return {
        records: targets.map((t) => ({
          id: `Latency-${t.region}`,
          setIdentifier: t.region,
          routing: { latencyRegion: t.region },
          alias: aliasOf(t),
          healthCheckId: t.healthCheckId,
        })),
      };
    case "weighted":
      return {
        records: targets.map((t) => ({
          id: `Weighted-${t.region}`,
          setIdentifier: t.region,
          routing: { weight: t.weight ?? DEFAULT_WEIGHT },
          alias: aliasOf(t),
          healthCheckId: t.healthCheckId,
        })),
      };
    case "accelerator":
      if (!accelerator) throw new Error('accelerator: missing; expected the accelerator of routing.policy "accelerator"');
      // Global Accelerator does its own failover; Evaluate Target Health would only fail open on one record.
      return { records: [{ id: "Accelerator", alias: { dnsName: accelerator.dnsName, zoneId: accelerator.hostedZoneId }, evaluateTargetHealth: false }] };
  }
}
