// `npm run synth`: synthesizes the stacks into cdktf.out/ (or $CDKTF_OUTDIR), all or nothing.
// `npm run synth:hcl` (`--hcl`): the same stacks as HCL (cdk.tf) instead of JSON (cdk.tf.json).
//
// Speed: the app is bundled once with esbuild into .cache/ (rebuilt only when a source file or the
// lockfile changes; by content from .cache/bundles/ when one was built before) and then run by plain node
// in this process: about 2.3x `node -e 0`, against 8-10x for `node --import tsx main.ts` (what cdktf.json's
// app was before it became this script).
//
// Safety (README, "What synth guarantees"):
// - The config is read and validated first (main.ts calls back into this script only once it is
//   valid): a bad config writes nothing, not even the parent folders of CDKTF_OUTDIR.
// - Only a folder that is empty or holds a previous synth (manifest.json and stacks/, nothing else) is
//   ever replaced; anything else is refused with one line, exit code 2, nothing touched.
// - The output folder is a symbolic link to a versioned sibling folder, `.<name>.synth-v<id>`. A synth
//   writes a new version next to it and then swaps the link with one rename(2), which is atomic: at
//   every instant `cdktf.out` is the complete old output or the complete new one. The versions are
//   siblings, so `cdktf.out/stacks/<stack>/../../..` (where the local state lives) is the same folder
//   through the link and through the real path Terraform runs in. A real folder left by an older
//   ha-site or by `npx cdktf synth` is replaced by the link once, with renameat2(RENAME_EXCHANGE) on
//   Linux (through python3); where that is unavailable, that first switch takes two renames, with a
//   moment without output folder, and a synth after a crash there restores the output.
// - One synth at a time per output folder: a lock (`.<name>.synth-lock`, a symlink holding the pid
//   and its start time); a second synth says so in one line; a lock whose process is gone is taken over.
// - What a killed synth left (its unfinished version, its temporary link, its lock) is removed by the
//   next synth. __tests__/scripts/synth-crash.e2e.test.ts kills a synth before every file-system call.
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleOptions } from "./bundle.mjs";
import { codeCachePath, runCached } from "./run-cached.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

// ---------------------------------------------------------------------------------------------------
// The app bundle: build (cached) and run. Kept apart from the output-folder logic below.

const cacheDir = join(root, ".cache");
const bundle = join(cacheDir, "synth-app.cjs");
const bundleKey = join(cacheDir, "synth-app.key");
const SOURCES = ["main.ts", "config", "constructs", "stacks", "policy", "package-lock.json", "scripts/bundle.mjs"];

/** The source files, sorted: every file below SOURCES. */
function sourceFiles() {
  const files = [];
  const walk = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else {
      files.push({ path, stat });
    }
  };
  for (const source of SOURCES) walk(join(root, source));
  return files;
}

/** A cheap fingerprint of the sources: every file's path, size and mtime. */
const sourceKey = (files) => files.map(({ path, stat }) => `${path}\t${stat.size}\t${stat.mtimeMs}`).join("\n");

/** What the bundle is built from: every file's path (relative to the root) and content. */
function contentHash(files) {
  // Required here: only a fingerprint miss needs it, and loading node:crypto costs every synth a few ms.
  const hash = createRequire(import.meta.url)("node:crypto").createHash("sha256");
  for (const { path } of files) {
    const content = readFileSync(path);
    hash.update(`${relative(root, path)}\0${content.length}\0`).update(content);
  }
  return hash.digest("hex");
}

// Bundles by content (`<sha256 of the sources>.cjs`): when the fingerprint above changes but the contents
// do not (a git checkout back and forth, a fresh worktree of a commit built before), the bundle is taken
// from here instead of being built again (~1-3 s of esbuild). check:diff shares its checkout's store with
// the worktree it synthesizes the base in (HA_SITE_BUNDLE_STORE). The newest STORE_KEEP stay.
const store = process.env.HA_SITE_BUNDLE_STORE ? resolve(process.env.HA_SITE_BUNDLE_STORE) : join(cacheDir, "bundles");
const STORE_KEEP = 8;

