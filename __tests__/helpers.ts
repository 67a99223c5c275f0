// Shared test helpers: build a site from a config and read its synthesized stacks as JSON.
import "./cdktf-matchers";
import { Testing, type TerraformStack } from "cdktf";
import { parseConfig } from "../config/load";
import type { SiteConfigInput } from "../config/schema";
import { SEED_CONFIG } from "../config/seed";
import { buildSite, type Site } from "../stacks/site";

// Synthesized Terraform JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The seed config with `overrides` applied on top (shallow, per top-level field). */
export function seedWith(overrides: Partial<SiteConfigInput> = {}): SiteConfigInput {
  return { ...structuredClone(SEED_CONFIG), ...overrides };
}

export function buildTestSite(input: SiteConfigInput = SEED_CONFIG): Site {
  return buildSite(Testing.app(), parseConfig(input, "test config"));
}

export function synthJson(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

/** The only resource of `type` in a synthesized stack (fails the test if there are more or none). */
export function onlyResource(stack: Json, type: string): Json {
  const all = Object.values(stack.resource?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** The logical id of the `block` ("resource" or "data") of `type` at construct path `.../pathSuffix`. */
export function addressAt(stack: Json, type: string, pathSuffix: string, block = "resource"): string {
  const suffix = pathSuffix.replace(/\//g, "_");
  const match = Object.keys(stack[block]?.[type] ?? {}).filter((id) => id.replace(/_[0-9A-F]{8}$/, "").endsWith(suffix));
  if (match.length !== 1) throw new Error(`expected one ${type} at .../${pathSuffix}, found ${match.length}`);
  return match[0];
}

/** The resource of `type` at construct path `.../pathSuffix`. */
export function resourceAt(stack: Json, type: string, pathSuffix: string): Json {
  return stack.resource[type][addressAt(stack, type, pathSuffix)];
}
