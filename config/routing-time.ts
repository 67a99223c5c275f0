// The modeled worst-case failover time of a site, per routing policy: how long after a region stops answering
// visitors can still be sent to it. The DNS policies share Route 53's model (config/failover-time.ts); Global
// Accelerator does not wait for DNS caches (its two anycast IPs never change) and follows the health of the
// load balancers' target groups instead.
import { modeledFailoverTime, type FailoverTime } from "./failover-time";
import type { SiteConfig } from "./schema";

/**
 * Global Accelerator uses an ALB or NLB endpoint's own health (its target groups' checks; the endpoint
 * group's health check settings apply only to EC2 and Elastic IP endpoints:
 * docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups.html). Native target groups check
 * every 10 s and turn unhealthy after 3 failures (HEALTH_CHECK in constructs/native/load-balancer.ts, not imported
 * here so that the config and the drill load no provider modules; a test keeps the two equal).
 */
export const ACCELERATOR_DETECTION_SECONDS = 10 * 3;
/**
 * Time for Global Accelerator to move new connections once an endpoint is unhealthy. Not published by AWS;
 * failover through an accelerator is reported at about 30-60 s in total (../shared/reference/domain-facts.md,
 * "Routing"), so this takes the upper end minus the detection time. Measure it with `npm run drill`.
 */
export const ACCELERATOR_REACTION_SECONDS = 30;

/** Words for the `failover_time_seconds` description: where the visitors go. */
const DESTINATION = {
  failover: "the secondary",
  latency: "the nearest healthy region",
  weighted: "the other weighted regions",
  accelerator: "the nearest healthy endpoint group",
} as const;

export interface RoutingTime extends FailoverTime {
  /** Where the visitors of a failed region are sent. */
  readonly destination: string;
}

export function modeledRoutingTime(site: Pick<SiteConfig, "healthCheck" | "routing" | "regions" | "engine">): RoutingTime {
  const policy = site.routing.policy;
  // Engine-aware: without Route 53 health checks, detection is each engine's load balancer check.
  const engines = site.regions.map((r) => r.engine ?? site.engine);
  if (policy !== "accelerator") return { ...modeledFailoverTime(site.healthCheck, engines), destination: DESTINATION[policy] };
  return {
    detectionSeconds: ACCELERATOR_DETECTION_SECONDS,
    propagationSeconds: ACCELERATOR_REACTION_SECONDS,
    cacheSeconds: 0,
    totalSeconds: ACCELERATOR_DETECTION_SECONDS + ACCELERATOR_REACTION_SECONDS,
    covers: "the site stops answering on the health check port and path (the target groups' check), or the whole region fails",
    destination: DESTINATION.accelerator,
  };
}

/** The `failover_time_seconds` output's description, one sentence a line (ending in a newline): the HCL output shows it as a heredoc, not one long line. */
export function routingTimeDescription(time: RoutingTime, policy: SiteConfig["routing"]["policy"]): string {
  if (policy === "accelerator") {
    return (
      `Modeled worst case from a region failing to visitors on ${time.destination}: detection ${time.detectionSeconds} s ` +
      `(target-group health) + Global Accelerator reaction ${time.propagationSeconds} s; no DNS cache (static anycast IPs).\nCovers: ${time.covers}\n`
    );
  }
  return (
    `Modeled worst case from failure to visitors on ${time.destination}: detection ${time.detectionSeconds} s + ` +
    `Route 53 propagation ${time.propagationSeconds} s + resolver cache (alias TTL) ${time.cacheSeconds} s.\nCovers: ${time.covers}\n`
  );
}
