import { hit, resources } from "../tf";
import type { Rule } from "../types";

// Checkov CKV_AWS_26 ("Ensure all data stored in the SNS topic is encrypted"; aws_sns_topic: kms_master_key_id).
export const rule: Rule = {
  id: "CKV_AWS_26",
  description: "SNS topics are encrypted at rest (kms_master_key_id set)",
  severity: "error",
  rationale:
    "Messages wait in SNS unencrypted. Note: CloudWatch alarms can publish to an encrypted topic only with a customer managed key whose policy lets cloudwatch.amazonaws.com use it (SNS developer guide, \"compatibility with AWS services\"), not with alias/aws/sns.",
  check: (app) =>
    resources(app, ["aws_sns_topic"])
      .filter((r) => typeof r.body.kms_master_key_id !== "string" || r.body.kms_master_key_id === "")
      .map((r) => hit(r, "kms_master_key_id is not set: the topic is not encrypted at rest")),
};
