// Runs the rules over a synthesized app and applies the config's suppressions.
import { RULES } from "./rules";
import type { Finding, Rule, SynthApp } from "./types";

export interface Suppression {
  readonly rule: string;
  /** Construct path ("dns/Failover/Zone"), "<stack>/<address>" or an address; `*` matches any characters. */
  readonly resource: string;
  readonly reason: string;
}

export interface Report {
  /** Findings no suppression covers, in rule order. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly { readonly finding: Finding; readonly reason: string }[];
  /** Suppressions that matched nothing (a stale entry, or a resource this config does not create). */
  readonly unused: readonly Suppression[];
  readonly rules: number;
  readonly errors: number;
  readonly warnings: number;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Whether a suppression covers a finding. */
export function covers(s: Suppression, f: Finding): boolean {
  if (s.rule !== f.rule) return false;
  const re = globToRegExp(s.resource);
  return [f.path, `${f.stack}/${f.address}`, f.address].some((name) => name !== undefined && re.test(name));
}

export function runPolicy(app: SynthApp, suppressions: readonly Suppression[] = [], rules: readonly Rule[] = RULES): Report {
  const all: Finding[] = rules.flatMap((rule) => {
    try {
      return rule.check(app).map((h) => ({ rule: rule.id, severity: rule.severity, ...h }));
    } catch (e) {
      // A rule that cannot read the input says so instead of passing silently.
      return [{ rule: rule.id, severity: "error" as const, stack: "-", address: "-", message: `rule failed on this input: ${(e as Error).message}` }];
    }
  });
  const findings: Finding[] = [];
  const suppressed: { finding: Finding; reason: string }[] = [];
  const used = new Set<Suppression>();
  for (const finding of all) {
    const s = suppressions.find((x) => covers(x, finding));
    if (s) {
      used.add(s);
      suppressed.push({ finding, reason: s.reason });
    } else {
      findings.push(finding);
    }
  }
  return {
    findings,
    suppressed,
    unused: suppressions.filter((s) => !used.has(s)),
    rules: rules.length,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
  };
}