/** `from` copied to `to` through a temporary file and a rename, so that no reader sees half of it. */
function copyAtomically(from, to) {
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

async function ensureBundle() {
  const files = sourceFiles();
  const key = sourceKey(files);
  if (existsSync(bundle) && existsSync(bundleKey) && readFileSync(bundleKey, "utf8") === key) return;
  mkdirSync(cacheDir, { recursive: true });
  const stored = join(store, `${contentHash(files)}.cjs`);
  rmSync(codeCachePath(bundle), { force: true });
  if (existsSync(stored)) {
    copyAtomically(stored, bundle);
  } else {
    const { build } = await import("esbuild");
    const tmp = `${bundle}.${process.pid}.tmp`;
    await build(bundleOptions(join(root, "main.ts"), tmp));
    renameSync(tmp, bundle);
    try {
      mkdirSync(store, { recursive: true });
      copyAtomically(bundle, stored);
      const old = readdirSync(store).filter((f) => f.endsWith(".cjs")).map((f) => ({ f, t: statSync(join(store, f)).mtimeMs }));
      for (const { f } of old.sort((a, b) => b.t - a.t).slice(STORE_KEEP)) rmSync(join(store, f), { force: true });
    } catch {
      /* a store that cannot be written only costs a rebuild later */
    }
  }
  writeFileSync(bundleKey, key);
}

/**
 * Runs the app (main.ts) in this process. main.ts calls `hooks.configLoaded(line)` once the config is
 * valid and before anything is written; the hook returns the folder the app writes into.
 */
async function runApp(hooks) {
  await ensureBundle();
  globalThis.__haSiteSynth = hooks;
  runCached(bundle); // synchronous, in this process, with the V8 code cache (scripts/run-cached.mjs)
}

// ---------------------------------------------------------------------------------------------------
// Messages: one line each, no stack trace.

const EXIT_CONFIG = 1;
const EXIT_USAGE = 2;

class SynthError extends Error {
  constructor(message, exitCode = EXIT_USAGE) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Control characters escaped, length capped: always one line. */
function oneLine(text) {
  // eslint-disable-next-line no-control-regex
  const escaped = String(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return escaped.length > 400 ? `${escaped.slice(0, 397)}...` : escaped;
}

/** A path for a message: relative to the working directory when inside it, quoted when unusual. */
function shownPath(path) {
  const rel = relative(process.cwd(), path);
  const text = rel === "" ? "." : !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  // eslint-disable-next-line no-control-regex
  return /[\s"\u0000-\u001f\u007f]/.test(text) || text.length > 200 ? JSON.stringify(text.length > 200 ? `${text.slice(0, 197)}...` : text) : text;
}

/** `fn()`, with a file-system error turned into one line naming what failed on which path. */
function fsStep(what, path, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SynthError || typeof e?.code !== "string") throw e;
    throw new SynthError(`cannot ${what} ${shownPath(path)} (${e.code}); expected a folder ha-site may write to; nothing was changed`);
  }
}

// ---------------------------------------------------------------------------------------------------
// The output folder.

/** The output folder and its siblings. */
function outputPaths(outdir) {
  const parent = dirname(outdir);
  const name = basename(outdir);
  const prefix = `.${name}.synth-`;
  return {
    outdir,
    parent,
    name,
    shown: shownPath(outdir),
    prefix,
    lock: join(parent, `${prefix}lock`),
    /** Versions are named `${prefix}v<base-36 time>-<pid>`; the link target is that bare name. */
    isVersion: (entry) => entry.startsWith(`${prefix}v`) && /^v[0-9a-z]+-\d+$/.test(entry.slice(prefix.length)),
    newVersion: () => `${prefix}v${Date.now().toString(36)}-${process.pid}`,
    link: join(parent, `${prefix}link-${process.pid}`),
  };
}

const PREVIOUS_SYNTH = "an empty folder, a folder holding a previous synth (manifest.json and stacks/ only) or a new path";

/** What the output path is now: missing, our link (with its target) or a previous synth's real folder. */
function inspect(paths) {
  const { outdir, shown } = paths;
  let stat;
  try {
    stat = lstatSync(outdir);
  } catch (e) {
    if (e.code === "ENOENT") return { kind: "missing" };
    if (e.code === "ENOTDIR") throw new SynthError(`output folder ${shown}: a parent of it is a file; expected ${PREVIOUS_SYNTH}; nothing was changed`);
    return fsStep("read", outdir, () => {
      throw e;
    });
  }
  if (stat.isSymbolicLink()) {
    const target = fsStep("read the link", outdir, () => readlinkSync(outdir));
    if (paths.isVersion(target)) return { kind: "link", target };
    throw new SynthError(
      `output folder ${shown} is a symbolic link to ${JSON.stringify(oneLine(target).slice(0, 80))} that ha-site did not make; expected ${PREVIOUS_SYNTH}; refusing to replace it, nothing was changed`,
    );
  }
  if (!stat.isDirectory()) throw new SynthError(`output folder ${shown} is a file; expected ${PREVIOUS_SYNTH}; refusing to replace it, nothing was changed`);
  const entries = fsStep("list", outdir, () => readdirSync(outdir)).sort();
  const others = entries.filter((e) => e !== "manifest.json" && e !== "stacks");
  const problem = others.length > 0 ? `it holds ${others.slice(0, 3).map((e) => JSON.stringify(oneLine(e).slice(0, 40))).join(", ")}${others.length > 3 ? ` and ${others.length - 3} more` : ""}` : entries.length > 0 ? notAManifest(outdir) : undefined;
  if (problem) throw new SynthError(`output folder ${shown} is not a previous synth output: ${problem}; expected ${PREVIOUS_SYNTH}; refusing to replace it, nothing was changed`);
  return { kind: "folder" };
}

/** Why manifest.json + stacks/ in `dir` are not a cdktf output, or undefined when they are. */
function notAManifest(dir) {
  const manifest = join(dir, "manifest.json");
  try {
    if (!lstatSync(manifest).isFile()) return "manifest.json is not a file";
    const stacks = lstatSync(join(dir, "stacks"), { throwIfNoEntry: false });
    if (stacks && !stacks.isDirectory()) return "stacks is not a folder";
    const parsed = JSON.parse(readFileSync(manifest, "utf8"));
    if (parsed === null || typeof parsed !== "object" || typeof parsed.stacks !== "object") return "manifest.json is not a cdktf manifest";
    return undefined;
  } catch (e) {
    return e.code === "ENOENT" ? "stacks/ without manifest.json" : "manifest.json is not a cdktf manifest";
  }
}

/** When process `pid` started (clock ticks since boot, from /proc on Linux), or "" where unknown. */
function startTime(pid) {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count after its ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

/** The lock's content: our pid, and when we started (so that a reused pid is not taken for us). */
const lockValue = () => `${process.pid}@${startTime(process.pid)}`;

/** Whether the process that wrote lock value `value` ("pid" or "pid@start") still runs. */
function isAlive(value) {
  const [pidText, start] = String(value).split("@");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== "EPERM") return false;
  }
  const now = start ? startTime(pid) : "";
  return !start || !now || now === start;
}

/**
 * Takes the lock: a symlink whose target is our pid (created atomically, with its content). A lock
 * whose process is gone is moved aside under our own name, checked to be the one judged stale (else
 * put back), and removed.
 */
function lock(paths) {
  const mine = lockValue();
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      symlinkSync(mine, paths.lock);
      return;
    } catch (e) {
      if (e.code !== "EEXIST") fsStep("write in", paths.parent, () => {
        throw e;
      });
    }
    let owner;
    try {
      owner = readlinkSync(paths.lock);
    } catch {
      continue; // released meanwhile
    }
    if (isAlive(owner)) {
      const pid = oneLine(owner.split("@")[0]).slice(0, 20);
      throw new SynthError(
        `another synth (pid ${pid}) is writing ${paths.shown}; run this one when it has finished (if pid ${pid} is no synth, remove ${shownPath(paths.lock)})`,
      );
    }
    const aside = join(paths.parent, `${paths.prefix}stale-${process.pid}`);
    try {
      renameSync(paths.lock, aside);
    } catch {
      continue;
    }
    if (readlinkSync(aside) !== owner) {
      // A new owner took the lock between our look and the move: give it back.
      try {
        linkSync(aside, paths.lock);
      } catch {
        /* someone else holds it now */
      }
      unlinkSync(aside);
      throw new SynthError(`another synth is writing ${paths.shown}; run this one when it has finished`);
    }
    unlinkSync(aside);
  }
  throw new SynthError(`cannot take the lock ${shownPath(paths.lock)}; another synth keeps taking it`);
}

