// `npm run check:diff -- --base REF [--json | --markdown]`: rename safety. Synthesizes the config at REF (in a
// temporary git worktree that reuses this checkout's node_modules) and in the working tree, then lists every
// resource whose address disappears while one of the same type appears. A stateful one (zone, records,
// health checks, key pairs, CloudFormation stacks, ASGs, load balancers, SSM parameters...) fails the check
// unless a `moved` or `import` block covers it; the report prints the block that would.
// HA_SITE_CONFIG picks the config as for synth (a relative path is read from each side's own tree).
// Exit 0: nothing stateful would be replaced; 1: something would; 2: bad flags, not a git repository, a bad
// ref, or a side that does not synthesize.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { diffApps, type DiffReport } from "../policy/diff";
import { diffJson, diffMarkdown, diffText } from "../policy/format";
import { PolicyInputError, readSynthDir } from "../policy/load";

export const USAGE = `usage: npm run check:diff -- --base REF [--json | --markdown]
  --base REF   git ref (branch, tag, commit) to compare the working tree with
  --json       the report as JSON
  --markdown   the report as Markdown (the pull-request comment)
Synthesizes the config (HA_SITE_CONFIG, or the built-in one) at REF and in the working tree.
Exit status: 0 no stateful resource replaced, 1 some would be, 2 bad input.`;

export interface DiffArgs {
  readonly base?: string;
  readonly format: "text" | "json" | "markdown";
  readonly help: boolean;
}

export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  let base: string | undefined;
  let format: DiffArgs["format"] = "text";
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--json" || arg === "--markdown") {
      const wanted = arg === "--json" ? "json" : "markdown";
      if (format !== "text" && format !== wanted) throw new PolicyInputError("--json and --markdown: choose one output format");
      format = wanted;
    } else if (arg === "--base" || arg.startsWith("--base=")) {
      const value = arg === "--base" ? argv[++i] : arg.slice("--base=".length);
      if (value === undefined || value === "" || value.startsWith("-")) throw new PolicyInputError(`--base: got ${value === undefined ? "nothing" : JSON.stringify(value)}; expected a git ref like main or HEAD~1`);
      base = value;
    } else throw new PolicyInputError(`unknown argument ${JSON.stringify(arg)}; expected --base REF, --json, --markdown or --help`);
  }
  if (!help && base === undefined) throw new PolicyInputError("--base: missing; expected a git ref like main or HEAD~1");
  return { base, format, help };
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 }).trim();
}

/**
 * Synthesizes the app of `tree` into `outdir` with its own scripts/synth.mjs. `store` is the bundle store
 * (scripts/synth.mjs) both sides share: a base whose sources equal a build of before reuses that bundle.
 */
function synth(tree: string, outdir: string, config: string | undefined, what: string, store: string): Promise<void> {
  if (!existsSync(join(tree, "scripts", "synth.mjs"))) return Promise.reject(new PolicyInputError(`${what}: no scripts/synth.mjs; cannot synthesize it`));
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", HA_SITE_BUNDLE_STORE: store };
  if (config !== undefined) env.HA_SITE_CONFIG = config;
  else delete env.HA_SITE_CONFIG;
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, ["scripts/synth.mjs"], { cwd: tree, env, stdio: ["ignore", "ignore", "pipe"], timeout: 300_000 });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (e) => failed(new PolicyInputError(`${what} does not synthesize: ${e.message}`)));
    child.on("close", (status) => {
      if (status === 0) return done();
      const last = stderr.trim().split("\n").pop() || `exit status ${status}`;
      failed(new PolicyInputError(`${what} does not synthesize: ${last}`));
    });
  });
}

export async function checkDiff(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string; report?: DiffReport }> {
  const fail = (message: string) => ({ status: 2, stdout: "", stderr: `ha-site: check:diff: ${message}\n` });
  let tmp: string | undefined;
  let root: string | undefined;
  let worktree: string | undefined;
  try {
    const args = parseDiffArgs(argv);
    if (args.help) return { status: 0, stdout: `${USAGE}\n`, stderr: "" };
    try {
      root = git(cwd, ["rev-parse", "--show-toplevel"]);
    } catch {
      return fail(`${cwd}: not inside a git repository; check:diff compares with a git ref`);
    }
    let commit: string;
    try {
      commit = git(root, ["rev-parse", "--verify", "--quiet", `${args.base}^{commit}`]);
    } catch {
      return fail(`--base: got ${JSON.stringify(args.base)}; expected a git ref of this repository (a branch, tag or commit; fetch it first in a shallow clone)`);
    }
    tmp = mkdtempSync(join(tmpdir(), "ha-site-check-diff-"));
    worktree = join(tmp, "base");
    git(root, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
    if (existsSync(join(root, "node_modules")) && !existsSync(join(worktree, "node_modules"))) {
      symlinkSync(join(root, "node_modules"), join(worktree, "node_modules"), "dir");
    }
    // A relative config path names a file of each tree; an absolute one (or one outside the repository) is shared.
    const config = env.HA_SITE_CONFIG || undefined;
    let baseConfig = config;
    if (config !== undefined && !isAbsolute(config)) {
      const inRepo = relative(root, resolve(cwd, config));
      baseConfig = inRepo.startsWith("..") ? resolve(cwd, config) : join(worktree, inRepo);
    }
    const headConfig = config === undefined ? undefined : resolve(cwd, config);
    // Both sides at once (two processes); the base's error first when both fail.
    const store = join(root, ".cache", "bundles");
    const sides = [
      synth(worktree, join(tmp, "base.out"), baseConfig, `the config at ${args.base}`, store),
      synth(root, join(tmp, "head.out"), headConfig, "the working tree", store),
    ];
    const settled = await Promise.allSettled(sides);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) throw failure.reason;
    const report = diffApps(readSynthDir(join(tmp, "base.out")), readSynthDir(join(tmp, "head.out")));
    const render = args.format === "json" ? diffJson : args.format === "markdown" ? diffMarkdown : diffText;
    return { status: report.failures > 0 ? 1 : 0, stdout: render(report), stderr: "", report };
  } catch (e) {
    if (e instanceof PolicyInputError) return fail(e.message);
    throw e;
  } finally {
    if (root && worktree && existsSync(worktree)) {
      try {
        git(root, ["worktree", "remove", "--force", worktree]);
      } catch {
        // the directory goes below; `git worktree prune` forgets the entry
      }
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void checkDiff(process.argv.slice(2), process.cwd(), process.env).then(({ status, stdout, stderr }) => {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    process.exitCode = status;
  });
}
