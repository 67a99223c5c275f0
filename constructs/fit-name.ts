// The one naming helper: derived names that always fit AWS's length limits. A name that fits is used as it
// is (so today's names of ordinary sites never change); a longer one becomes a prefix of it + "-" + 8 hex
// digits of its SHA-256, which is deterministic and keeps two long names that share a prefix apart.
// Limits (AWS API references): CloudFormation stack 128 (a letter first), SNS topic 256, CloudWatch alarm 255,
// ELB load balancer / target group 32, IAM role 64, instance profile 128, launch template 128, Auto Scaling
// group 255, tag value 256, Route 53 hosted zone comment 256.
import { createHash } from "node:crypto";

/** 8 hex digits of the SHA-256 of `text`. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** `name` if it has at most `max` characters, else a prefix of it + "-" + 8 hex digits of its hash (exactly `max` or fewer). */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  return `${name.slice(0, max - 9).replace(/[-_. ]+$/, "")}-${shortHash(name)}`;
}

/**
 * Load balancer name: at most 32 letters, digits and hyphens, not starting or ending with a hyphen or starting
 * with "internal-". The stack name when it qualifies, else a cleaned prefix + a hash of the stack name.
 */
export function loadBalancerName(stackName: string): string {
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(stackName) && !/^internal-/i.test(stackName)) return stackName;
  const clean = stackName
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^internal-/i, "")
    .slice(0, 23)
    .replace(/^-+|-+$/g, "");
  return `${clean || "swarm"}-${shortHash(stackName)}`;
}
