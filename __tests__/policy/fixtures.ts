// Synthesized fixtures for the policy tests: the real `npm run synth` (scripts/synth.mjs) of a config
// (synthDir, for the CLI's tests), or the same synthesis in this process (synthApp), read back as a
// SynthApp, plus small helpers to break a copy of it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { parseConfig } from "../../config/load";
import type { SiteConfigInput } from "../../config/schema";
import { SEED_CONFIG } from "../../config/seed";
import { readSynthDir } from "../../policy/load";
import type { Json, SynthApp } from "../../policy/types";
import { synthesize } from "../../stacks/hcl-output";
import { buildSite } from "../../stacks/site";

export const root = join(__dirname, "..", "..");

const created: string[] = [];

/** Removes every directory synthDir made (call in afterAll). */
export function removeSynthDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Synthesizes `config` into a temp directory; returns the output directory. */
export function synthDir(config: SiteConfigInput): string {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-policy-"));
  created.push(dir);
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  const out = join(dir, "cdktf.out");
  execFileSync(process.execPath, [join(root, "scripts", "synth.mjs")], { cwd: dir, env: { ...process.env, HA_SITE_CONFIG: file, CDKTF_OUTDIR: out }, stdio: "pipe", timeout: 120_000 });
  return out;
}

/**
 * `config` synthesized as main.ts does it (same App options, buildSite, synthesize), in this process, into a
 * temp directory, and read back the way the policy gate reads `npm run synth`'s output. The rules are what
 * these tests check, not the CLI (synthDir's spawn of scripts/synth.mjs costs ~0.35 s of CPU a config).
 */
export function synthApp(config: SiteConfigInput): SynthApp {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-policy-"));
  created.push(dir);
  const out = join(dir, "cdktf.out");
  const app = new App({ outdir: out, skipValidation: true, stackTraces: false });
  buildSite(app, parseConfig(config, "test config"));
  synthesize(app, {});
  return readSynthDir(out);
}

/** The seed with one native region (examples/mixed-engines.json's shape): launch templates, SGs, an NLB, SSM. */
export const NATIVE_CONFIG: SiteConfigInput = {
  ...structuredClone(SEED_CONFIG),
  regions: [
    { region: "us-west-2", engine: "native", keyName: "swarm", managers: 3, workers: 2, vpc: "10.20.0.0/16", sshCidrs: ["203.0.113.0/24"] },
    { region: "us-east-2", keyName: "docker" },
  ],
};

/** A deep copy of `app` that `change` may edit (per stack JSON). */
export function broken(app: SynthApp, change: (stacks: Record<string, Json>) => void): SynthApp {
  const copy = structuredClone(app.stacks) as { name: string; dir: string; json: Json }[];
  change(Object.fromEntries(copy.map((s) => [s.name, s.json])));
  return { stacks: copy };
}

/** The only resource of `type` whose construct path ends with `suffix` in a stack's JSON. */
export function at(stack: Json, type: string, suffix: string): Json {
  const hits = Object.values(stack.resource?.[type] ?? {}).filter((r: Json) => String(r["//"]?.metadata?.path ?? "").endsWith(suffix));
  if (hits.length !== 1) throw new Error(`expected one ${type} at .../${suffix}, found ${hits.length}`);
  return hits[0];
}

/** The address of the resource of `type` at `.../suffix`. */
export function addressOf(stack: Json, type: string, suffix: string): string {
  const name = Object.keys(stack.resource?.[type] ?? {}).find((n) => String(stack.resource[type][n]["//"]?.metadata?.path ?? "").endsWith(suffix));
  if (!name) throw new Error(`no ${type} at .../${suffix}`);
  return `${type}.${name}`;
}
