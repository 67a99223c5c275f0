// The drill's defaults, taken from the site config: the name the failover records answer for, the port and
// path the Route 53 health check probes, and the modeled failover time as the RTO.
import { modeledFailoverTime } from "../../config/failover-time";
import type { SiteConfig } from "../../config/schema";
import { siteHostName, sitePort } from "../../stacks/names";

export interface DrillDefaults {
  /** The site name: recordName.domain, or the domain for the zone apex. */
  readonly name: string;
  /** healthCheck.port, else the first service's first published port. */
  readonly port: number;
  /** healthCheck.resourcePath. */
  readonly path: string;
  /** The modeled worst-case failover time, in seconds. */
  readonly rtoSeconds: number;
}

export const DEFAULT_INTERVAL_SECONDS = 2;
export const DEFAULT_TIMEOUT_SECONDS = 2;
/** A drill runs for this many RTOs unless --duration says otherwise: time to break the primary and watch. */
export const DURATION_RTOS = 3;
export const MIN_DEFAULT_DURATION_SECONDS = 60;

export function drillDefaults(config: SiteConfig): DrillDefaults {
  // A parsed config always has a first service with a published port (the schema requires it).
  return {
    name: siteHostName(config),
    port: config.healthCheck.port ?? sitePort(config.services),
    path: config.healthCheck.resourcePath,
    rtoSeconds: modeledFailoverTime(config.healthCheck, config.regions.map((r) => r.engine ?? config.engine)).totalSeconds,
  };
}

export function defaultDurationSeconds(rtoSeconds: number): number {
  return Math.max(MIN_DEFAULT_DURATION_SECONDS, DURATION_RTOS * rtoSeconds);
}
