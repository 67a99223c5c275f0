// End to end: the real `npm run synth` command (node scripts/synth.mjs), run in temp directories.
// Every synth here is the real app's; beforeAll runs them two at a time and the tests check the results.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { inParallel, root, synthAsync, synthScript, type Result } from "./synth-helpers";

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

const seed = () => JSON.parse(readFileSync(join(root, "examples", "seed.json"), "utf8"));
const badConfigs: [string, unknown, RegExp][] = [
  ["an unknown field", { ...seed(), replica: 3 }, /^ha-site: bad\.json: replica: unknown field \(allowed: domain, engine, recordName, /],
  ["a bad value", { ...seed(), domain: "nosql search" }, /^ha-site: bad\.json: domain: got "nosql search"; expected a lower-case DNS name/],
];
// examples/seed.json is the built-in config (config tests), synthesized in `a` and `b`. The examples go
// to an output folder whose parents do not exist yet.
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".json") && f !== "seed.json");
const NESTED = join("build", "terraform", "out");

const temp = (name: string) => mkdtempSync(join(tmpdir(), `ha-site-${name}-`));
const [a, b] = [temp("a"), temp("b")];
let first: Map<string, string>; // a's output, before the bad config there
const runs: Record<string, { cwd: string; result: Result }> = {};

beforeAll(async () => {
  // The first synth also builds the cached bundle if needed, so that the parallel ones below do not all bundle at once.
  runs.a = { cwd: a, result: await synthAsync(a) };
  first = files(join(a, "cdktf.out"));
  writeFileSync(join(a, "bad.json"), "{}");
  const jobs: [string, string, NodeJS.ProcessEnv][] = [
    ["b", b, {}],
    ["bad-after-a", a, { HA_SITE_CONFIG: "bad.json" }],
    ...badConfigs.map(([name, config]): [string, string, NodeJS.ProcessEnv] => {
      const cwd = temp("bad");
      writeFileSync(join(cwd, "bad.json"), JSON.stringify(config));
      return [name, cwd, { HA_SITE_CONFIG: "bad.json" }];
    }),
    ...examples.map((example): [string, string, NodeJS.ProcessEnv] => [example, temp("example"), { CDKTF_OUTDIR: NESTED, HA_SITE_CONFIG: join(root, "examples", example) }]),
  ];
  await inParallel(jobs.length, async (i) => {
    const [name, cwd, env] = jobs[i];
    runs[name] = { cwd, result: await synthAsync(cwd, env) };
  });
}, 120_000);

describe("npm run synth", () => {
  it.each(badConfigs)("rejects %s with one line, exit code 1 and nothing written", (name, _config, message) => {
    const { cwd, result } = runs[name];
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stdout).toBe("");
    expect(readdirSync(cwd)).toEqual(["bad.json"]);
  });

  it("writes the same bytes in any directory, with no absolute path or key, and keeps them on a bad config", () => {
    for (const run of [runs.a, runs.b]) {
      expect(run.result.status).toBe(0);
      expect(run.result.stdout).toContain("ha-site: synthesized 3 stacks (JSON) into cdktf.out/");
    }
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
    expect(runs["bad-after-a"].result.status).toBe(1);
    expect(files(join(a, "cdktf.out"))).toEqual(first);
    // cdktf.out is a link to the version next to it (README, "What synth guarantees").
    expect(readdirSync(a).sort()).toEqual([expect.stringMatching(/^\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/), "bad.json", "cdktf.out"]);
  });

  it("creates missing parent directories of CDKTF_OUTDIR", () => {
    const { cwd, result } = runs["production.json"];
    expect(result.stderr).toBe(`ha-site: config: ${join(root, "examples", "production.json")} (example.org), from HA_SITE_CONFIG\n`);
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, NESTED, "manifest.json"))).toBe(true);
    expect(readdirSync(cwd)).toEqual(["build"]);
  });

  it.each(examples)("synthesizes examples/%s", (example) => {
    const { cwd, result } = runs[example];
    expect(result.stderr).toMatch(/^ha-site: config: .*, from HA_SITE_CONFIG\n$/);
    expect(result.status).toBe(0);
    expect(existsSync(join(cwd, NESTED, "stacks", "dns", "cdk.tf.json"))).toBe(true);
  });
});

// The bundle (scripts/bundle.mjs) patches cdktf for speed (lazy requires, its resolver's bookkeeping, no token
// creation stacks, no keepNames). The unchanged-output fixtures hold the bytes these configs have always
// synthesized to, made by cdktf's own code (jest's cdktf has none of those patches but the token-trace guard),
// so the bundled synth must write exactly those bytes.
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
