import { blocks, hit, resources } from "../tf";
import type { Rule } from "../types";

export const rule: Rule = {
  id: "HA_ALIAS_RECORD_TTL",
  description: "Alias records set no TTL",
  severity: "error",
  rationale:
    "An alias record takes its TTL from the target (60 s for an ELB); Route 53 rejects a TTL on an alias and the provider's plan fails. The modeled failover time assumes the target's TTL.",
  check: (app) =>
    resources(app, ["aws_route53_record"])
      .filter((r) => blocks(r.body.alias).length > 0 && r.body.ttl !== undefined && r.body.ttl !== null)
      .map((r) => hit(r, `alias record ${JSON.stringify(r.body.name ?? "")} sets ttl = ${JSON.stringify(r.body.ttl)}; alias records use the target's TTL`)),
};
