// plan.yml's policy gate: the `policy` job (check:policy and check:diff against the PR's base, read-only,
// no secrets) and the policy comment the `comment` job posts beside the plans.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string | number | boolean>;
  readonly "continue-on-error"?: boolean;
}
interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions?: unknown;
  readonly steps: Step[];
}

const plan = parse(fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "plan.yml"), "utf8")) as { jobs: Record<string, Job> };
const { policy, comment } = plan.jobs;
const stepNamed = (job: Job, pattern: RegExp) => {
  const step = job.steps.find((s) => pattern.test(s.name ?? ""));
  if (!step) throw new Error(`no step named ${pattern}`);
  return step;
};

describe("the policy job", () => {
  it("runs the PR's code without a writable token or secrets", () => {
    expect(policy.permissions).toBeUndefined();
    expect(JSON.stringify(policy)).not.toMatch(/secrets\./);
    expect(policy.if).toBeUndefined(); // fork PRs get the gate too
  });

  it("checks out the full history, so that the PR's base commit can be synthesized", () => {
    const checkout = policy.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
  });

  it("synthesizes, then runs check:policy and check:diff --base <the PR's base commit>, keeping their Markdown", () => {
    const runs = policy.steps.map((s) => s.run?.trim() ?? "");
    expect(runs.indexOf("npm run synth")).toBeGreaterThan(runs.indexOf("npm ci"));
    expect(stepNamed(policy, /check:policy/).run).toContain("npm run -s check:policy -- cdktf.out --markdown > policy-report/policy.md");
    const diff = stepNamed(policy, /check:diff/);
    expect(diff.env?.BASE_SHA).toBe("${{ github.event.pull_request.base.sha }}");
    expect(diff.run).toContain('npm run -s check:diff -- --base "$BASE_SHA" --markdown > policy-report/diff.md');
    const upload = policy.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with).toMatchObject({ name: "policy-report", path: "policy-report/" });
    expect(upload?.if).toBe("${{ !cancelled() }}");
  });

  describe("its last step", () => {
    const script = stepNamed(policy, /^Fail/).run ?? "";
    const run = (codes: Record<string, string>) => {
      const dir = fs.mkdtempSync(path.join(tmpdir(), "policy-step-"));
      fs.mkdirSync(path.join(dir, "policy-report"));
      for (const [check, code] of Object.entries(codes)) {
        fs.writeFileSync(path.join(dir, "policy-report", `${check}.exitcode`), `${code}\n`);
        fs.writeFileSync(path.join(dir, "policy-report", `${check}.err`), code === "2" ? `ha-site: check:${check}: bad\n` : "");
      }
      const result = spawnSync("bash", ["-e", "-c", script], { cwd: dir, encoding: "utf8" });
      fs.rmSync(dir, { recursive: true, force: true });
      return result;
    };
    it("passes when both checks passed", () => expect(run({ policy: "0", diff: "0" }).status).toBe(0));
    it("fails on a policy error", () => expect(run({ policy: "1", diff: "0" }).status).toBe(1));
    it("fails on an unprotected rename, and shows a check's error line", () => {
      const result = run({ policy: "0", diff: "2" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe("ha-site: check:diff: bad\n");
    });
  });
});

describe("the policy comment", () => {
  it("is posted by the comment job, after the plans, from the downloaded report", () => {
    expect(comment.needs).toEqual(expect.arrayContaining(["policy"]));
    const download = stepNamed(comment, /Fetch the policy report/);
    expect(download.with).toEqual({ name: "policy-report", path: "policy-report" });
    expect(download["continue-on-error"]).toBe(true);
    const steps = comment.steps.map((s) => s.name);
    expect(steps.indexOf("Fetch the policy report")).toBeGreaterThan(steps.indexOf("Create or update one comment per stack"));
  });

  type Script = (require: (id: string) => unknown, github: unknown, context: unknown) => Promise<unknown>;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => Script;
  const body = String(stepNamed(comment, /policy comment/).with?.script);
  const script = new AsyncFunction("require", "github", "context", body);

  async function post(files: Record<string, string>, existing: { id: number; body: string; user: { login: string } }[] = []) {
    const dir = fs.mkdtempSync(path.join(tmpdir(), "policy-report-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const calls: { op: string; id?: number; body: string }[] = [];
    const fakeFs = { readFileSync: (file: string, enc: BufferEncoding) => fs.readFileSync(path.join(dir, path.relative("policy-report", file)), enc) };
    const github = {
      paginate: async () => existing,
      rest: {
        issues: {
          listComments: () => undefined,
          createComment: async (p: { body: string }) => calls.push({ op: "create", body: p.body }),
          updateComment: async (p: { comment_id: number; body: string }) => calls.push({ op: "update", id: p.comment_id, body: p.body }),
        },
      },
    };
    const context = { issue: { number: 7 }, repo: { owner: "o", repo: "r" }, serverUrl: "https://github.com", runId: 42, payload: { pull_request: { head: { sha: "0123456789abcdef" } } } };
    await script((id) => (id === "node:fs" ? fakeFs : path), github, context);
    fs.rmSync(dir, { recursive: true, force: true });
    return calls;
  }

  it("shows both tables with their verdicts in one comment", async () => {
    const calls = await post({
      "policy.md": "**policy: FAIL: 16 rules, 1 error, 0 warnings, 0 suppressed**\n\n| rule | level |\n",
      "policy.exitcode": "1\n",
      "policy.err": "",
      "diff.md": "**check:diff: PASS: 0 renamed resources**\n",
      "diff.exitcode": "0\n",
      "diff.err": "",
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].op).toBe("create");
    expect(calls[0].body).toMatch(/^<!-- ha-site-policy -->\nCommit 0123456 · \[workflow run\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/42\)\n/);
    expect(calls[0].body).toContain("### Policy gate (`npm run check:policy`): ❌\n\n**policy: FAIL");
    expect(calls[0].body).toContain("### Renamed resources (`npm run check:diff`): ✅\n\n**check:diff: PASS");
  });

  it("updates its earlier comment and says when a report is missing", async () => {
    const calls = await post({ "diff.md": "x", "diff.exitcode": "2", "diff.err": "ha-site: check:diff: --base: got ...\n" }, [
      { id: 5, body: "<!-- ha-site-plan: dns -->\n...", user: { login: "github-actions[bot]" } },
      { id: 9, body: "<!-- ha-site-policy -->\nold", user: { login: "github-actions[bot]" } },
    ]);
    expect(calls.map((c) => [c.op, c.id])).toEqual([["update", 9]]);
    expect(calls[0].body).toContain("### Policy gate (`npm run check:policy`): ⚠️ no report");
    expect(calls[0].body).toContain("### Renamed resources (`npm run check:diff`): ⚠️\n\nx\n\n```text\nha-site: check:diff: --base: got ...\n```");
  });
});
