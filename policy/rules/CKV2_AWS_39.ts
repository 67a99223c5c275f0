import { blocks, hit, referencedAddresses, resources } from "../tf";
import type { Rule } from "../types";

// Checkov CKV2_AWS_39 ("Ensure Domain Name System (DNS) query logging is enabled for Amazon Route 53 hosted
// zones"; graph check: aws_route53_zone connected to aws_route53_query_log). Route 53 query logging exists
// for public zones only (private zones use Resolver query logging), so private zones are skipped.
export const rule: Rule = {
  id: "CKV2_AWS_39",
  description: "Public hosted zones log DNS queries (an aws_route53_query_log refers to the zone)",
  severity: "warning",
  rationale:
    "Query logs show who resolved the site and when the answer changed during a failover. A warning: they need a CloudWatch Logs group in us-east-1 with a resource policy for Route 53, and cost per query.",
  check: (app) => {
    const logs = resources(app, ["aws_route53_query_log"]);
    return resources(app, ["aws_route53_zone"])
      .filter((zone) => blocks(zone.body.vpc).length === 0)
      .filter((zone) => !logs.some((l) => l.stack === zone.stack && referencedAddresses(l.body.zone_id).includes(zone.address)))
      .map((zone) => hit(zone, "no aws_route53_query_log refers to this public zone: DNS queries are not logged"));
  },
};
