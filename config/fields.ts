// Building blocks for the config schema: every leaf carries the text of what is allowed, so that a
// validation error can always say "<path>: got <value>; expected <allowed>" on one line.
import { z } from "zod";
import { editDistance } from "./edit-distance";

/** An integer from `min` to `max` (inclusive). */
export function int(min: number, max: number) {
  const error = `an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A string matching `pattern`; `allowed` describes the rule in words. */
export function pattern(re: RegExp, allowed: string) {
  return checkedString(re, allowed);
}

/** One of a closed set of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });
}

/** One of a closed set of numbers. */
export function oneOfNumbers<const T extends readonly [number, ...number[]]>(values: T) {
  return z.literal(values, { error: `one of ${values.join(", ")}` });
}

export function bool() {
  return z.boolean({ error: "true or false" });
}


/** The closest known key to `key`, if it is close enough to be a likely typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * An object that rejects unknown keys, naming the closest known key ("did you mean ...") and the
 * allowed keys.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        const key = issue.keys[0];
        const hint = closest(key, known);
        return `unknown field${hint ? `; did you mean "${hint}"?` : ""} (allowed: ${known.join(", ")})`;
      }
      return `an object with fields ${known.join(", ")}`;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Safety rules shared by every string of the config.

/**
 * cdktf's internal token markers (`${TfToken[`, `#{TfToken[`, `&{TfToken[`): cdktf would resolve such text as
 * a reference to one of its own values (or crash), whatever Terraform escaping is around it. No config value
 * has a use for them.
 */
export const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;
const NO_TOKEN_MARKER = 'without "${TfToken[" (cdktf\'s internal token marker)';

/** A string matching `re` and free of cdktf token markers; `allowed` describes the rule in words. */
function checkedString(re: RegExp | undefined, allowed: string) {
  const base = z.string({ error: allowed });
  // abort: a value that breaks the pattern gets one issue, not also the marker's.
  return (re ? base.regex(re, { error: allowed, abort: true }) : base).refine((s) => !CDKTF_TOKEN_MARKER.test(s), { error: `${allowed}, ${NO_TOKEN_MARKER}` });
}

/** Any string (free text such as a CloudFormation parameter value), without cdktf token markers. */
export function text(allowed: string) {
  return checkedString(undefined, allowed);
}

/**
 * A map from names to values. JSON may hold a key "__proto__", which a JavaScript object cannot keep (zod's
 * record leaves it out of its output, so it would vanish silently): it is rejected, naming the key.
 */
export function record<K extends z.core.$ZodRecordKey, V extends z.core.SomeType>(key: K, value: V, allowed: string, keyAllowed: string) {
  // Typed as the record it wraps: the preprocess step only adds an issue, it never changes the value.
  const checked = z.preprocess(
    (input, ctx) => {
      if (input !== null && typeof input === "object" && !Array.isArray(input) && Object.prototype.hasOwnProperty.call(input, "__proto__")) {
        ctx.addIssue({
          code: "custom",
          path: ["__proto__"],
          input: "__proto__",
          message: `${keyAllowed}, other than "__proto__" (a JavaScript object cannot hold that key)`,
        });
      }
      return input;
    },
    z.record(key, value, { error: allowed }),
  );
  return checked as unknown as z.ZodRecord<K, V>;
}

/** An IPv4 CIDR's prefix length and network address ("10.0.0.9/8" -> "10.0.0.0/8"); undefined if malformed. */
export function ipv4Network(cidr: string): { readonly prefix: number; readonly network: string } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const address = Math.floor(octets.reduce((acc, o) => acc * 256 + o, 0) / size) * size;
  const network = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
  return { prefix, network: `${network}/${prefix}` };
}
