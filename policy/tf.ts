// Helpers for reading synthesized Terraform JSON (cdk.tf.json) the way Terraform reads it: nested blocks may be
// an object or a list of objects, booleans may be strings ("true"), numbers may be strings, and any value may be
// an unresolved "${...}" expression.
import type { Hit, Json, SynthApp, SynthStack } from "./types";

export interface Resource {
  readonly stack: SynthStack;
  readonly type: string;
  readonly name: string;
  /** `<type>.<name>` */
  readonly address: string;
  /** cdktf's construct path (metadata), if any. */
  readonly path?: string;
  readonly body: Json;
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every managed resource of the app (of `types`, if given), in stack, type and name order. */
export function resources(app: SynthApp, types?: readonly string[]): Resource[] {
  const out: Resource[] = [];
  for (const stack of app.stacks) {
    const byType = isObject(stack.json?.resource) ? stack.json.resource : {};
    for (const type of Object.keys(byType).sort()) {
      if (types && !types.includes(type)) continue;
      const byName = isObject(byType[type]) ? byType[type] : {};
      for (const name of Object.keys(byName).sort()) {
        const body = isObject(byName[name]) ? byName[name] : {};
        const path = body["//"]?.metadata?.path;
        out.push({ stack, type, name, address: `${type}.${name}`, path: typeof path === "string" ? path : undefined, body });
      }
    }
  }
  return out;
}

/** The resources of one stack, by address. */
export function stackResources(stack: SynthStack): Map<string, Resource> {
  return new Map(resources({ stacks: [stack] }).map((r) => [r.address, r]));
}

/** A nested block as a list: absent -> [], one object -> [it], a list -> its objects. */
export function blocks(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** A list attribute as a list (a single value counts as a one-item list). */
export function list(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An unresolved Terraform expression ("${...}"): its value is unknown until plan. */
export function isExpression(value: Json): boolean {
  return typeof value === "string" && value.includes("${");
}

/** true / "true" (Terraform converts the string). */
export function isTrue(value: Json): boolean {
  return value === true || value === "true";
}

/** A literal number (or numeric string); undefined for anything else, expressions included. */
export function num(value: Json): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?[0-9]+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The resource addresses an expression string refers to (`aws_x.name`, not `data.`/`var.`/`local.`). */
export function referencedAddresses(value: Json): string[] {
  const out = new Set<string>();
  const visit = (v: Json) => {
    if (typeof v === "string") {
      for (const expr of v.match(/\$\{[^}]*\}/g) ?? []) {
        for (const m of expr.matchAll(/(?<![\w.])([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) {
          if (["data", "var", "local", "module", "self", "count", "each", "path", "terraform"].includes(m[1])) continue;
          out.add(`${m[1]}.${m[2]}`);
        }
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.entries(v).forEach(([k, x]) => k !== "//" && visit(x));
  };
  visit(value);
  return [...out];
}

/** The names after `prefix.` in every expression of `value` (e.g. prefix "var" -> variable names). */
export function referencedNames(value: Json, prefix: string): string[] {
  const out = new Set<string>();
  const re = new RegExp(`(?<![\\w.])${prefix}\\.([A-Za-z_][\\w-]*)`, "g");
  const visit = (v: Json) => {
    if (typeof v === "string") {
      for (const expr of v.match(/\$\{[^}]*\}/g) ?? []) for (const m of expr.matchAll(re)) out.add(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.values(v).forEach(visit);
  };
  visit(value);
  return [...out];
}

/** A hit on a resource. */
export function hit(r: Resource, message: string): Hit {
  return { stack: r.stack.name, address: r.address, path: r.path, message };
}

/** Short text of a value for messages. */
export function show(value: Json): string {
  if (value === undefined) return "not set";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
