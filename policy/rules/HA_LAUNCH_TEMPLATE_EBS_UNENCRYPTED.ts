import { blocks, hit, isTrue, resources, show } from "../tf";
import type { Rule } from "../types";

// The launch-template counterpart of CKV_AWS_8 (AWS Config: ec2-launch-templates-ebs-volume-encrypted).
export const rule: Rule = {
  id: "HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED",
  description: "Launch templates encrypt every EBS volume they map (block_device_mappings[].ebs.encrypted = true)",
  severity: "error",
  rationale:
    "The native engine's nodes are launched from launch templates; a mapping without `encrypted = true` creates an unencrypted volume unless the account enables EBS encryption by default, which Terraform cannot see.",
  check: (app) =>
    resources(app, ["aws_launch_template"]).flatMap((r) =>
      blocks(r.body.block_device_mappings).flatMap((m, i) =>
        blocks(m.ebs)
          .filter((ebs) => !isTrue(ebs.encrypted))
          .map((ebs) => hit(r, `block_device_mappings[${i}] (${show(m.device_name)}): ebs.encrypted is ${show(ebs.encrypted)}, not true`)),
      ),
    ),
};
