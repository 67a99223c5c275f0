import { ingressRules, isWorld, reaches, whereText } from "../ingress";
import { hit } from "../tf";
import type { Rule } from "../types";

// Checkov CKV_AWS_260 ("Ensure no security groups allow ingress from 0.0.0.0:0 to port 80",
// bridgecrewio/checkov SecurityGroupUnrestrictedIngress80).
export const rule: Rule = {
  id: "CKV_AWS_260",
  description: "No security group allows HTTP (tcp/80) from 0.0.0.0/0 or ::/0",
  severity: "error",
  rationale:
    "Plain HTTP open to the world is unencrypted traffic. A public website that serves :80 on purpose suppresses this with a reason (`policy.suppress`).",
  check: (app) =>
    ingressRules(app)
      .filter((i) => reaches(i, 80, "tcp"))
      .flatMap((i) => i.cidrs.filter(isWorld).map((cidr) => hit(i.resource, `${whereText(i)}HTTP (tcp/80) is open to ${cidr}`))),
};