function unlock(paths) {
  try {
    if (readlinkSync(paths.lock) === lockValue()) unlinkSync(paths.lock);
  } catch {
    /* not ours, or gone */
  }
}

/** Atomically points the output path (missing, or our link) at `target`: a temporary link renamed over it. */
function pointAt(paths, target) {
  fsStep("create the link", paths.link, () => symlinkSync(target, paths.link));
  fsStep("replace", paths.outdir, () => renameSync(paths.link, paths.outdir));
}

// renameat2(RENAME_EXCHANGE) swaps two paths in one step (Linux >= 3.15, glibc >= 2.28). Node has no
// binding for it; python3's ctypes has. Used once per output folder, to replace a real folder by the link.
// `-I -S`: no site packages or PYTHON* variables, half of python3's start-up, and ctypes is the standard one.
const EXCHANGE = `
import ctypes, os, sys
f = ctypes.CDLL(None, use_errno=True).renameat2
f.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
sys.exit(0 if f(-100, os.fsencode(sys.argv[1]), -100, os.fsencode(sys.argv[2]), 2) == 0 else 1)
`;

/** Swaps link `a` and folder `b` atomically; false where the system cannot (then nothing happened). */
function exchange(a, b) {
  if (process.platform !== "linux") return false;
  // child_process is required here, not imported: loading it (with net and streams) costs every synth ~5 ms.
  const { spawnSync } = createRequire(import.meta.url)("node:child_process");
  const result = spawnSync("python3", ["-I", "-S", "-c", EXCHANGE, a, b], { stdio: "ignore", timeout: 10_000 });
  if (result.status === 0) return true;
  // Whatever python3 reported: if `b` is a link now, the exchange did happen.
  return lstatSync(b, { throwIfNoEntry: false })?.isSymbolicLink() === true;
}

