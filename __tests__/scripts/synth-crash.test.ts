// Crash safety of `npm run synth`: a preload (fixtures/fs-fault.cjs) numbers every file-system call that
// changes something in the project folder and SIGKILLs the synth before the N-th, for every N; or makes
// the N-th fail with EIO. After each: the output folder is the complete old output or the complete new
// one, nothing else in the folder changed, and the next synth recovers.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { faultPreload, output, problems, root, synth, synthAsync, tree, type Result } from "./synth-helpers";

const NEW_CONFIG = join(root, "examples", "production.json");
// Whether synth can swap a real folder with its link in one step (renameat2 through python3's ctypes).
const canExchange =
  process.platform === "linux" && spawnSync("python3", ["-c", "import ctypes; ctypes.CDLL(None).renameat2"]).status === 0;
if (!canExchange) console.warn("synth-crash: no python3 with renameat2 here: the folder-to-link switch is checked in its two-rename form");
const work = mkdtempSync(join(tmpdir(), "ha-site-crash-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project folder with an old output (the built-in config), a user file and a local state file. */
function template(name: string, layout: "link" | "folder"): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "notes.md"), "my notes\n");
  writeFileSync(join(dir, "terraform.dns.tfstate"), '{"version": 4}\n');
  const first = synth(dir);
  expect(first.status).toBe(0);
  if (layout === "folder") {
    // As an older ha-site or `npx cdktf synth` leaves it: a real folder.
    const target = readdirSync(dir).find((e) => e.startsWith(".cdktf.out.synth-v"));
    unlinkSync(join(dir, "cdktf.out"));
    renameSync(join(dir, target as string), join(dir, "cdktf.out"));
  }
  return dir;
}

function copy(from: string, name: string): string {
  const dir = join(work, name);
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

const env = (dir: string, extra: NodeJS.ProcessEnv = {}) => ({ HA_SITE_CONFIG: NEW_CONFIG, FS_FAULT_DIR: dir, ...extra });

/**
 * Runs `count` jobs one after the other: jest already runs another test file on the second core, and
 * timing-sensitive suites there must not be starved.
 */
async function pool<T>(count: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await job(i));
  return results;
}

let oldFiles: Record<string, string>;
let newFiles: Record<string, string>;
const templates: Record<"link" | "folder", string> = { link: "", folder: "" };
const steps: Record<"link" | "folder", number> = { link: 0, folder: 0 };

beforeAll(() => {
  templates.link = template("t-link", "link");
  templates.folder = template("t-folder", "folder");
  oldFiles = output(join(templates.link, "cdktf.out")) as Record<string, string>;
  expect(output(join(templates.folder, "cdktf.out"))).toEqual(oldFiles);
  for (const layout of ["link", "folder"] as const) {
    const dir = copy(templates[layout], `count-${layout}`);
    const countFile = join(work, `count-${layout}.txt`);
    const result = synth(dir, env(dir, { FS_FAULT_COUNT_FILE: countFile }), [], faultPreload);
    expect(problems(result.stderr)).toEqual([]);
    expect(result.status).toBe(0);
    steps[layout] = Number(readFileSync(countFile, "utf8"));
    newFiles = output(join(dir, "cdktf.out")) as Record<string, string>;
  }
  expect(newFiles).not.toEqual(oldFiles);
}, 120_000);

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
function expectRecovered(dir: string, result: Result) {
  expect(problems(result.stderr)).toEqual([]);
  expect(result.status).toBe(0);
  expect(state(dir)).toBe("new");
  const entries = readdirSync(dir).sort();
  expect(entries).toHaveLength(4);
  expect(entries.filter((e) => e !== entries[0])).toEqual(["cdktf.out", "notes.md", "terraform.dns.tfstate"]);
  expect(entries[0]).toMatch(/^\.cdktf\.out\.synth-v[0-9a-z]+-\d+$/);
}

describe.each(["link", "folder"] as const)("synth killed at every file-system step (old output: a %s)", (layout) => {
  it("leaves the complete old or new output every time, and the next synth recovers", async () => {
    const n = steps[layout];
    // The steps cover the lock, the version folder, each stack file, the manifest, the swap and the tidy-up.
    expect(n).toBeGreaterThanOrEqual(15);
    const seen = await pool(n + 1, async (i) => {
      const at = i + 1; // at = n + 1: no kill, a normal run
      const dir = copy(templates[layout], `kill-${layout}-${at}`);
      const before = userFiles(dir);
      const killed = await synthAsync(dir, env(dir, { FS_FAULT_AT: String(at) }), faultPreload);
      expect({ at, signal: killed.signal }).toEqual({ at, signal: at <= n ? "SIGKILL" : null });
      const after = state(dir);
      expect(userFiles(dir)).toEqual(before);
      expectRecovered(dir, await synthAsync(dir, { HA_SITE_CONFIG: NEW_CONFIG }));
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
  }, 900_000);
});

describe("synth with a failing file-system call at every step", () => {
  it("exits with one line and leaves the old output and the folder exactly as they were, or succeeds", async () => {
    const n = steps.link;
    const outcomes = await pool(n, async (i) => {
      const at = i + 1;
      const dir = copy(templates.link, `eio-${at}`);
      const before = tree(dir);
      const result = await synthAsync(dir, env(dir, { FS_FAULT_AT: String(at), FS_FAULT_MODE: "error" }), faultPreload);
      const lines = problems(result.stderr);
      let outcome: string;
      if (result.status === 0) {
        // The failing call was tidy-up after the swap: the new output is in place.
        expect({ at, lines }).toEqual({ at, lines: [] });
        expect(state(dir)).toBe("new");
        outcome = "new";
      } else {
        expect({ at, status: result.status, count: lines.length }).toEqual({ at, status: result.status, count: 1 });
        expect(lines[0]).toMatch(/^ha-site: synth( failed)?: .*EIO/);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect({ at, tree: tree(dir) }).toEqual({ at, tree: before });
        outcome = "old";
      }
      rmSync(dir, { recursive: true, force: true });
      return outcome;
    });
    expect(outcomes[0]).toBe("old");
    expect(outcomes.filter((o) => o === "old").length).toBeGreaterThan(n / 2);
  }, 900_000);
});
