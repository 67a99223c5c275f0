import { blocks, hit, resources } from "../tf";
import type { Rule } from "../types";

const POLICIES = ["failover_routing_policy", "latency_routing_policy", "weighted_routing_policy", "geolocation_routing_policy", "geoproximity_routing_policy"];

export const rule: Rule = {
  id: "HA_ROUTING_RECORD_NO_HEALTH_CHECK",
  description: "Failover, latency, weighted and geo records each have a health check (health_check_id)",
  severity: "error",
  rationale:
    "Route 53 moves traffic away from a record only when it knows the record is unhealthy. Evaluate Target Health alone judges a Docker for AWS ELB by a host diagnostic port, not the app, so a dead app never fails over; and when no record of a set is healthy Route 53 answers as if all were. Give every routed record a health check on the site's port (`healthCheck.enabled`).",
  check: (app) =>
    resources(app, ["aws_route53_record"]).flatMap((r) => {
      const policy = POLICIES.find((p) => blocks(r.body[p]).length > 0);
      if (!policy) return [];
      const id = r.body.health_check_id;
      if (typeof id === "string" && id !== "") return [];
      const kind = policy.replace("_routing_policy", "");
      return [hit(r, `${kind} record ${JSON.stringify(r.body.name ?? "")} (set ${JSON.stringify(r.body.set_identifier ?? "")}) has no health_check_id`)];
    }),
};
