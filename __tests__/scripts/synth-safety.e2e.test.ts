// `npm run synth` under bad input: every case exits != 0 with exactly the lines shown (one per problem,
// no stack trace), writes nothing to stdout, and leaves the folder exactly as it was (checksums of every
// file, link and folder before and after). Then the cases that must succeed, the lock, and two synths at once.
//
// What depends on the app (the config's messages, a check inside the app, the stack's state path) runs the
// real app; what only synth.mjs decides (the lock, replacing an output folder, concurrent synths) runs it
// with the stand-in app (fixtures/stand-in-app.cjs, see standInRoot), about a third of the cost.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { configSchema } from "../../config/schema";
import { faultPreload, inParallel, output, problems, root, standInRoot, synth, synthAsync, tree, type Result } from "./synth-helpers";

const work = mkdtempSync(join(tmpdir(), "ha-site-safety-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const standIn = standInRoot(join(work, "stand-in-root"));
/** synth.mjs with the stand-in app. */
const standInSynth = (cwd: string, env: NodeJS.ProcessEnv = {}) => synth(cwd, env, [], undefined, standIn);
const STAND_IN_CONFIG_LINE = "ha-site: config: stand-in app, built-in config";
const seed = () => JSON.parse(readFileSync(join(root, "examples", "seed.json"), "utf8"));
const json = (value: unknown) => JSON.stringify(value);
const PREVIOUS = "expected an empty folder, a folder holding a previous synth (manifest.json and stacks/ only) or a new path; refusing to replace it, nothing was changed";
// The schema's own list of top-level fields, as its unknown-field message names them.
const ALLOWED_TOP = `(allowed: ${Object.keys(configSchema.shape).join(", ")})`;

/** A case folder: `case/` holds `proj/` (the working directory) with a user file and whatever `files` say. */
function project(name: string, files: Record<string, string> = {}): { dir: string; proj: string } {
  const dir = join(work, name);
  const proj = join(dir, "proj");
  mkdirSync(proj, { recursive: true });
  writeFileSync(join(proj, "notes.md"), "mine\n");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(proj, path, ".."), { recursive: true });
    writeFileSync(join(proj, path), text);
  }
  return { dir, proj };
}

const deep = (levels: number) => `{"domain": ${"[".repeat(levels)}1${"]".repeat(levels)}}`;
const withRegion0 = (extra: Record<string, unknown>, drop?: string) => {
  const config = seed();
  Object.assign(config.regions[0], extra);
  if (drop) delete config.regions[0][drop];
  return json(config);
};

interface Case {
  readonly files?: Record<string, string>;
  readonly setup?: (proj: string, dir: string) => void;
  readonly env?: Record<string, string>;
  readonly args?: string[];
  readonly preload?: boolean;
  /** Run with the stand-in app: the case is about synth.mjs's own steps after a valid config. */
  readonly standIn?: boolean;
  readonly status: number;
  /** The exact stderr lines; `<case>` stands for the case folder. */
  readonly lines: readonly (string | RegExp)[];
}

