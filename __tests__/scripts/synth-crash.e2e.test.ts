// Crash safety of `npm run synth`: a preload (fixtures/fs-fault.cjs) numbers every file-system call that
// changes something in the project folder and SIGKILLs the synth before the N-th, for every N; or makes
// the N-th fail with EIO. After each: the output folder is the complete old output or the complete new
// one, nothing else in the folder changed, and the next synth recovers.
//
// "Every N" runs synth.mjs with a stand-in app (fixtures/stand-in-app.cjs, see standInRoot): what is
// under test is synth.mjs's own steps (lock, version folder, swap, tidy-up, recovery), and the app's
// writes all land inside the new version folder, which the stand-in's writes (a stack folder, its file,
// the manifest) cover. The last describe runs the real app, killed and failed inside its own writes.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { faultPreload, inParallel, output, problems, root, standInRoot, synth, synthAsync, tree, type Result } from "./synth-helpers";

// Whether synth can swap a real folder with its link in one step (renameat2 through python3's ctypes).
const canExchange =
  process.platform === "linux" && spawnSync("python3", ["-c", "import ctypes; ctypes.CDLL(None).renameat2"]).status === 0;
if (!canExchange) console.warn("synth-crash: no python3 with renameat2 here: the folder-to-link switch is checked in its two-rename form");
const work = mkdtempSync(join(tmpdir(), "ha-site-crash-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const standIn = standInRoot(join(work, "root"));
// The new output: the stand-in's with this config (the old one: with its built-in config).
const NEW_CONFIG = join(work, "new.json");
writeFileSync(NEW_CONFIG, JSON.stringify({ stacks: ["dns"], site: "new" }));

/** A project folder with an old output (the stand-in's built-in config), a user file and a local state file. */
function linkTemplate(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "notes.md"), "my notes\n");
  writeFileSync(join(dir, "terraform.dns.tfstate"), '{"version": 4}\n');
  const first = synth(dir, {}, [], undefined, standIn);
  expect(problems(first.stderr)).toEqual([]);
  expect(first.status).toBe(0);
  return dir;
}

/** A copy of `from` whose old output is a real folder, as an older ha-site or `npx cdktf synth` leaves it. */
function folderTemplate(from: string, name: string): string {
  const dir = copy(from, name);
  const target = readdirSync(dir).find((e) => e.startsWith(".cdktf.out.synth-v"));
  unlinkSync(join(dir, "cdktf.out"));
  renameSync(join(dir, target as string), join(dir, "cdktf.out"));
  return dir;
}

function copy(from: string, name: string): string {
  const dir = join(work, name);
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

const env = (dir: string, extra: NodeJS.ProcessEnv = {}) => ({ HA_SITE_CONFIG: NEW_CONFIG, FS_FAULT_DIR: dir, ...extra });
/** The stand-in synth, under the fault preload. */
const faulty = (dir: string, extra: NodeJS.ProcessEnv) => synthAsync(dir, env(dir, extra), faultPreload, standIn);

let oldFiles: Record<string, string>;
let newFiles: Record<string, string>;
const templates: Record<"link" | "folder", string> = { link: "", folder: "" };
const steps: Record<"link" | "folder", string[]> = { link: [], folder: [] };
/** The folder of each layout's uninterrupted run (N = steps + 1), for its recovery check below. */
const completed: Record<"link" | "folder", string> = { link: "", folder: "" };

beforeAll(async () => {
  templates.link = linkTemplate("t-link");
  templates.folder = folderTemplate(templates.link, "t-folder");
  oldFiles = output(join(templates.link, "cdktf.out")) as Record<string, string>;
  expect(output(join(templates.folder, "cdktf.out"))).toEqual(oldFiles);
  // One uninterrupted run per layout numbers the steps (FS_FAULT_LOG: one line per counted call).
  await inParallel(2, async (i) => {
    const layout = (["link", "folder"] as const)[i];
    const dir = copy(templates[layout], `count-${layout}`);
    const log = join(work, `count-${layout}.log`);
    const result = await faulty(dir, { FS_FAULT_LOG: log });
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    steps[layout] = readFileSync(log, "utf8").trimEnd().split("\n");
    completed[layout] = dir;
    newFiles = output(join(dir, "cdktf.out")) as Record<string, string>;
  });
  expect(newFiles).not.toEqual(oldFiles);
}, 60_000);

const userFiles = (dir: string) => {
  const all = tree(dir);
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === "notes.md" || k === "terraform.dns.tfstate"));
};

