// Helpers for the tests that run the real `npm run synth` (node scripts/synth.mjs) in temp folders.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnResult, type Result } from "../process-helpers";

export { spawnResult, type Result };

export const root = join(__dirname, "..", "..");
export const synthScript = join(root, "scripts", "synth.mjs");
export const faultPreload = join(__dirname, "fixtures", "fs-fault.cjs");

/** The environment of a synth: no CDKTF_OUTDIR / HA_SITE_CONFIG / INIT_CWD from the test runner. */
export function synthEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.INIT_CWD;
  delete base.HA_SITE_CONFIG;
  delete base.CDKTF_OUTDIR;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

/**
 * A project root for the tests of synth.mjs's own file-system behaviour: copies of scripts/synth.mjs and
 * the two modules it imports, with fixtures/stand-in-app.cjs as the prebuilt app bundle
 * (.cache/synth-app.cjs). synth.mjs finds its root from its own path, so `<root>/scripts/synth.mjs` runs
 * the stand-in instead of main.ts; the fingerprint in .cache/synth-app.key is that of the root's
 * sources (main.ts, a copy of the stand-in, and scripts/bundle.mjs), so synth.mjs does not rebuild.
 * Should synth.mjs's fingerprint format change, it rebuilds the bundle from that main.ts once (with
 * esbuild, through the node_modules link): slower, the same behaviour. Returns the root's synth.mjs.
 */
export function standInRoot(dir: string): string {
  mkdirSync(join(dir, "scripts"), { recursive: true });
  mkdirSync(join(dir, ".cache"));
  for (const name of ["synth.mjs", "bundle.mjs", "run-cached.mjs"]) copyFileSync(join(root, "scripts", name), join(dir, "scripts", name));
  const app = join(__dirname, "fixtures", "stand-in-app.cjs");
  copyFileSync(app, join(dir, "main.ts"));
  copyFileSync(app, join(dir, ".cache", "synth-app.cjs"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  // synth.mjs's sourceKey(): path, size and mtime of each existing source, in the order of its SOURCES.
  const key = ["main.ts", "scripts/bundle.mjs"].map((source) => {
    const stat = statSync(join(dir, source));
    return `${join(dir, source)}\t${stat.size}\t${stat.mtimeMs}`;
  });
  writeFileSync(join(dir, ".cache", "synth-app.key"), key.join("\n"));
  return join(dir, "scripts", "synth.mjs");
}

/** Runs `count` jobs, `width` at a time (two cores: the spawned synths are what costs). */
export async function inParallel<T>(count: number, job: (i: number) => Promise<T>, width = 2): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}

/** Runs `script` (default: the real scripts/synth.mjs) in `cwd`, optionally with a --require preload. */
export function synth(cwd: string, env: NodeJS.ProcessEnv = {}, args: string[] = [], preload?: string, script = synthScript): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...(preload ? ["--require", preload] : []), script, ...args], {
    cwd,
    env: synthEnv(env),
    encoding: "utf8",
    timeout: 60_000,
  });
}


/** `synth`, without blocking the test process (to run two at once). */
export function synthAsync(cwd: string, env: NodeJS.ProcessEnv = {}, preload?: string, script = synthScript, args: string[] = []): Promise<Result> {
  return spawnResult(spawn(process.execPath, [...(preload ? ["--require", preload] : []), script, ...args], { cwd, env: synthEnv(env) }));
}


/**
 * Every entry under `dir` (not following symbolic links): file -> sha256, link -> "-> target",
 * folder -> "/". Equal trees mean nothing changed on disk.
 */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(dir, path);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out[path] = `-> ${readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[path] = "/";
        walk(path);
      } else out[path] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk("");
  return out;
}

/** The output folder's files as seen through its path (following the link), or undefined when absent. */
export function output(dir: string): Record<string, string> | undefined {
  try {
    readdirSync(dir);
  } catch {
    return undefined;
  }
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (lstatSync(join(dir, path)).isDirectory()) walk(path);
      else files[path] = createHash("sha256").update(readFileSync(join(dir, path))).digest("hex");
    }
  };
  walk("");
  return files;
}

/** stderr without the "ha-site: config: ..." line that a synth prints once the config is valid. */
export function problems(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l !== "" && !l.startsWith("ha-site: config: "));
}