const cases: Record<string, Case> = {
  "CDKTF_OUTDIR=. (the project itself)": {
    files: { "src/main.ts": "x" },
    env: { CDKTF_OUTDIR: "." },
    status: 2,
    lines: [`ha-site: synth: output folder . is not a previous synth output: it holds "notes.md", "src"; ${PREVIOUS}`],
  },
  "CDKTF_OUTDIR=docs (a folder of the user's)": {
    files: { "docs/a.md": "a", "docs/b.md": "b", "docs/c.md": "c", "docs/d.md": "d" },
    env: { CDKTF_OUTDIR: "docs" },
    status: 2,
    lines: [`ha-site: synth: output folder docs is not a previous synth output: it holds "a.md", "b.md", "c.md" and 1 more; ${PREVIOUS}`],
  },
  "CDKTF_OUTDIR=.. (the folder above)": {
    env: { CDKTF_OUTDIR: ".." },
    status: 2,
    lines: [`ha-site: synth: output folder <case> is not a previous synth output: it holds "proj"; ${PREVIOUS}`],
  },
  "CDKTF_OUTDIR=$HOME (a home folder)": {
    setup: (_proj, dir) => {
      mkdirSync(join(dir, "home"));
      writeFileSync(join(dir, "home", ".bashrc"), "PS1=x\n");
    },
    env: { CDKTF_OUTDIR: "<case>/home" },
    status: 2,
    lines: [`ha-site: synth: output folder <case>/home is not a previous synth output: it holds ".bashrc"; ${PREVIOUS}`],
  },
  "CDKTF_OUTDIR=/": { env: { CDKTF_OUTDIR: "/" }, status: 2, lines: ["ha-site: synth: CDKTF_OUTDIR=/: expected a folder below the root"] },
  "cdktf.out is a file": {
    files: { "cdktf.out": "not a folder" },
    status: 2,
    lines: [`ha-site: synth: output folder cdktf.out is a file; ${PREVIOUS}`],
  },
  "cdktf.out is a link ha-site did not make": {
    setup: (proj) => symlinkSync("notes.md", join(proj, "cdktf.out")),
    status: 2,
    lines: [`ha-site: synth: output folder cdktf.out is a symbolic link to "notes.md" that ha-site did not make; ${PREVIOUS}`],
  },
  "cdktf.out with a file of the user's next to the synth output": {
    files: { "cdktf.out/manifest.json": '{"stacks": {}}', "cdktf.out/stacks/dns/cdk.tf.json": "{}", "cdktf.out/keep.txt": "keep" },
    status: 2,
    lines: [`ha-site: synth: output folder cdktf.out is not a previous synth output: it holds "keep.txt"; ${PREVIOUS}`],
  },
  "cdktf.out with stacks/ but no manifest.json": {
    files: { "cdktf.out/stacks/dns/cdk.tf.json": "{}" },
    status: 2,
    lines: [`ha-site: synth: output folder cdktf.out is not a previous synth output: stacks/ without manifest.json; ${PREVIOUS}`],
  },
  "cdktf.out with a manifest.json that is not cdktf's": {
    files: { "cdktf.out/manifest.json": '{"name": "my app"}' },
    status: 2,
    lines: [`ha-site: synth: output folder cdktf.out is not a previous synth output: manifest.json is not a cdktf manifest; ${PREVIOUS}`],
  },
  "an unknown option": { args: ["--json"], status: 2, lines: ['ha-site: synth: unknown option "--json"; expected --hcl or nothing'] },
  "a bad config with CDKTF_OUTDIR in folders that do not exist yet": {
    files: { "bad.json": "{}" },
    env: { HA_SITE_CONFIG: "bad.json", CDKTF_OUTDIR: "new/x/y/cdktf.out" },
    status: 1,
    // (What follows "expected" is the schema's own wording.)
    lines: [/^ha-site: bad\.json: domain: missing; expected \S.*$/, /^ha-site: bad\.json: regions: missing; expected \S.*$/, /^ha-site: bad\.json: services: missing; expected \S.*$/],
  },
  "HA_SITE_CONFIG with a newline": {
    env: { HA_SITE_CONFIG: "site\n.json" },
    status: 1,
    lines: ['ha-site: HA_SITE_CONFIG="site\\n.json": cannot read the file (ENOENT); expected a JSON config file'],
  },
  "a config file whose name has a newline": {
    files: { "my\nsite.json": json({ ...seed(), domian: "x" }) },
    env: { HA_SITE_CONFIG: "my\nsite.json" },
    status: 1,
    lines: [`ha-site: "my\\nsite.json": domian: unknown field; did you mean "domain"? ${ALLOWED_TOP}`],
  },
  "HA_SITE_CONFIG names a folder": {
    env: { HA_SITE_CONFIG: "." },
    status: 1,
    lines: ["ha-site: HA_SITE_CONFIG=.: cannot read the file (EISDIR); expected a JSON config file"],
  },
  "5,000-deep nested JSON": {
    files: { "deep.json": deep(5000) },
    env: { HA_SITE_CONFIG: "deep.json" },
    status: 1,
    lines: ["ha-site: deep.json: domain[0][0][0][0][0][0][0]...: nested more than 32 levels deep; expected a config like examples/seed.json"],
  },
  "not JSON": {
    files: { "broken.json": "{ domain: " },
    env: { HA_SITE_CONFIG: "broken.json" },
    status: 1,
    lines: [/^ha-site: broken\.json: not valid JSON \(.*\); expected a JSON config file$/],
  },
  "a number too large (1e400)": {
    files: { "big.json": withRegion0({ workers: 123456789 }).replace("123456789", "1e400") },
    env: { HA_SITE_CONFIG: "big.json" },
    status: 1,
    lines: ["ha-site: big.json: regions[0].workers: got a number too large; expected an integer from 0 to 1000"],
  },
  'backend {"bucket": "b"}': {
    files: { "b.json": json({ ...seed(), backend: { bucket: "b" } }) },
    env: { HA_SITE_CONFIG: "b.json" },
    status: 1,
    lines: [/^ha-site: b\.json: backend\.type: missing; expected .*"local".*"s3".*"cloud"/],
  },
  "a typo in a key: the hint comes first": {
    files: { "typo.json": withRegion0({ keyname: "swarm" }, "keyName") },
    env: { HA_SITE_CONFIG: "typo.json" },
    status: 1,
    lines: [
      /^ha-site: typo\.json: regions\[0\]\.keyname: unknown field; did you mean "keyName"\? \(allowed: region, engine, .*\)$/,
      /^ha-site: typo\.json: regions\[0\]\.keyName: missing; expected the name of an existing EC2 key pair/,
    ],
  },
  "many problems: at most 10 lines": {
    files: { "many.json": json({ ...seed(), a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7, a8: 8, a9: 9, a10: 10, a11: 11, domain: "X Y" }) },
    env: { HA_SITE_CONFIG: "many.json" },
    status: 1,
    lines: [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `ha-site: many.json: a${i}: unknown field ${ALLOWED_TOP}`),
      "ha-site: many.json: ... and 3 more problems; fix the ones above first",
    ],
  },
  "a 100,000-character key": {
    files: { "long.json": json({ ...seed(), ["k".repeat(100_000)]: "v".repeat(100_000) }) },
    env: { HA_SITE_CONFIG: "long.json" },
    status: 1,
    lines: [`ha-site: long.json: ["${"k".repeat(40)}..." (100000 characters)]: unknown field ${ALLOWED_TOP}`],
  },
  "a read-only output folder (EROFS at the first write)": {
    preload: true,
    standIn: true,
    env: { FS_FAULT_AT: "1", FS_FAULT_MODE: "error", FS_FAULT_CODE: "EROFS" },
    status: 2,
    lines: [
      STAND_IN_CONFIG_LINE,
      "ha-site: synth: cannot create . (EROFS); expected a folder ha-site may write to; nothing was changed",
    ],
  },
  "a read-only output folder (EROFS when writing next to it)": {
    preload: true,
    standIn: true,
    env: { FS_FAULT_AT: "2", FS_FAULT_MODE: "error", FS_FAULT_CODE: "EROFS" },
    status: 2,
    lines: [
      STAND_IN_CONFIG_LINE,
      "ha-site: synth: cannot write in . (EROFS); expected a folder ha-site may write to; nothing was changed",
    ],
  },
  "another synth holds the lock": {
    setup: (proj) => symlinkSync(String(process.pid), join(proj, ".cdktf.out.synth-lock")),
    standIn: true,
    status: 2,
    lines: [
      STAND_IN_CONFIG_LINE,
      `ha-site: synth: another synth (pid ${process.pid}) is writing cdktf.out; run this one when it has finished (if pid ${process.pid} is no synth, remove .cdktf.out.synth-lock)`,
    ],
  },
};