function state(dir: string): "old" | "new" | "missing" | "broken" {
  const files = output(join(dir, "cdktf.out"));
  if (files === undefined) return existsSync(join(dir, "cdktf.out")) ? "broken" : "missing";
  if (JSON.stringify(files) === JSON.stringify(oldFiles)) return "old";
  if (JSON.stringify(files) === JSON.stringify(newFiles)) return "new";
  return "broken";
}

/** After a recovering synth: the new output, one version folder, the user's files, nothing else. */
function expectRecovered(dir: string, result: Result, complete: (dir: string) => boolean = (d) => state(d) === "new") {
  expect(problems(result.stderr)).toEqual([]);
  expect(result.status).toBe(0);
  expect(complete(dir)).toBe(true);
  const entries = readdirSync(dir).sort();
  expect(entries).toHaveLength(4);
  expect(entries.filter((e) => e !== entries[0])).toEqual(["cdktf.out", "notes.md", "terraform.dns.tfstate"]);
  expect(entries[0]).toMatch(/^\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/);
}

describe.each(["link", "folder"] as const)("synth killed at every file-system step (old output: a %s)", (layout) => {
  it("numbers the steps: the lock, the version folder, the app's files, the swap and the tidy-up", () => {
    const V = String.raw`\.cdktf\.out\.synth-v[0-9a-z]+-\d+`;
    const expected = [
      String.raw`symlinkSync \d+@\d* \S+/\.cdktf\.out\.synth-lock`,
      String.raw`mkdirSync \S+/${V}$`,
      String.raw`mkdirSync \S+/${V}/stacks/dns$`,
      String.raw`writeFileSync \S+/${V}/stacks/dns/cdk\.tf\.json`,
      String.raw`writeFileSync \S+/${V}/manifest\.json`,
      String.raw`symlinkSync ${V} \S+/\.cdktf\.out\.synth-link-\d+`,
      // From a link, a rename swaps it; a real folder is exchanged with the link (by python3: not counted) or moved aside.
      ...(layout === "link" || !canExchange ? [String.raw`renameSync \S+/\.cdktf\.out\.synth-link-\d+ \S+/cdktf\.out`] : []),
      String.raw`unlinkSync \S+/\.cdktf\.out\.synth-lock`,
    ];
    for (const step of expected) expect({ step, found: steps[layout].some((line) => new RegExp(String.raw`^\d+ ${step}`).test(line)) }).toEqual({ step, found: true });
  });

  it("leaves the complete old or new output every time, and the next synth recovers", async () => {
    const n = steps[layout].length;
    const seen = await inParallel(n + 1, async (i) => {
      const at = i + 1; // at = n + 1: no kill, the run that numbered the steps
      const dir = at <= n ? copy(templates[layout], `kill-${layout}-${at}`) : completed[layout];
      const before = userFiles(templates[layout]);
      if (at <= n) {
        const killed = await faulty(dir, { FS_FAULT_AT: String(at) });
        expect({ at, signal: killed.signal }).toEqual({ at, signal: "SIGKILL" });
      }
      const after = state(dir);
      expect(userFiles(dir)).toEqual(before);
      expectRecovered(dir, await synthAsync(dir, { HA_SITE_CONFIG: NEW_CONFIG }, undefined, standIn));
      expect(userFiles(dir)).toEqual(before);
      rmSync(dir, { recursive: true, force: true });
      return after;
    });
    expect(seen[0]).toBe("old");
    expect(seen[n]).toBe("new");
    if (layout === "link") {
      // From a link, one rename swaps it: never a moment without an output folder.
      expect(seen.filter((s) => s !== "old" && s !== "new")).toEqual([]);
    } else if (canExchange) {
      // The one-time switch from a real folder to the link: one renameat2(RENAME_EXCHANGE), no gap either.
      expect(seen.filter((s) => s !== "old" && s !== "new")).toEqual([]);
    } else {
      // Without renameat2 the switch takes two renames: killed between them, the output folder is
      // missing (and the recovering synth above restored it) -- at exactly one step.
      expect(seen.filter((s) => s !== "old" && s !== "new")).toEqual(["missing"]);
    }
  }, 120_000);
});

