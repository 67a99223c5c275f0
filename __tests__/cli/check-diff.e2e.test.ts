// check:diff on a temporary git repository holding a copy of this app: a renamed construct is flagged with the
// moved block that would cover it, and passes once the moved block is there.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDiff, parseDiffArgs } from "../../cli/check-diff";

const root = join(__dirname, "..", "..");
/** The project's files (tracked or new, not ignored), so that the copy synthesizes whatever the app imports. */
function projectFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return out.split("\0").filter((f) => f !== "" && existsSync(join(root, f)));
  } catch {
    return ["main.ts", "config", "constructs", "stacks", "policy", "scripts", "package.json", "package-lock.json", "tsconfig.json", "cdktf.json"];
  }
}
const RECORDS = "constructs/failover-dns.ts";

describe("check:diff on a temporary git repository", () => {
  let repo: string;
  let oldAddress: string | undefined;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(join(repo, file), "utf8");
    expect(text).toContain(from);
    writeFileSync(join(repo, file), text.replace(from, to));
  };

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "ha-site-diff-repo-"));
    for (const file of projectFiles()) cpSync(join(root, file), join(repo, file), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(repo, "node_modules"), "dir");
    writeFileSync(join(repo, ".gitignore"), "node_modules\n.cache/\ncdktf.out/\n");
    git("init", "--quiet", "--initial-branch=main");
    git("-c", "user.name=test", "-c", "user.email=test@example.com", "add", "-A");
    git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "base");
    // The copy shares this checkout's bundle store (scripts/synth.mjs): the unchanged sources are bundled
    // once (or not at all when a synth here already did), not once per side and test.
    mkdirSync(join(root, ".cache", "bundles"), { recursive: true });
    mkdirSync(join(repo, ".cache"));
    symlinkSync(join(root, ".cache", "bundles"), join(repo, ".cache", "bundles"), "dir");
    execFileSync(process.execPath, ["scripts/synth.mjs"], { cwd: repo, env: { ...process.env, HA_SITE_CONFIG: "", CDKTF_OUTDIR: join(repo, ".cache", "warm.out") }, stdio: "ignore", timeout: 120_000 });
  }, 120_000);

  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  afterEach(() => {
    git("checkout", "--quiet", "--", ".");
    // no worktree is left behind
    expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
  });

  it("passes when nothing was renamed", async () => {
    const result = await checkDiff(["--base", "main", "--json"], repo, {});
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({ pass: true, moves: [], stackRenames: [], failures: 0 });
    expect(result.status).toBe(0);
  }, 120_000);

  it("flags a renamed record construct and prints the moved block that would keep it", async () => {
    edit(RECORDS, 'this.record("Primary", "PRIMARY"', 'this.record("PrimaryRecord", "PRIMARY"');
    const result = await checkDiff(["--base", "main"], repo, {});
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/REPLACE \(stateful\)\s+aws_route53_record\s+dns: aws_route53_record\.Failover_Primary_[0-9A-F]{8}\s+dns: aws_route53_record\.Failover_PrimaryRecord_[0-9A-F]{8}/);
    expect(result.stdout).toMatch(/moved \{\n  from = aws_route53_record\.Failover_Primary_[0-9A-F]{8}\n  to   = aws_route53_record\.Failover_PrimaryRecord_[0-9A-F]{8}\n\}/);
    expect(result.stdout).toMatch(/check:diff: FAIL: 1 renamed resource, 0 covered by moved\/import, 1 stateful without/);
    expect(result.report).toMatchObject({ failures: 1, moves: [{ type: "aws_route53_record", stateful: true, crossStack: false, status: "unresolved", to: { path: "dns/Failover/PrimaryRecord" } }] });
    oldAddress = result.report?.moves[0].from.address;
  }, 120_000);

  it("passes the same rename once a moved block (cdktf moveFromId) covers it", async () => {
    edit(RECORDS, 'this.record("Primary", "PRIMARY"', 'this.record("PrimaryRecord", "PRIMARY"');
    // the address the previous test saw disappear
    expect(oldAddress).toMatch(/^aws_route53_record\.Failover_Primary_/);
    edit(RECORDS, 'this.primaryRecord = this.record("PrimaryRecord", "PRIMARY", props.primary);', `this.primaryRecord = this.record("PrimaryRecord", "PRIMARY", props.primary);\n    this.primaryRecord.moveFromId("${oldAddress}");`);
    const result = await checkDiff(["--base", "main"], repo, {});
    expect(result.stdout).toMatch(/^moved\s+aws_route53_record\s+dns: aws_route53_record\.Failover_Primary_/m);
    expect(result.stdout).toMatch(/check:diff: PASS: 1 renamed resource, 1 covered by moved\/import, 0 stateful without/);
    expect(result.status).toBe(0);
  }, 120_000);

  it("says which side does not synthesize, on one line", async () => {
    const result = await checkDiff(["--base", "main"], repo, { HA_SITE_CONFIG: "missing.json" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^ha-site: check:diff: the config at main does not synthesize: .*missing\.json.*\n$/);
  }, 120_000);

  it("rejects an unknown ref and a directory outside git", async () => {
    expect(await checkDiff(["--base", "no-such-branch"], repo, {})).toMatchObject({ status: 2, stderr: expect.stringMatching(/^ha-site: check:diff: --base: got "no-such-branch"; expected a git ref/) });
    const outside = mkdtempSync(join(tmpdir(), "ha-site-not-git-"));
    try {
      expect(await checkDiff(["--base", "main"], outside, {})).toMatchObject({ status: 2, stderr: expect.stringMatching(/not inside a git repository/) });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("check:diff flags", () => {
  it.each([
    [[], /^--base: missing/],
    [["--base"], /^--base: got nothing/],
    [["--base", "--json"], /^--base: got "--json"/],
    [["--bsae", "main"], /^unknown argument "--bsae"/],
    [["--base", "main", "--json", "--markdown"], /choose one output format/],
  ])("%j is refused", (argv, message) => {
    expect(() => parseDiffArgs(argv)).toThrow(message);
  });

  it("exits 2 with one line through npm's entry point", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "check-diff.ts"), "--frobnicate"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('ha-site: check:diff: unknown argument "--frobnicate"; expected --base REF, --json, --markdown or --help\n');
    expect(run.stdout).toBe("");
  }, 60_000);
});
