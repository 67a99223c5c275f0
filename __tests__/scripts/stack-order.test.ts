// scripts/stack-order.cjs: dependency order of the synthesized stacks, as the CI workflows use it.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SCRIPT = resolve(__dirname, "../../scripts/stack-order.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackOrder = require(SCRIPT) as { run(argv: readonly string[], io: { env: NodeJS.ProcessEnv; cwd: string; stdout(text: string): void; stderr(text: string): void }): number };

interface FixtureStack {
  readonly dependencies?: readonly string[];
}

interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "stack-order-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a manifest shaped like cdktf.out/manifest.json (stacks keyed by name, in the given order). */
function writeManifest(stacks: Record<string, FixtureStack>, file = join(dir, "manifest.json")): string {
  const entries = Object.entries(stacks).map(([name, s]) => [
    name,
    {
      annotations: [],
      constructPath: name,
      dependencies: s.dependencies ?? [],
      name,
      stackMetadataPath: `stacks/${name}/metadata.json`,
      synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
      workingDirectory: `stacks/${name}`,
    },
  ]);
  writeFileSync(file, JSON.stringify({ stacks: Object.fromEntries(entries), version: "0.21.0" }, null, 2));
  return file;
}

/** Runs the script's command line in-process (the entry point itself is tested once, below). */
async function run(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = dir): Promise<RunResult> {
  const runEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!("GITHUB_OUTPUT" in env)) delete runEnv.GITHUB_OUTPUT;
  let stdout = "";
  let stderr = "";
  const status = stackOrder.run(args, { env: runEnv, cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

function json(result: RunResult): unknown {
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

/** A failure: exit 1 and exactly one line on stderr, which is returned. */
function failure(result: RunResult): string {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^stack-order: /);
  return lines[0];
}

// What cdktf 0.21 writes for the two-region site: keys sorted, dns depends on both regions.
const SITE: Record<string, FixtureStack> = {
  dns: { dependencies: ["swarm-us-west-2", "swarm-us-east-2"] },
  "swarm-us-east-2": {},
  "swarm-us-west-2": {},
};

describe("stack-order command line", () => {
  test("node scripts/stack-order.cjs prints the order, and fails with exit status 1 and one line", () => {
    const manifest = writeManifest(SITE);
    const ok = spawnSync(process.execPath, [SCRIPT, manifest, "--layers"], { cwd: dir, encoding: "utf8" });
    expect(ok.stdout).toBe('[["swarm-us-east-2","swarm-us-west-2"],["dns"]]\n');
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [SCRIPT, "--bogus"], { cwd: dir, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^stack-order: unknown option --bogus; usage: node scripts\/stack-order.cjs/);
  });
});

describe("stack-order ordering", () => {
  test("--all lists the regional stacks before dns (the default mode)", async () => {
    const manifest = writeManifest(SITE);
    const [explicit, implicit] = await Promise.all([run([manifest, "--all"]), run([manifest])]);
    expect(json(explicit)).toEqual(["swarm-us-east-2", "swarm-us-west-2", "dns"]);
    expect(json(implicit)).toEqual(["swarm-us-east-2", "swarm-us-west-2", "dns"]);
  });

  test("--layers groups stacks that can run together", async () => {
    const manifest = writeManifest(SITE);
    expect(json(await run([manifest, "--layers"]))).toEqual([["swarm-us-east-2", "swarm-us-west-2"], ["dns"]]);
  });

  test("stacks keep the manifest order inside a layer", async () => {
    const manifest = writeManifest({
      "swarm-us-west-2": {},
      dns: { dependencies: ["swarm-us-east-2", "swarm-us-west-2"] },
      "swarm-us-east-2": {},
    });
    expect(json(await run(["--manifest", manifest, "--layers"]))).toEqual([["swarm-us-west-2", "swarm-us-east-2"], ["dns"]]);
  });

  test("longer chains give one layer per depth", async () => {
    const manifest = writeManifest({
      a: {},
      b: { dependencies: ["a"] },
      c: { dependencies: ["b", "a"] },
      d: {},
      e: { dependencies: ["d"] },
    });
    const [layers, all] = await Promise.all([run([manifest, "--layers"]), run([manifest, "--all"])]);
    expect(json(layers)).toEqual([["a", "d"], ["b", "e"], ["c"]]);
    expect(json(all)).toEqual(["a", "d", "b", "e", "c"]);
  });

  test("a single stack is one layer", async () => {
    const manifest = writeManifest({ only: {} });
    expect(json(await run([manifest, "--layers"]))).toEqual([["only"]]);
  });

  test("reads cdktf.out/manifest.json by default", async () => {
    mkdirSync(join(dir, "cdktf.out"));
    writeManifest(SITE, join(dir, "cdktf.out", "manifest.json"));
    expect(json(await run(["--layers"]))).toEqual([["swarm-us-east-2", "swarm-us-west-2"], ["dns"]]);
  });
});

describe("stack-order --github-output", () => {
  test("appends name=value lines to $GITHUB_OUTPUT", async () => {
    const manifest = writeManifest(SITE);
    const out = join(dir, "github-output");
    writeFileSync(out, "earlier=kept\n");
    const result = await run([manifest, "--github-output", "--expect-layers", "2"], { GITHUB_OUTPUT: out });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(readFileSync(out, "utf8").split("\n")).toEqual([
      "earlier=kept",
      'all=["swarm-us-east-2","swarm-us-west-2","dns"]',
      'layers=[["swarm-us-east-2","swarm-us-west-2"],["dns"]]',
      "layer_count=2",
      'layer_0=["swarm-us-east-2","swarm-us-west-2"]',
      'layer_1=["dns"]',
      "",
    ]);
  });

  test("prints the lines when $GITHUB_OUTPUT is not set", async () => {
    const manifest = writeManifest(SITE);
    const result = await run([manifest, "--github-output"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('layer_1=["dns"]\n');
  });

  test("--expect-layers fails when the graph has another shape", async () => {
    const manifest = writeManifest({ a: {}, b: { dependencies: ["a"] }, c: { dependencies: ["b"] } });
    const out = join(dir, "github-output");
    const line = failure(await run([manifest, "--github-output", "--expect-layers", "2"], { GITHUB_OUTPUT: out }));
    expect(line).toContain("expected 2 dependency layer(s)");
    expect(line).toContain('[["a"],["b"],["c"]]');
  });
});

describe("stack-order --require-cloud-backend", () => {
  function writeStackJson(name: string, terraform: Record<string, unknown>): void {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify({ terraform, resource: {} }));
  }
  const cloud = (workspace: string) => ({ cloud: { organization: "acme", workspaces: { name: workspace } } });

  test("passes when every stack uses Terraform Cloud (cloud block or remote backend)", async () => {
    const manifest = writeManifest(SITE);
    writeStackJson("dns", cloud("ha-dns"));
    writeStackJson("swarm-us-east-2", cloud("ha-swarm-us-east-2"));
    writeStackJson("swarm-us-west-2", { backend: { remote: { organization: "acme", workspaces: { name: "w" } } } });
    expect(json(await run([manifest, "--require-cloud-backend"]))).toEqual(["swarm-us-east-2", "swarm-us-west-2", "dns"]);
  });

  test("names the first stack with a local or s3 backend", async () => {
    const manifest = writeManifest(SITE);
    writeStackJson("dns", cloud("ha-dns"));
    writeStackJson("swarm-us-east-2", { backend: { local: { path: "../../../terraform.swarm-us-east-2.tfstate" } } });
    writeStackJson("swarm-us-west-2", { backend: { s3: { bucket: "b", key: "k" } } });
    const line = failure(await run([manifest, "--require-cloud-backend"]));
    expect(line).toBe(
      'stack-order: stack swarm-us-east-2 does not keep its state in Terraform Cloud (backend "local")' +
        '; CI plans and deploys need config field backend = { "type": "cloud", ... }',
    );
  });

  test("a stack without any backend uses local state", async () => {
    const manifest = writeManifest({ only: {} });
    writeStackJson("only", {});
    expect(failure(await run([manifest, "--require-cloud-backend"]))).toContain("no backend (Terraform's local default)");
  });

  test("a missing stack file is an error, not a pass", async () => {
    const manifest = writeManifest({ only: {} });
    expect(failure(await run([manifest, "--require-cloud-backend"]))).toContain("cannot read the Terraform JSON of stack only");
  });
});

describe("stack-order errors", () => {
  test("a cycle names the stacks on it", async () => {
    const manifest = writeManifest({
      dns: { dependencies: ["swarm-a"] },
      "swarm-a": { dependencies: ["swarm-b"] },
      "swarm-b": { dependencies: ["swarm-a"] },
      free: {},
    });
    const line = failure(await run([manifest, "--layers"]));
    expect(line).toBe("stack-order: dependency cycle: swarm-a -> swarm-b -> swarm-a");
  });

  test("a stack that depends on itself is a cycle", async () => {
    const line = failure(await run([writeManifest({ a: { dependencies: ["a"] } })]));
    expect(line).toBe("stack-order: dependency cycle: a -> a");
  });

  test("a missing manifest says to synthesize first", async () => {
    const line = failure(await run([join(dir, "nope", "manifest.json")]));
    expect(line).toContain("cannot read manifest");
    expect(line).toContain("file not found (run `npm run synth` first)");
  });

  test("a missing default manifest is reported with its path", async () => {
    expect(failure(await run([]))).toContain("cdktf.out/manifest.json");
  });

  test("a dependency on an unknown stack", async () => {
    const line = failure(await run([writeManifest({ dns: { dependencies: ["swarm-x"] } })]));
    expect(line).toBe("stack-order: stack dns depends on swarm-x, which is not in the manifest");
  });

  test("malformed manifests", async () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["{ not json", "is not valid JSON"],
      [JSON.stringify({ version: "0.21.0" }), 'has no "stacks" object'],
      [JSON.stringify({ stacks: {} }), "lists no stacks"],
      [JSON.stringify({ stacks: { a: { name: "a", dependencies: "b" } } }), '"dependencies" must be a list'],
    ];
    const results = await Promise.all(
      cases.map(([content], i) => {
        const file = join(dir, `manifest-${i}.json`);
        writeFileSync(file, content);
        return run([file]);
      }),
    );
    results.forEach((result, i) => expect(failure(result)).toContain(cases[i][1]));
  });

  test("bad arguments", async () => {
    const [bogus, zero, extra] = await Promise.all([
      run(["--bogus"]),
      run(["--expect-layers", "0"]),
      run(["a.json", "b.json"]),
    ]);
    expect(failure(bogus)).toContain("unknown option --bogus");
    expect(failure(zero)).toContain("expected a positive integer");
    expect(failure(extra)).toContain("unexpected argument b.json");
  });
});