/** The EIO case's checks: one line and nothing changed, or (a failing tidy-up after the swap) success. */
function expectFailedCleanly(at: number, dir: string, before: Record<string, string>, result: Result, isNew: () => boolean): "old" | "new" {
  const lines = problems(result.stderr);
  if (result.status === 0) {
    // The failing call was tidy-up after the swap: the new output is in place.
    expect({ at, lines }).toEqual({ at, lines: [] });
    expect(isNew()).toBe(true);
    return "new";
  }
  expect({ at, status: result.status, count: lines.length }).toEqual({ at, status: result.status, count: 1 });
  expect(lines[0]).toMatch(/^ha-site: synth( failed)?: .*EIO/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect({ at, tree: tree(dir) }).toEqual({ at, tree: before });
  return "old";
}

describe("synth with a failing file-system call at every step", () => {
  it("exits with one line and leaves the old output and the folder exactly as they were, or succeeds", async () => {
    const n = steps.link.length;
    const outcomes = await inParallel(n, async (i) => {
      const at = i + 1;
      const dir = copy(templates.link, `eio-${at}`);
      const before = tree(dir);
      const result = await faulty(dir, { FS_FAULT_AT: String(at), FS_FAULT_MODE: "error" });
      const outcome = expectFailedCleanly(at, dir, before, result, () => state(dir) === "new");
      rmSync(dir, { recursive: true, force: true });
      return outcome;
    });
    expect(outcomes[0]).toBe("old");
    expect(outcomes.filter((o) => o === "old").length).toBeGreaterThan(n / 2);
  }, 120_000);
});

describe("the real app (main.ts), killed or failing between two of its stack files", () => {
  const REAL_CONFIG = join(root, "examples", "production.json");
  /** A complete output of the real app for REAL_CONFIG: its manifest's three stacks, each file valid JSON. */
  const realOutput = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(dir, "cdktf.out", "manifest.json"), "utf8"));
    const files = Object.values(manifest.stacks as Record<string, { synthesizedStackPath: string }>).map((s) => s.synthesizedStackPath);
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dns", "swarm-eu-central-1", "swarm-eu-west-1"]);
    return files.every((f) => typeof JSON.parse(readFileSync(join(dir, "cdktf.out", f), "utf8")).resource === "object");
  };
  /** The step after the real app's first stack file: synth.mjs's steps before the app, then stacks/, <stack>/, cdk.tf.json. */
  const at = () => steps.link.findIndex((line) => / mkdirSync \S+\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/.test(line)) + 1 + 4;

  it("leaves the old output when killed there, and the next synth recovers; an EIO there leaves the folder as it was", async () => {
    const [killedLog, eio] = await inParallel(2, async (i) => {
      const dir = copy(templates.link, `real-${i}`);
      const before = tree(dir);
      const log = join(work, `real-${i}.log`);
      const fault = { HA_SITE_CONFIG: REAL_CONFIG, FS_FAULT_DIR: dir, FS_FAULT_AT: String(at()), FS_FAULT_LOG: log };
      if (i === 0) {
        const killed = await synthAsync(dir, fault, faultPreload);
        expect(killed.signal).toBe("SIGKILL");
        expect(state(dir)).toBe("old");
        expectRecovered(dir, await synthAsync(dir, { HA_SITE_CONFIG: REAL_CONFIG }), realOutput);
        expect(userFiles(dir)).toEqual(userFiles(templates.link));
        return readFileSync(log, "utf8");
      }
      const failed = await synthAsync(dir, { ...fault, FS_FAULT_MODE: "error" }, faultPreload);
      return expectFailedCleanly(at(), dir, before, failed, () => false);
    });
    // Where the kill landed: inside the app's writes, after one stack file and before the next.
    const lines = String(killedLog).trimEnd().split("\n");
    expect(lines[lines.length - 2]).toMatch(/ writeFileSync \S+\/stacks\/[\w-]+\/cdk\.tf\.json/);
    expect(lines[lines.length - 1]).toMatch(/ mkdirSync \S+\/stacks\/[\w-]+$/);
    expect(eio).toBe("old");
  }, 60_000);
});