/**
 * Under the lock: removes what killed synths left and, when a crash left no output folder at all,
 * points it back at the newest complete version. Returns the current state of the output path.
 */
function recover(paths) {
  let state = inspect(paths);
  const entries = fsStep("list", paths.parent, () => readdirSync(paths.parent));
  if (state.kind === "missing") {
    const complete = entries.filter((e) => paths.isVersion(e) && existsSync(join(paths.parent, e, "manifest.json")));
    const newest = complete.sort((a, b) => statSync(join(paths.parent, b)).mtimeMs - statSync(join(paths.parent, a)).mtimeMs)[0];
    if (newest) {
      pointAt(paths, newest);
      state = { kind: "link", target: newest };
    }
  }
  const legacy = new RegExp(`^\\.${paths.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.staging-(\\d+)(\\.old)?$`);
  for (const entry of entries) {
    const full = join(paths.parent, entry);
    const old = legacy.exec(entry); // left by the synth.mjs before versions: `.cdktf.out.staging-<pid>[.old]`
    const leftover =
      (paths.isVersion(entry) && entry !== state.target) ||
      entry.startsWith(`${paths.prefix}link-`) ||
      entry.startsWith(`${paths.prefix}stale-`) ||
      (old && !isAlive(old[1]));
    if (leftover) fsStep("remove", full, () => rmSync(full, { recursive: true, force: true }));
  }
  return state;
}

// ---------------------------------------------------------------------------------------------------
// Main.

