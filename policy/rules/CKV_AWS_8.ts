import { blocks, hit, isTrue, resources, show } from "../tf";
import type { Rule } from "../types";

// Checkov CKV_AWS_8 ("Ensure all data stored in the Launch configuration or instance Elastic Blocks Store is
// securely encrypted"; aws_instance, aws_launch_configuration: root_block_device / ebs_block_device encrypted).
// Launch templates: HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED (Checkov's CKV_AWS_8 does not read them).
export const rule: Rule = {
  id: "CKV_AWS_8",
  description: "Instances and launch configurations encrypt their EBS volumes",
  severity: "error",
  rationale:
    "An unencrypted volume leaves data (and the swarm's state on the managers) readable from snapshots. Set `encrypted = true` on every root_block_device and ebs_block_device.",
  check: (app) =>
    resources(app, ["aws_instance", "aws_launch_configuration"]).flatMap((r) => {
      const devices = [
        ...blocks(r.body.root_block_device).map((d) => ["root_block_device", d] as const),
        ...blocks(r.body.ebs_block_device).map((d, i) => [`ebs_block_device[${i}]`, d] as const),
      ];
      if (devices.length === 0) return [hit(r, "no root_block_device with encrypted = true: the root volume is not encrypted")];
      return devices.filter(([, d]) => !isTrue(d.encrypted)).map(([where, d]) => hit(r, `${where}.encrypted is ${show(d.encrypted)}, not true`));
    }),
};
