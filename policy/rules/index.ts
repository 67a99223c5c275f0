// Every rule of the policy gate, one per file in this folder (a test checks that none is missing here).
import type { Rule } from "../types";
import { rule as CKV2_AWS_38 } from "./CKV2_AWS_38";
import { rule as CKV2_AWS_39 } from "./CKV2_AWS_39";
import { rule as CKV_AWS_24 } from "./CKV_AWS_24";
import { rule as CKV_AWS_26 } from "./CKV_AWS_26";
import { rule as CKV_AWS_260 } from "./CKV_AWS_260";
import { rule as CKV_AWS_79 } from "./CKV_AWS_79";
import { rule as CKV_AWS_8 } from "./CKV_AWS_8";
import { rule as CKV_AWS_91 } from "./CKV_AWS_91";
import { rule as HA_ALIAS_RECORD_TTL } from "./HA_ALIAS_RECORD_TTL";
import { rule as HA_DESTROY_PROVISIONER_KEYED_BY_SPEC } from "./HA_DESTROY_PROVISIONER_KEYED_BY_SPEC";
import { rule as HA_HEALTH_CHECK_ELB_PORT } from "./HA_HEALTH_CHECK_ELB_PORT";
import { rule as HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED } from "./HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED";
import { rule as HA_LOCAL_STATE_IN_OUTDIR } from "./HA_LOCAL_STATE_IN_OUTDIR";
import { rule as HA_ROUTING_RECORD_NO_HEALTH_CHECK } from "./HA_ROUTING_RECORD_NO_HEALTH_CHECK";
import { rule as HA_SENSITIVE_OUTPUT } from "./HA_SENSITIVE_OUTPUT";
import { rule as HA_SWARM_PORTS_EXPOSED } from "./HA_SWARM_PORTS_EXPOSED";

/** Checkov checks first (by id), then ha-site's own. */
export const RULES: readonly Rule[] = [
  CKV_AWS_8,
  CKV_AWS_24,
  CKV_AWS_26,
  CKV_AWS_79,
  CKV_AWS_91,
  CKV_AWS_260,
  CKV2_AWS_38,
  CKV2_AWS_39,
  HA_ALIAS_RECORD_TTL,
  HA_DESTROY_PROVISIONER_KEYED_BY_SPEC,
  HA_HEALTH_CHECK_ELB_PORT,
  HA_LAUNCH_TEMPLATE_EBS_UNENCRYPTED,
  HA_LOCAL_STATE_IN_OUTDIR,
  HA_ROUTING_RECORD_NO_HEALTH_CHECK,
  HA_SENSITIVE_OUTPUT,
  HA_SWARM_PORTS_EXPOSED,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);
