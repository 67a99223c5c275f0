// examples/native.json (opens the README's Deploy section) and examples/terraform-cloud.json (the CI config
// docs/pull-requests.md proposes): what they promise.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, Testing } from "cdktf";
import { loadConfig } from "../../config/load";
import { engineOf } from "../../stacks/engines";
import { buildSite } from "../../stacks/site";

const root = resolve(__dirname, "../..");
const example = (name: string) => loadConfig({ HA_SITE_CONFIG: join(root, "examples", name) });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackOrder = require(join(root, "scripts/stack-order.cjs")) as {
  run(argv: readonly string[], io: { env: NodeJS.ProcessEnv; cwd: string; stdout(text: string): void; stderr(text: string): void }): number;
};

/** Synthesizes `name` into a temporary cdktf.out and runs deploy.yml's stack check on its manifest. */
function deployCheck(name: string): { status: number; stderr: string } {
  const outdir = mkdtempSync(join(tmpdir(), "examples-"));
  try {
    const app = new App({ outdir, skipValidation: true });
    buildSite(app, example(name));
    app.synth();
    let stderr = "";
    const status = stackOrder.run([join(outdir, "manifest.json"), "--github-output", "--expect-layers", "2", "--require-cloud-backend"], {
      env: { GITHUB_OUTPUT: join(outdir, "github-output") },
      cwd: outdir,
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
    });
    return { status, stderr };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("examples/native.json", () => {
  const config = example("native.json");

  it("puts every region on the native engine: no Docker for AWS template, no CloudFormation stack", () => {
    expect(config.regions.map((r) => engineOf(config, r))).toEqual(["native", "native"]);
    const site = buildSite(Testing.app(), config);
    for (const stack of site.regions) {
      const json = JSON.parse(Testing.synth(stack));
      expect(json.resource.aws_cloudformation_stack).toBeUndefined();
      expect(json.resource.aws_launch_template).toBeDefined();
      expect(json.resource.aws_autoscaling_group).toBeDefined();
    }
  });

  it("has the built-in config's stack names, so the README's deploy commands apply to it unchanged", () => {
    const site = buildSite(Testing.app(), config);
    const builtIn = buildSite(Testing.app(), loadConfig({}));
    expect([...site.regions, site.dns].map((s) => s.node.id)).toEqual([...builtIn.regions, builtIn.dns].map((s) => s.node.id));
  });

  it("is what the README's Deploy section starts from", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const deploy = readme.slice(readme.indexOf("## Deploy\n"));
    expect(deploy.slice(0, 400)).toContain("examples/native.json");
  });
});

describe("examples/terraform-cloud.json", () => {
  it("passes the deploy workflow's check (two layers, every stack's state in Terraform Cloud)", () => {
    expect(deployCheck("terraform-cloud.json")).toEqual({ status: 0, stderr: "" });
  });

  it("where examples/production.json (local state) is refused", () => {
    const result = deployCheck("production.json");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/cloud/i);
  });

  it("is the config docs/pull-requests.md proposes for CI", () => {
    const doc = readFileSync(join(root, "docs/pull-requests.md"), "utf8");
    const row = doc.split("\n").find((line) => line.includes("`HA_SITE_CONFIG`") && line.startsWith("|"));
    expect(row).toContain("examples/terraform-cloud.json");
    expect(row).not.toContain("production.json");
  });
});
