// The synth fast path: the V8 code cache next to the bundle (scripts/run-cached.mjs), the bundle options
// (scripts/bundle.mjs) and cdktf.json running the same bundled path as `npm run synth`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const runner = join(root, "scripts", "run-cached-main.mjs");

/** Runs `bundle` through the code-cache runner in a child and returns what the bundle and runner printed. */
function runBundle(bundle: string, env: NodeJS.ProcessEnv = {}) {
  const script = `import { runCached } from ${JSON.stringify(join(root, "scripts", "run-cached.mjs"))};
const r = runCached(${JSON.stringify(bundle)}); console.log("cache=" + r.cache);`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout.trim().split("\n");
}

describe("V8 code cache (scripts/run-cached.mjs)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ha-site-cache-"));
  const bundle = join(dir, "app.cjs");
  // A CommonJS module that uses the five names of the CommonJS wrapper.
  const source = (word: string) =>
    `const path = require("node:path"); module.exports.x = 1; exports.y = 2;
console.log("${word}", path.basename(__filename), path.basename(__dirname) === path.basename(${JSON.stringify(dir)}), module.exports.x + exports.y);`;

  it("writes a cache after the first run and uses it on the next", () => {
    writeFileSync(bundle, source("one"));
    expect(runBundle(bundle)).toEqual(["one app.cjs true 3", "cache=miss"]);
    expect(statSync(`${bundle}.v8cache`).size).toBeGreaterThan(0);
    expect(runBundle(bundle)).toEqual(["one app.cjs true 3", "cache=hit"]);
  });

  it("rejects the cache of another source, runs the new source and replaces the cache", () => {
    writeFileSync(bundle, source("one"));
    runBundle(bundle);
    const before = readFileSync(`${bundle}.v8cache`);
    writeFileSync(bundle, source("two, a longer source"));
    expect(runBundle(bundle)).toEqual(["two, a longer source app.cjs true 3", "cache=rejected"]);
    expect(readFileSync(`${bundle}.v8cache`).equals(before)).toBe(false);
    expect(runBundle(bundle)).toEqual(["two, a longer source app.cjs true 3", "cache=hit"]);
  });

  it("treats a corrupt cache as rejected", () => {
    writeFileSync(bundle, source("three"));
    writeFileSync(`${bundle}.v8cache`, "not a V8 code cache");
    expect(runBundle(bundle)).toEqual(["three app.cjs true 3", "cache=rejected"]);
  });
});

describe("synth bundle", () => {
  it("keeps the code cache next to the bundle and synthesizes the same files with a warm cache", () => {
    const out = (name: string) => join(mkdtempSync(join(tmpdir(), "ha-site-warm-")), name);
    const synth = (outdir: string) =>
      spawnSync(process.execPath, [join(root, "scripts", "synth.mjs")], { encoding: "utf8", env: { ...process.env, HA_SITE_CONFIG: "", CDKTF_OUTDIR: outdir }, timeout: 60_000 });
    const first = out("a");
    expect(synth(first).status).toBe(0);
    expect(existsSync(join(root, ".cache", "synth-app.cjs.v8cache"))).toBe(true);
    const second = out("b");
    expect(synth(second).status).toBe(0);
    for (const stack of ["dns", "swarm-us-west-2", "swarm-us-east-2"]) {
      const file = join("stacks", stack, "cdk.tf.json");
      expect(readFileSync(join(second, file), "utf8")).toBe(readFileSync(join(first, file), "utf8"));
    }
  }, 90_000);

  it("skips cdktf's token creation stacks unless HA_SITE_TOKEN_TRACES=1", () => {
    // A bundle built with the synth options whose entry creates a cdktf token and prints the length of its
    // creation stack; run with the variable unset and then, loaded afresh, set (the bundle reads it once, when
    // it loads). cdktf's token modules only, not its whole index: the patched module is the same, the build a
    // tenth of the time. One process builds the bundle and then runs it (esbuild, not cdktf, is loaded there before).
    const outfile = join(mkdtempSync(join(tmpdir(), "ha-site-bundle-")), "traces.cjs");
    const contents = `const { Token } = require("cdktf/lib/tokens/token");
const { TokenMap } = require("cdktf/lib/tokens/private/token-map");
module.exports = TokenMap.instance().lookupString(Token.asString(Token.asAny({ a: 1 }))).creationStack.length;`;
    const builder = `import { build } from "esbuild"; import { createRequire } from "node:module"; import { bundleOptions } from "./scripts/bundle.mjs";
const options = { ...bundleOptions("main.ts", ${JSON.stringify(outfile)}), entryPoints: undefined };
await build({ ...options, stdin: { contents: ${JSON.stringify(contents)}, resolveDir: process.cwd(), loader: "js" } });
const load = (value) => { process.env.HA_SITE_TOKEN_TRACES = value; const require = createRequire(import.meta.url); delete require.cache[${JSON.stringify(outfile)}]; return require(${JSON.stringify(outfile)}); };
const off = load(""); console.log(JSON.stringify({ off, on: load("1") }));`;
    const built = spawnSync(process.execPath, ["--input-type=module", "-e", builder], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(built.stderr).toBe("");
    const { off, on } = JSON.parse(built.stdout);
    expect(off).toBe(0);
    expect(on).toBeGreaterThan(2);
  }, 60_000);

  it("fails a cross-stack reference with a message: the bundle skips cdktf's preparing pass", () => {
    // Unpatched cdktf would add an output to stack a and remote state to stack b; the bundle has no pass for that.
    const outfile = join(mkdtempSync(join(tmpdir(), "ha-site-bundle-")), "cross-stack.cjs");
    const contents = `const { App, TerraformStack, TerraformOutput } = require("cdktf");
const { Resource } = require("@cdktf/provider-null/lib/resource");
const app = new App({ outdir: ${JSON.stringify(join(tmpdir(), "ha-site-cross-stack-out"))}, skipValidation: true });
const r = new Resource(new TerraformStack(app, "a"), "r", {});
new TerraformOutput(new TerraformStack(app, "b"), "o", { value: r.id });
try { app.synth(); console.log("synthesized"); } catch (e) { console.log(e.message); }`;
    const builder = `import { build } from "esbuild"; import { bundleOptions } from "./scripts/bundle.mjs";
const options = { ...bundleOptions("main.ts", ${JSON.stringify(outfile)}), entryPoints: undefined };
await build({ ...options, stdin: { contents: ${JSON.stringify(contents)}, resolveDir: process.cwd(), loader: "js" } });`;
    const built = spawnSync(process.execPath, ["--input-type=module", "-e", builder], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(built.stderr).toBe("");
    const out = spawnSync(process.execPath, [outfile], { encoding: "utf8", timeout: 60_000 }).stdout;
    expect(out).toContain("ha-site: null_resource.r.id is a cross-stack reference (from b to a)");
  }, 60_000);

  it("is what the cdktf CLI runs (cdktf.json app)", () => {
    const cdktf = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
    expect(cdktf.app).toBe("node scripts/synth.mjs");
    expect(existsSync(runner)).toBe(true);
  });
});
