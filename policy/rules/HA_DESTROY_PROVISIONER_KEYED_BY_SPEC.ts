import { blocks, hit, list, referencedAddresses, resources, type Resource } from "../tf";
import type { Json, Rule } from "../types";

/** Trigger keys that change whenever a service's spec (or the script applying it) changes. */
const SPEC_KEY = /spec|image|replica|port|env|script|sha|hash|checksum|version|command/i;

function hasDestroyProvisioner(r: Resource): boolean {
  return blocks(r.body.provisioner).some((p) => Object.values(p).some((body: Json) => blocks(body).some((b) => b.when === "destroy")));
}

/** What replaces the resource when it changes: [label, value] pairs. */
function replacementTriggers(r: Resource): [string, Json][] {
  const out: [string, Json][] = [];
  const keyed = (label: string, value: Json) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) out.push([`${label}.${k}`, v]);
    } else if (value !== undefined) out.push([label, value]);
  };
  if (r.type === "null_resource") keyed("triggers", r.body.triggers);
  if (r.type === "terraform_data") keyed("triggers_replace", r.body.triggers_replace);
  // Terraform JSON: replace_triggered_by entries are bare references ("null_resource.x"), like depends_on.
  list(blocks(r.body.lifecycle)[0]?.replace_triggered_by).forEach((v, i) =>
    out.push([`lifecycle.replace_triggered_by[${i}]`, typeof v === "string" && !v.includes("${") ? `\${${v}}` : v]),
  );
  return out;
}

/** The spec-keyed values a resource carries (its triggers, or a terraform_data's input). */
function specKeys(r: Resource): string[] {
  const carried = [...replacementTriggers(r), ...Object.keys(r.type === "terraform_data" && typeof r.body.input === "object" ? r.body.input ?? {} : {}).map((k) => [`input.${k}`, null] as [string, Json])];
  return carried.map(([label]) => label).filter((label) => SPEC_KEY.test(label.split(".").pop() ?? ""));
}

export const rule: Rule = {
  id: "HA_DESTROY_PROVISIONER_KEYED_BY_SPEC",
  description: "A resource with a destroy-time provisioner is not replaced when a service's spec changes",
  severity: "error",
  rationale:
    "A destroy-time provisioner runs whenever its resource is replaced, not only on `destroy`: if the removal step (`docker service rm`) is keyed by the spec (image, replicas, ports, env, script hash), every spec change removes the running service before re-creating it, an outage per deploy. Key the removal by the service's identity only and update the service in place from a separate resource.",
  check: (app) => {
    const all = resources(app);
    const byAddress = new Map(all.map((r) => [`${r.stack.name} ${r.address}`, r]));
    return all.filter(hasDestroyProvisioner).flatMap((r) =>
      replacementTriggers(r).flatMap(([label, value]) => {
        const key = label.split(".").pop() ?? "";
        if (label.startsWith("triggers") && SPEC_KEY.test(key)) {
          return [hit(r, `has a destroy-time provisioner and is replaced when ${label} changes (a service spec value): a spec change runs the removal`)];
        }
        const carriers = referencedAddresses(value)
          .map((a) => byAddress.get(`${r.stack.name} ${a}`))
          .filter((t): t is Resource => t !== undefined && t !== r && specKeys(t).length > 0);
        return carriers.map((t) => hit(r, `has a destroy-time provisioner and is replaced when ${label} changes; it follows ${t.address}, which changes with the spec (${specKeys(t).join(", ")})`));
      }),
    );
  },
};
