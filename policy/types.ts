// The policy gate's model: a synthesized app (cdktf.out) read as plain JSON, rules as pure functions over it,
// and what they find. Rules see Terraform resource types and attributes only, never ha-site's constructs, so
// that they keep working when constructs change and judge any Terraform JSON the same way.

/** Synthesized Terraform JSON is untyped by nature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Severity = "error" | "warning";

/** One synthesized stack: `stacks/<name>/cdk.tf.json` under the output directory. */
export interface SynthStack {
  readonly name: string;
  /** Directory of the stack relative to the output directory, with "/" separators ("stacks/dns"). */
  readonly dir: string;
  readonly json: Json;
}

/** A synthesized app: every stack of one output directory. */
export interface SynthApp {
  readonly stacks: readonly SynthStack[];
}

/** One thing a rule found. `address` is the Terraform address inside the stack (`aws_sns_topic.Topic_1234`). */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly stack: string;
  readonly address: string;
  /** The construct path cdktf records for the resource (`dns/PrimaryAlarm/Topic`), when there is one. */
  readonly path?: string;
  readonly message: string;
}

/** What a rule reports: the rest (rule id, severity) is filled in by the runner. */
export interface Hit {
  readonly stack: string;
  readonly address: string;
  readonly path?: string;
  readonly message: string;
}

export interface Rule {
  /** Checkov's id where the rule is a Checkov check, else HA_<WHAT>. */
  readonly id: string;
  /** One line: what must hold. */
  readonly description: string;
  readonly severity: Severity;
  /** Why, and what to do instead (RULES.md). */
  readonly rationale: string;
  /** Pure: the same app gives the same hits, in a stable order. */
  readonly check: (app: SynthApp) => Hit[];
}
