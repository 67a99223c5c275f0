// Building blocks for the config schema: every leaf carries the text of what is allowed, so that a
// validation error can always say "<path>: got <value>; expected <allowed>" on one line.
import { z } from "zod";

/** An integer from `min` to `max` (inclusive). */
export function int(min: number, max: number) {
  const error = `an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A string matching `pattern`; `allowed` describes the rule in words. */
export function pattern(re: RegExp, allowed: string) {
  return z.string({ error: allowed }).regex(re, { error: allowed });
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

/** Levenshtein distance, for "did you mean" hints on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest known key to `key`, if it is close enough to be a likely typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
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
