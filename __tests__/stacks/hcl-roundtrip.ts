// Test helper: compare a stack's Terraform JSON with hcl2json's reading of the HCL rendered from it.
import { setFlagsFromString } from "node:v8";
import { escapeTemplate } from "../../constructs/terraform-literal";
import type { Json } from "../helpers";

let hcl2json: typeof import("@cdktf/hcl2json") | undefined;

/**
 * hcl2json's `parse` (HCL text -> its JSON reading). hcl2json is Go compiled to WebAssembly; V8's optimizing
 * tier recompiling that code cost ~2 s of CPU per test process (a dozen parses: ~2.5 s with it, ~0.6 s with
 * the baseline compiler alone), so WebAssembly compiled from here on in this process stays on the baseline
 * compiler (Liftoff). Only speed changes: the same code runs. Loaded lazily, so that the flag is set before
 * hcl2json compiles its module (it starts when it is loaded).
 */
export function parseHcl(filename: string, text: string): Promise<Json> {
  if (!hcl2json) {
    setFlagsFromString("--liftoff-only");
    hcl2json = require("@cdktf/hcl2json") as typeof import("@cdktf/hcl2json");
  }
  return hcl2json.parse(filename, text);
}

/** Keys whose values are references or keywords: `x` in HCL, "x" in JSON, "${x}" from hcl2json. */
const REFERENCE_KEYS = new Set(["when", "on_failure", "provider", "depends_on", "ignore_changes", "replace_triggered_by", "type"]);

function normalize(value: Json, key = ""): Json {
  // JSON lists provisioners in order as [{ "<type>": body }, ...]; hcl2json groups blocks by label.
  if (key === "provisioner" && Array.isArray(value)) {
    const byType: Record<string, Json[]> = {};
    for (const p of value) for (const [type, body] of Object.entries(p)) (byType[type] ??= []).push(body);
    value = byType;
  }
  if (Array.isArray(value)) {
    if (value.length === 1 && value[0] && typeof value[0] === "object" && !Array.isArray(value[0])) return normalize(value[0], key);
    return value.map((v) => normalize(v, key));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, normalize(v, k)]),
    );
  }
  if (typeof value === "string" && REFERENCE_KEYS.has(key)) return value.replace(/^\$\{([^]*)\}$/, "$1");
  return value;
}

/**
 * A stack's JSON as hcl2json reports the equivalent HCL: blocks given as one object or a list of them
 * compare alike, references and keywords unwrapped, and the strings Terraform reads literally in JSON
 * (variable and output descriptions, variable defaults) escaped as their HCL form must be.
 */
export function comparableJson(config: Json): Json {
  const copy = structuredClone(config);
  for (const variable of Object.values<Json>(copy.variable ?? {})) {
    if (typeof variable.description === "string") variable.description = escapeTemplate(variable.description);
    if (typeof variable.default === "string") variable.default = escapeTemplate(variable.default);
  }
  for (const output of Object.values<Json>(copy.output ?? {})) {
    if (typeof output.description === "string") output.description = escapeTemplate(output.description);
  }
  return normalize(copy);
}

export function comparableHcl(fromHcl2json: Json): Json {
  return normalize(fromHcl2json);
}
