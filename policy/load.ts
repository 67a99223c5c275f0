// Reads a synthesized output directory (cdktf.out) into a SynthApp: the stacks listed by manifest.json, or,
// without a manifest, every stacks/<name>/cdk.tf.json.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SynthApp, SynthStack } from "./types";

/** Bad input to a policy command: `message` is one line. */
export class PolicyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyInputError";
  }
}

function readJson(file: string, what: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PolicyInputError(`${file}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PolicyInputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** The stack directories (relative, "/"-separated) of an output directory. */
function stackDirs(outdir: string): { name: string; dir: string }[] {
  const manifest = join(outdir, "manifest.json");
  if (existsSync(manifest)) {
    const stacks = readJson(manifest, "the manifest")?.stacks;
    if (stacks === null || typeof stacks !== "object") throw new PolicyInputError(`${manifest}: no "stacks" object; expected cdktf's manifest.json`);
    return Object.keys(stacks)
      .sort()
      .map((name) => ({ name, dir: String(stacks[name]?.workingDirectory ?? `stacks/${name}`).replace(/\\/g, "/") }));
  }
  const root = join(outdir, "stacks");
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .filter((name) => statSync(join(root, name)).isDirectory())
    .map((name) => ({ name, dir: `stacks/${name}` }));
}

/** Reads every stack of `outdir`; throws PolicyInputError when it is not a synthesized JSON output. */
export function readSynthDir(outdir: string): SynthApp {
  if (!existsSync(outdir) || !statSync(outdir).isDirectory()) {
    throw new PolicyInputError(`${outdir}: no such directory; expected a synthesized output directory (run npm run synth first)`);
  }
  const dirs = stackDirs(outdir);
  if (dirs.length === 0) throw new PolicyInputError(`${outdir}: no stacks (no manifest.json and no stacks/*/cdk.tf.json); run npm run synth first`);
  const stacks: SynthStack[] = dirs.map(({ name, dir }) => {
    const file = join(outdir, dir, "cdk.tf.json");
    if (!existsSync(file) && existsSync(join(outdir, dir, "cdk.tf"))) {
      throw new PolicyInputError(`${join(outdir, dir)}: HCL output (cdk.tf); the policy gate reads JSON: run npm run synth (not synth:hcl)`);
    }
    const json = readJson(file, `stack ${name}`);
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new PolicyInputError(`${file}: not a Terraform JSON object`);
    return { name, dir, json };
  });
  return { stacks };
}
