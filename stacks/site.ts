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

/**
 * PRIMARY for the first region, SECONDARY for the others (a failover chain's standbys), whatever the routing
 * policy: the role is a default tag of every regional resource, and a policy change must not retag them all
 * (for Docker for AWS that is a CloudFormation stack update, which the template's python2.7 Lambda can fail).
 */
export function regionRole(_site: SiteConfig, index: number): string {
  return index === 0 ? "PRIMARY" : "SECONDARY";
}
