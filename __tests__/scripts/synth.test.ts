// End to end: the real `npm run synth` command (node scripts/synth.mjs), run in temp directories.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = join(__dirname, "..", "..");
const synthScript = join(root, "scripts", "synth.mjs");

function synth(cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [synthScript], {
    cwd,
    env: { ...process.env, CDKTF_OUTDIR: "", HA_SITE_CONFIG: "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return out;
}

// Build the cached bundle once, so that the parallel cases below do not all bundle at the same time.
beforeAll(() => {
  execFileSync(process.execPath, [synthScript], { cwd: mkdtempSync(join(tmpdir(), "ha-site-warm-")), env: { ...process.env, CDKTF_OUTDIR: "", HA_SITE_CONFIG: "" }, stdio: "pipe" });
}, 60_000);

describe("npm run synth", () => {
  it.each([
    ["an unknown field", { ...JSON.parse(readFileSync(join(root, "examples", "seed.json"), "utf8")), replica: 3 }, /^ha-site: bad\.json: replica: unknown field \(allowed: domain, engine, recordName, /],
    ["a bad value", { ...JSON.parse(readFileSync(join(root, "examples", "seed.json"), "utf8")), domain: "nosql search" }, /^ha-site: bad\.json: domain: got "nosql search"; expected a lower-case DNS name/],
  ])("rejects %s with one line, exit code 1 and nothing written", (_name, config, message) => {
    const cwd = mkdtempSync(join(tmpdir(), "ha-site-bad-"));
    writeFileSync(join(cwd, "bad.json"), JSON.stringify(config));
    const result = synth(cwd, { HA_SITE_CONFIG: "bad.json" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toBe("");
    expect(readdirSync(cwd)).toEqual(["bad.json"]);
  });

  it("writes the same bytes in any directory, with no absolute path or key, and keeps them on a bad config", () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), "ha-site-a-")), mkdtempSync(join(tmpdir(), "ha-site-b-"))];
    for (const cwd of [a, b]) {
      const result = synth(cwd);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("ha-site: synthesized 3 stacks (JSON) into cdktf.out/");
    }
    const first = files(join(a, "cdktf.out"));
    expect([...first.keys()].sort()).toEqual(
      ["manifest.json", ...["dns", "swarm-us-east-2", "swarm-us-west-2"].map((s) => `stacks/${s}/cdk.tf.json`)].sort(),
    );
    expect(files(join(b, "cdktf.out"))).toEqual(first);
    for (const [name, text] of first) {
      // Secrets only through sensitive variables: no key material, no key file read at plan time.
      expect({ name, key: /PRIVATE KEY|file\(/.test(text) }).toEqual({ name, key: false });
      for (const absolute of [a, b, root, tmpdir(), "/home/", "/root/"]) {
        expect({ name, found: text.includes(absolute) }).toEqual({ name, found: false });
      }
    }
    // A bad config afterwards leaves that output exactly as it was.
    writeFileSync(join(a, "bad.json"), "{}");
    const bad = synth(a, { HA_SITE_CONFIG: "bad.json" });
    expect(bad.status).toBe(1);
    expect(files(join(a, "cdktf.out"))).toEqual(first);
    // cdktf.out is a link to the version next to it (README, "What synth guarantees").
    expect(readdirSync(a).sort()).toEqual([expect.stringMatching(/^\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/), "bad.json", "cdktf.out"]);
  });

  it("creates missing parent directories of CDKTF_OUTDIR", () => {
    const cwd = mkdtempSync(join(tmpdir(), "ha-site-nested-"));
    const result = synth(cwd, { CDKTF_OUTDIR: "build/terraform/out", HA_SITE_CONFIG: join(root, "examples", "production.json") });
    expect(result.stderr).toBe(`ha-site: config: ${join(root, "examples", "production.json")} (example.org), from HA_SITE_CONFIG\n`);
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, "build", "terraform", "out", "manifest.json"))).toBe(true);
  });

  // examples/seed.json is the built-in config (config tests), synthesized above.
  it.each(readdirSync(join(root, "examples")).filter((f) => f.endsWith(".json") && f !== "seed.json"))("synthesizes examples/%s", (example) => {
    const cwd = mkdtempSync(join(tmpdir(), "ha-site-example-"));
    const result = synth(cwd, { HA_SITE_CONFIG: join(root, "examples", example) });
    expect(result.stderr).toMatch(/^ha-site: config: .*, from HA_SITE_CONFIG\n$/);
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, "cdktf.out", "stacks", "dns", "cdk.tf.json"))).toBe(true);
  });
});

// The bundle (scripts/bundle.mjs) patches cdktf for speed (lazy requires, its resolver's bookkeeping, no token
// creation stacks, no keepNames); jest runs the unpatched sources. The unchanged-output fixtures hold what the
// in-process synth writes for these configs, so the bundled synth must write exactly those bytes.
describe("the bundled synth writes what the in-process synth does", () => {
  const fixtures = join(root, "__tests__", "stacks", "fixtures", "unchanged-output");
  const cases: Record<string, unknown> = JSON.parse(readFileSync(join(fixtures, "cases.json"), "utf8"));
  const hashes: Record<string, string> = JSON.parse(readFileSync(join(fixtures, "sha256.json"), "utf8"));
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

  const runs = new Map<string, Promise<{ cwd: string; error: Error | null }>>();
  beforeAll(() => {
    // All at once: each is a process of its own.
    for (const name of Object.keys(cases)) {
      const cwd = mkdtempSync(join(tmpdir(), "ha-site-bundled-"));
      writeFileSync(join(cwd, "config.json"), JSON.stringify(cases[name]));
      const env = { ...process.env, CDKTF_OUTDIR: "", HA_SITE_CONFIG: "config.json" };
      runs.set(name, new Promise((resolve) => execFile(process.execPath, [synthScript], { cwd, env, timeout: 60_000 }, (error) => resolve({ cwd, error }))));
    }
  });

  it.each(Object.keys(cases))("%s: every file as in unchanged-output/sha256.json", async (name) => {
    const { cwd, error } = await runs.get(name)!;
    expect(error).toBeNull();
    const written: Record<string, string> = {};
    for (const [path, text] of files(join(cwd, "cdktf.out"))) {
      written[`${name}/${path === "manifest.json" ? path : `${path.split("/")[1]}.json`}`] = sha256(text);
    }
    const expected = Object.fromEntries(Object.entries(hashes).filter(([key]) => key.startsWith(`${name}/`) && !key.endsWith(".tf")));
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(written).toEqual(expected);
  });
});
