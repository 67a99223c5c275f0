// The modeled worst-case failover time (RTO) of a site: how long after the primary stops answering
// visitors can still be sent to it. Used by the DNS stack's output and by the failover drill.
import type { EngineName, HealthCheckConfig } from "./schema";

/** Route 53 alias records to load balancers have a fixed TTL of 60 s. */
export const ALIAS_TTL_SECONDS = 60;
/** Time for a health status change to reach all Route 53 name servers ("generally within 60 seconds"). */
export const ROUTE53_PROPAGATION_SECONDS = 60;
/** Docker for AWS ELB health check: HTTP:44554 every 10 s, unhealthy after 4 failures. */
export const ELB_DETECTION_SECONDS = 10 * 4;

export interface FailoverTime {
  /** Seconds until the failure is detected: request interval x failure threshold. */
  readonly detectionSeconds: number;
  /** Seconds until Route 53's name servers answer with the secondary. */
  readonly propagationSeconds: number;
  /** Seconds a resolver may keep serving the old answer (the alias TTL). */
  readonly cacheSeconds: number;
  /** The sum: the modeled worst case. */
  readonly totalSeconds: number;
  /** What failure the model covers. */
  readonly covers: string;
}

/**
 * Native engine target groups: the app's own port and path every 10 s, unhealthy after 3 failures
 * (constructs/native/load-balancer.ts HEALTH_CHECK; plain data here so the config needs no construct module).
 */
export const NATIVE_TARGET_GROUP_DETECTION_SECONDS = 10 * 3;

/**
 * The modeled failover time. Without Route 53 health checks, detection is the load balancer's own: Docker
 * for AWS's ELB checks a host port (44554) every 10 s x 4, so only instance failures count; a native
 * target group checks the app every 10 s x 3. With several engines, the slowest (worst case) is modeled.
 */
export function modeledFailoverTime(healthCheck: HealthCheckConfig, engines: readonly EngineName[] = ["docker-for-aws"]): FailoverTime {
  const onlyNative = engines.length > 0 && engines.every((e) => e === "native");
  const lbDetection = Math.max(...engines.map((e) => (e === "native" ? NATIVE_TARGET_GROUP_DETECTION_SECONDS : ELB_DETECTION_SECONDS)), 0);
  const detectionSeconds = healthCheck.enabled ? healthCheck.requestInterval * healthCheck.failureThreshold : lbDetection || ELB_DETECTION_SECONDS;
  const covers = healthCheck.enabled
    ? "the site stops answering on its port, or the whole region fails"
    : onlyNative
      ? "the app failing the load balancers' target-group checks (Evaluate Target Health follows the site's port and path)"
      : "only the load balancer's instances failing (Evaluate Target Health): an app failure never fails over";
  return {
    detectionSeconds,
    propagationSeconds: ROUTE53_PROPAGATION_SECONDS,
    cacheSeconds: ALIAS_TTL_SECONDS,
    totalSeconds: detectionSeconds + ROUTE53_PROPAGATION_SECONDS + ALIAS_TTL_SECONDS,
    covers,
  };
}
