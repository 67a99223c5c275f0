import type { Hit, Json, Rule } from "../types";
import { referencedNames } from "../tf";

/** The sensitive variables an expression depends on, through locals too. */
function sensitiveVariables(value: Json, variables: Json, locals: Json, seen = new Set<string>()): string[] {
  const direct = referencedNames(value, "var").filter((v) => variables?.[v]?.sensitive === true || variables?.[v]?.sensitive === "true");
  const viaLocals = referencedNames(value, "local")
    .filter((l) => !seen.has(l) && locals && l in locals)
    .flatMap((l) => {
      seen.add(l);
      return sensitiveVariables(locals[l], variables, locals, seen);
    });
  return [...new Set([...direct, ...viaLocals])];
}

export const rule: Rule = {
  id: "HA_SENSITIVE_OUTPUT",
  description: "No output that is not marked sensitive refers to a sensitive variable",
  severity: "error",
  rationale:
    "Outputs are printed after apply, stored in plain text in the state and read by other stacks through remote state: an SSH private key or token must never reach one. Terraform refuses such an output at plan; this catches it in review. Do not output secrets at all.",
  check: (app) =>
    app.stacks.flatMap((stack) => {
      const outputs = stack.json?.output ?? {};
      const locals = Object.assign({}, ...[stack.json?.locals ?? {}].flat());
      return Object.keys(outputs)
        .sort()
        .flatMap((name): Hit[] => {
          const out = outputs[name];
          if (out?.sensitive === true || out?.sensitive === "true") return [];
          const vars = sensitiveVariables(out?.value, stack.json?.variable, locals);
          return vars.length === 0 ? [] : [{ stack: stack.name, address: `output.${name}`, message: `refers to sensitive variable ${vars.map((v) => `var.${v}`).join(", ")} but is not sensitive` }];
        });
    }),
};
