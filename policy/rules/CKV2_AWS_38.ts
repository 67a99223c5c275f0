import { blocks, hit, referencedAddresses, resources } from "../tf";
import type { Rule } from "../types";

// Checkov CKV2_AWS_38 ("Ensure Domain Name System Security Extensions (DNSSEC) signing is enabled for Amazon
// Route 53 public hosted zones"; graph check: aws_route53_zone connected to aws_route53_hosted_zone_dnssec or
// aws_route53_key_signing_key). Private zones (a `vpc` block) cannot be signed and are skipped.
export const rule: Rule = {
  id: "CKV2_AWS_38",
  description: "Public hosted zones are DNSSEC-signed (an aws_route53_hosted_zone_dnssec or key signing key refers to the zone)",
  severity: "error",
  rationale:
    "Without DNSSEC a resolver cannot tell a forged answer from the zone's. Signing needs a KMS key in us-east-1 and a DS record at the registrar; a site that has neither yet suppresses this with its reason.",
  check: (app) => {
    const signers = resources(app, ["aws_route53_hosted_zone_dnssec", "aws_route53_key_signing_key"]);
    return resources(app, ["aws_route53_zone"])
      .filter((zone) => blocks(zone.body.vpc).length === 0)
      .filter((zone) => !signers.some((s) => s.stack === zone.stack && referencedAddresses(s.body.hosted_zone_id).includes(zone.address)))
      .map((zone) => hit(zone, "no aws_route53_hosted_zone_dnssec or aws_route53_key_signing_key refers to this public zone: it is not DNSSEC-signed"));
  },
};