function fail(error) {
  if (error instanceof SynthError) {
    process.stderr.write(`ha-site: synth: ${oneLine(error.message)}\n`);
    process.exit(error.exitCode);
  }
  // Not a config problem (those exit in main.ts): still one line, no stack trace.
  const first = String(error?.message ?? error).split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  process.stderr.write(`ha-site: synth failed: ${oneLine(first)}\n`);
  process.exit(EXIT_CONFIG);
}

async function main() {
  const args = process.argv.slice(2);
  for (const arg of args) {
    if (arg !== "--hcl") throw new SynthError(`unknown option ${JSON.stringify(oneLine(arg).slice(0, 80))}; expected --hcl or nothing`);
  }
  if (args.includes("--hcl")) process.env.SYNTH_HCL_OUTPUT = "true";

  const given = process.env.CDKTF_OUTDIR || "cdktf.out";
  const outdir = resolve(given);
  if (dirname(outdir) === outdir) throw new SynthError(`CDKTF_OUTDIR=${shownPath(outdir)}: expected a folder below the root`);
  const paths = outputPaths(outdir);
  inspect(paths); // refuse a folder that is not ours before doing anything

  let version; // the folder being written, until it is the output
  let locked = false;
  let committed = false;
  process.on("exit", () => {
    // A failure after the lock (an error, or process.exit inside the app): leave things as they were.
    // Best effort: whatever stays is removed by the next synth.
    const tidy = (fn) => {
      try {
        fn();
      } catch {
        /* left for the next synth */
      }
    };
    if (!locked) return; // nothing was written
    if (version && !committed) tidy(() => rmSync(join(paths.parent, version), { recursive: true, force: true }));
    tidy(() => rmSync(paths.link, { force: true }));
    tidy(() => unlock(paths));
  });

  let state;
  // Should main.ts ever synthesize without calling back, cdktf's App fails to create this folder
  // (its parent does not exist) instead of writing into the output folder in place.
  process.env.CDKTF_OUTDIR = join(paths.parent, `${paths.prefix}no-callback-${process.pid}`, "out");
  await runApp({
    configLoaded(line) {
      process.stderr.write(`ha-site: ${line}\n`);
      fsStep("create", paths.parent, () => mkdirSync(paths.parent, { recursive: true }));
      lock(paths);
      locked = true;
      state = recover(paths);
      version = paths.newVersion();
      fsStep("create", join(paths.parent, version), () => mkdirSync(join(paths.parent, version)));
      process.env.CDKTF_OUTDIR = join(paths.parent, version);
      return process.env.CDKTF_OUTDIR;
    },
  });
  if (!version) throw new Error("main.ts did not call back before synthesizing");

  // The swap. From a link (or nothing): one rename. From a real folder: exchange it with the new link
  // in one step where the system can; else move it aside, then rename the link in (the only gap).
  let displaced = state.target;
  if (state.kind === "folder") {
    fsStep("create the link", paths.link, () => symlinkSync(version, paths.link));
    if (exchange(paths.link, outdir)) {
      displaced = basename(paths.link); // the old folder, now under the temporary link's name
    } else {
      displaced = `${paths.prefix}v0-${process.pid}`;
      fsStep("move aside", outdir, () => renameSync(outdir, join(paths.parent, displaced)));
      fsStep("replace", outdir, () => renameSync(paths.link, outdir));
    }
  } else {
    pointAt(paths, version);
  }
  committed = true;
  // The new output is in place: what follows is tidying up, and the next synth finishes it if it fails.
  try {
    if (displaced) rmSync(join(paths.parent, displaced), { recursive: true, force: true });
  } catch {
    /* removed by the next synth (recover) */
  }
  unlock(paths);
  locked = false;

  const stacks = Object.keys(JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")).stacks);
  const format = process.env.SYNTH_HCL_OUTPUT === "true" ? "HCL" : "JSON";
  process.stdout.write(`ha-site: synthesized ${stacks.length} stacks (${format}) into ${basename(outdir)}/: ${stacks.join(", ")}\n`);
}

main().catch(fail);
