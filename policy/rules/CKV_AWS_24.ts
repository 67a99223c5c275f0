import { ingressRules, isWorld, reaches, whereText } from "../ingress";
import { hit } from "../tf";
import type { Rule } from "../types";

// Checkov CKV_AWS_24 ("Ensure no security groups allow ingress from 0.0.0.0:0 to port 22",
// bridgecrewio/checkov AbsSecurityGroupUnrestrictedIngress); here also for ::/0 and the rule resources.
export const rule: Rule = {
  id: "CKV_AWS_24",
  description: "No security group allows SSH (tcp/22) from 0.0.0.0/0 or ::/0",
  severity: "error",
  rationale:
    "SSH open to the internet invites brute force against every node. ha-site's native engine opens 22 only to `regions[].sshCidrs`; list your own addresses there.",
  check: (app) =>
    ingressRules(app)
      .filter((i) => reaches(i, 22, "tcp"))
      .flatMap((i) => i.cidrs.filter(isWorld).map((cidr) => hit(i.resource, `${whereText(i)}SSH (tcp/22) is open to ${cidr}`))),
};