describe("npm run synth refuses bad input: exit code, exact lines, nothing changed on disk", () => {
  // Every case's synth, two at a time; each test then checks its own.
  const runs: Record<string, { dir: string; before: Record<string, string>; result: Result }> = {};
  beforeAll(async () => {
    const entries = Object.entries(cases);
    await inParallel(entries.length, async (i) => {
      const [name, c] = entries[i];
      const { dir, proj } = project(name.replace(/[^a-z0-9]+/gi, "-"), c.files);
      c.setup?.(proj, dir);
      const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, v.replace("<case>", dir)]));
      const before = tree(dir);
      const fault = c.preload ? { FS_FAULT_DIR: proj } : {};
      const result = await synthAsync(proj, { ...env, ...fault }, c.preload ? faultPreload : undefined, c.standIn ? standIn : undefined, c.args);
      runs[name] = { dir, before, result };
    });
  }, 60_000);

  it.each(Object.entries(cases))("%s", (name, c) => {
    const { dir, before, result } = runs[name];
    const lines = result.stderr.split("\n");
    expect(lines.pop()).toBe(""); // every line ends with a newline
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: c.status, stdout: "" });
    expect(lines).toHaveLength(c.lines.length);
    lines.forEach((line, i) => {
      const want = c.lines[i];
      if (typeof want === "string") expect(line).toBe(want.replace("<case>", dir));
      else expect(line).toMatch(want);
      expect(line.length).toBeLessThanOrEqual(400);
    });
    expect(tree(dir)).toEqual(before);
  });
});

