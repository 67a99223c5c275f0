// The whole site: one stack per region (PRIMARY first), then the DNS stack that depends on them.
import type { Construct } from "constructs";
import type { SiteConfig } from "../config/schema";
import { backendFor } from "./backend";
import { DnsStack } from "./dns-stack";
import { RegionalStack } from "./regional-stack";

export interface Site {
  readonly regions: readonly RegionalStack[];
  readonly dns: DnsStack;
}

export function buildSite(scope: Construct, site: SiteConfig): Site {
  const backend = backendFor(site.backend, site.domain);
  const regions = site.regions.map(
    (region, i) => new RegionalStack(scope, { site, region, role: regionRole(site, i), backend }),
  );
  const dns = new DnsStack(scope, { site, regions, backend });
  return { regions, dns };
}

/** PRIMARY / SECONDARY with failover routing (every standby of a chain is SECONDARY); ACTIVE otherwise. */
export function regionRole(site: SiteConfig, index: number): string {
  if (site.routing.policy !== "failover") return "ACTIVE";
  return index === 0 ? "PRIMARY" : "SECONDARY";
}
