import { blocks, hit, isTrue, resources } from "../tf";
import type { Rule } from "../types";

// Checkov CKV_AWS_91 ("Ensure the ELBv2 (Application/Network) has access logging enabled"; aws_lb, aws_alb:
// access_logs.enabled = true).
export const rule: Rule = {
  id: "CKV_AWS_91",
  description: "Application and network load balancers write access logs (access_logs.enabled = true)",
  severity: "warning",
  rationale:
    "Without access logs there is no record of who reached the site through the load balancer. A warning: logs need an S3 bucket with a bucket policy for the ELB service, and cost money.",
  check: (app) =>
    resources(app, ["aws_lb", "aws_alb"])
      .filter((r) => !blocks(r.body.access_logs).some((l) => isTrue(l.enabled)))
      .map((r) => hit(r, "access_logs.enabled is not true: the load balancer keeps no access logs")),
};