describe("npm run synth, when a check inside the app fails", () => {
  it("prints one line, exits 1 and leaves the previous output and the folder as they were", () => {
    // A VPC CIDR with host bits: rejected by the native construct today (the schema may take it over).
    const { dir, proj } = project("app-check", { "c.json": withRegion0({ engine: "native", sshCidrs: ["203.0.113.7/32"], vpc: "10.0.0.1/16" }) });
    expect(standInSynth(proj).status).toBe(0); // any previous output
    const before = tree(dir);
    const result = synth(proj, { HA_SITE_CONFIG: "c.json" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = problems(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ha-site: (synth failed: |c\.json: regions\[0\]\.)vpc: got "10\.0\.0\.1\/16"; expected /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(tree(dir)).toEqual(before);
  });
});

describe("npm run synth accepts", () => {
  it("a config with a UTF-8 byte order mark", () => {
    const { proj } = project("bom", { "bom.json": `\ufeff${json(seed())}` });
    const result = synth(proj, { HA_SITE_CONFIG: "bom.json" });
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
  });

  it("an empty output folder, replacing it with the output", () => {
    const { proj } = project("empty");
    mkdirSync(join(proj, "out"));
    const result = standInSynth(proj, { CDKTF_OUTDIR: "out" });
    expect(result.status).toBe(0);
    expect(Object.keys(output(join(proj, "out")) ?? {})).toContain("manifest.json");
  });

  it("a lock left by a synth that is gone, and folders left by the synth before this one", () => {
    const { proj } = project("stale");
    symlinkSync("999999999", join(proj, ".cdktf.out.synth-lock")); // above any pid_max
    mkdirSync(join(proj, ".cdktf.out.staging-999999999.old", "stacks"), { recursive: true });
    mkdirSync(join(proj, ".cdktf.out.staging-999999999"));
    mkdirSync(join(proj, ".cdktf.out.synth-v0-999999999"));
    const result = standInSynth(proj);
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    expect(readdirSync(proj).sort()).toEqual([expect.stringMatching(/^\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/), "cdktf.out", "notes.md"]);
    expect(readdirSync(proj).find((e) => e.startsWith(".cdktf.out.synth-v"))).not.toBe(".cdktf.out.synth-v0-999999999");
  });

  it("a lock whose pid now belongs to another process (it started at another time)", () => {
    const { proj } = project("reused-pid");
    symlinkSync(`${process.pid}@1`, join(proj, ".cdktf.out.synth-lock"));
    const result = standInSynth(proj);
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    expect(readdirSync(proj)).not.toContain(".cdktf.out.synth-lock");
  });

  it.each([
    ["with renameat2 through python3", process.env.PATH ?? ""],
    ["without python3 (two renames)", "/nonexistent"],
  ])("a real output folder, replaced by the link %s", (how, path) => {
    const { proj } = project(`real-folder-${how.replace(/\W+/g, "-")}`);
    mkdirSync(join(proj, "cdktf.out", "stacks", "old"), { recursive: true });
    writeFileSync(join(proj, "cdktf.out", "manifest.json"), '{"stacks": {"old": {}}}');
    const result = standInSynth(proj, { PATH: path });
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    const entries = readdirSync(proj).sort();
    expect(entries).toEqual([expect.stringMatching(/^\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/), "cdktf.out", "notes.md"]);
    expect(tree(proj)["cdktf.out"]).toBe(`-> ${entries[0]}`);
    expect(Object.keys(output(join(proj, "cdktf.out")) ?? {})).toContain("stacks/dns/cdk.tf.json");
  });

  it("the output of `npx cdktf synth` (a real folder), turned into the link, with the local state kept where it was", () => {
    const { proj } = project("from-cdktf", { "terraform.dns.tfstate": "{}" });
    expect(standInSynth(proj, { CDKTF_OUTDIR: "first" }).status).toBe(0);
    // cdktf writes a real folder, and Terraform adds .terraform/ inside the stack folders.
    const first = readdirSync(proj).find((e) => e.startsWith(".first.synth-v")) as string;
    rmSync(join(proj, "first"));
    require("node:fs").renameSync(join(proj, first), join(proj, "cdktf.out"));
    mkdirSync(join(proj, "cdktf.out", "stacks", "dns", ".terraform"));
    const result = synth(proj);
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    // The state path in the stack resolves to the same file through the link and through the real folder.
    const stackJson = JSON.parse(readFileSync(join(proj, "cdktf.out", "stacks", "dns", "cdk.tf.json"), "utf8"));
    const statePath: string = stackJson.terraform.backend.local.path;
    const logical = join(proj, "cdktf.out", "stacks", "dns");
    const real = require("node:fs").realpathSync(logical);
    expect(real).not.toBe(logical);
    // Terraform resolves it from the real folder it runs in; people read it from the path they typed.
    expect(resolve(real, statePath)).toBe(resolve(logical, statePath));
    expect(resolve(logical, statePath).startsWith(join(proj, "cdktf.out"))).toBe(false);
    if (statePath === "../../../terraform.dns.tfstate") expect(existsSync(join(logical, statePath))).toBe(true);
  });
});

describe("two synths at once in one folder", () => {
  it("both succeed, or the second says in one line that another synth is running; the output is complete", async () => {
    // The stand-in holds the lock for 150 ms, about as long as the real app writes: the three overlap.
    const { proj } = project("concurrent", { "slow.json": json({ stacks: ["dns", "swarm-a", "swarm-b"], delayMs: 150 }) });
    const env = { HA_SITE_CONFIG: "slow.json" };
    expect(standInSynth(proj, env).status).toBe(0);
    const expected = output(join(proj, "cdktf.out"));
    for (let round = 0; round < 3; round++) {
      const once = () => synthAsync(proj, env, undefined, standIn);
      const results = await Promise.all([once(), once(), once()]);
      for (const r of results) {
        const lines = problems(r.stderr);
        if (r.status === 0) expect(lines).toEqual([]);
        else {
          expect(r.status).toBe(2);
          expect(lines).toEqual([expect.stringMatching(/^ha-site: synth: another synth \(pid (\d+)\) is writing cdktf\.out; run this one when it has finished \(if pid \1 is no synth, remove \.cdktf\.out\.synth-lock\)$/)]);
        }
      }
      expect(results.some((r) => r.status === 0)).toBe(true);
      expect(output(join(proj, "cdktf.out"))).toEqual(expected);
      expect(readdirSync(proj).filter((e) => e.startsWith("."))).toHaveLength(1); // one version, no lock
    }
  }, 120_000);
});

describe("a reader while synths run", () => {
  it("finds a complete output at every look: never a missing folder, never a half-written manifest", async () => {
    const stacks = ["dns", "swarm-a", "swarm-b"];
    const { proj } = project("reader", { "a.json": json({ stacks, site: "a" }), "b.json": json({ stacks, site: "b" }) });
    expect(standInSynth(proj, { HA_SITE_CONFIG: "b.json" }).status).toBe(0);
    let looks = 0;
    let running = true;
    const problemsSeen: string[] = [];
    const look = () => {
      try {
        const manifest = JSON.parse(readFileSync(join(proj, "cdktf.out", "manifest.json"), "utf8"));
        if (Object.keys(manifest.stacks).length !== 3) problemsSeen.push(`manifest with ${Object.keys(manifest.stacks).length} stacks`);
        looks++;
      } catch (e) {
        problemsSeen.push((e as Error).message);
      }
      if (running) setImmediate(look);
    };
    look();
    for (let i = 0; i < 6; i++) {
      const r = await synthAsync(proj, { HA_SITE_CONFIG: i % 2 === 0 ? "a.json" : "b.json" }, undefined, standIn);
      expect(problems(r.stderr)).toEqual([]);
    }
    running = false;
    expect(problemsSeen).toEqual([]);
    expect(looks).toBeGreaterThan(50);
  }, 120_000);
});

describe(".gitignore", () => {
  it.each([
    ["cdktf.out", "the output link"],
    [".cdktf.out.synth-vmx57v106-23875/manifest.json", "a version"],
    [".cdktf.out.synth-lock", "the lock"],
    [".cdktf.out.synth-link-123", "a temporary link"],
    ["build/.out.synth-vabc-1/stacks", "a version of another output folder"],
    [".cdktf.out.staging-10931/manifest.json", "the staging folder of older versions"],
    ["ha-site.json", "the user's own config"],
  ])("ignores %s (%s)", (path) => {
    const result = spawnSync("git", ["check-ignore", "--no-index", "-q", path], { cwd: root });
    expect(result.status).toBe(0);
  });

  it("does not ignore the sources", () => {
    expect(spawnSync("git", ["check-ignore", "--no-index", "-q", "scripts/synth.mjs"], { cwd: root }).status).toBe(1);
  });
});
