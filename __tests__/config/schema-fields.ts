// Test helper: every string field of a zod schema, read from the schema itself (so that a new field is walked
// the day it is added). A path step is a key, "*" for any item of a list, "{key}" for the keys of a record
// and "{value}" for its values.
import type { z } from "zod";

export type Step = string | "*" | "{key}" | "{value}";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Kinds of leaves that accept (some) strings. */
const STRING_LEAVES = new Set(["string", "enum", "template_literal"]);
/** Leaves that never take a string: nothing to walk. */
const OTHER_LEAVES = new Set(["number", "boolean", "int", "bigint", "null", "undefined", "never", "unknown", "any", "transform"]);

/** Paths of every string-accepting leaf of `schema` (object keys, list items, record keys and values, union options). */
export function stringFields(schema: z.ZodType, prefix: Step[] = []): Step[][] {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([key, child]) => stringFields(child, [...prefix, key]));
    case "array":
      return stringFields(def.element!, [...prefix, "*"]);
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "catch":
    case "nonoptional":
      return stringFields(def.innerType!, prefix);
    case "pipe": {
      // z.preprocess(fn, schema) is a pipe from a transform: the schema after it is what is checked.
      const inner = defOf(def.in!).type === "transform" ? def.out! : def.in!;
      return stringFields(inner, prefix);
    }
    case "record":
      return [...stringFields(def.keyType!, [...prefix, "{key}"]), ...stringFields(def.valueType!, [...prefix, "{value}"])];
    case "union": {
      const seen = new Set<string>();
      return def.options!.flatMap((o) => stringFields(o, prefix)).filter((p) => !seen.has(p.join("\u0000")) && seen.add(p.join("\u0000")));
    }
    case "literal":
      // oneOfNumbers() is a literal of numbers: not a string field.
      return (def.values ?? []).some((v) => typeof v === "string") ? [prefix] : [];
    default:
      if (STRING_LEAVES.has(def.type)) return [prefix];
      if (OTHER_LEAVES.has(def.type)) return [];
      throw new Error(`stringFields: zod type "${def.type}" at ${prefix.join(".") || "(root)"} is not handled; teach this helper about it`);
  }
}

/** A concrete path into a config: keys, indexes, and for a record key the key itself. */
export type ConcretePath = { readonly steps: readonly (string | number)[]; readonly recordKey: boolean };

/** Every concrete path of `abstract` in `config` (each list item, each record key or value that `config` has). */
export function instantiate(abstract: readonly Step[], config: unknown): ConcretePath[] {
  const out: ConcretePath[] = [];
  const walk = (value: unknown, i: number, steps: (string | number)[]) => {
    if (i === abstract.length) {
      if (typeof value === "string") out.push({ steps, recordKey: false });
      return;
    }
    const step = abstract[i];
    if (step === "*") {
      if (Array.isArray(value)) value.forEach((item, j) => walk(item, i + 1, [...steps, j]));
    } else if (step === "{key}" || step === "{value}") {
      if (value === null || typeof value !== "object") return;
      for (const key of Object.keys(value)) {
        if (step === "{key}" && i === abstract.length - 1) out.push({ steps: [...steps, key], recordKey: true });
        else walk((value as Record<string, unknown>)[key], i + 1, [...steps, key]);
      }
    } else if (value !== null && typeof value === "object" && step in value) {
      walk((value as Record<string, unknown>)[step], i + 1, [...steps, step]);
    }
  };
  walk(config, 0, []);
  return out;
}

/** A copy of `config` with the string at `path` replaced by `text` (for a record key: the key renamed to `text`). */
export function withString(config: unknown, path: ConcretePath, text: string): unknown {
  const copy = structuredClone(config) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  const steps = path.steps;
  for (const step of steps.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = steps[steps.length - 1];
  if (path.recordKey) {
    const entries = Object.entries(node).map(([k, v]) => [k === last ? text : k, v] as const);
    for (const k of Object.keys(node)) delete node[k];
    for (const [k, v] of entries) node[k] = v;
  } else {
    node[last] = text;
  }
  return copy;
}
