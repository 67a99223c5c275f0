// No config value is ever evaluated by Terraform, asked of Terraform itself: a real synth of a config whose
// key name, public key and template parameters hold `${...}`, `%{...}` and `$${...}`, then plain terraform
// init + plan of its stack, whose plan must show each value verbatim. Every string field of the schema:
// injection.test.ts.
import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Json } from "../helpers";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";

describe("Terraform itself reads the values as literals", () => {
  // Plain `terraform init` + `terraform plan` under tf-env (the shared tool's documented setup for plain
  // terraform with its stand-in providers, ../shared/tools/tf-validate/README.md) instead of `tf-validate
  // --plan --show-plan`: the plan's own text shows the values, and the tool's four terraform runs (validate,
  // plan, show, show -json) each start the stand-in providers and load the whole aws schema (~16 s quiet).
  // The stand-in also gets only the schemas of the types this stack uses (TFPLUGIN_SCHEMA_DIRS, read by its
  // server.js): Terraform checks a configuration against the schemas of the types it uses, so the check is
  // the same; should the stand-in stop reading the variable, it serves the full schema and only gets slower.
  const toolDir = join(__dirname, "..", "..", "..", "shared", "tools", "tf-validate");
  const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
  const skip = terraform.status !== 0 ? "no terraform binary on PATH" : !existsSync(join(toolDir, "tf-env")) ? `no ${join(toolDir, "tf-env")}` : undefined;
  if (skip) console.warn(`Terraform plan check skipped: ${skip}`);

  /** The environment `eval "$(tf-env DIR)"` sets up. */
  function tfEnv(dir: string): Record<string, string> {
    const out = spawnSync(join(toolDir, "tf-env"), [dir], { encoding: "utf8", timeout: 30_000 });
    if (out.status !== 0) throw new Error(`tf-env failed: ${out.stderr}`);
    const line = out.stdout.trim().replace(/^export /, "");
    return Object.fromEntries(line.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  }

  /** A schema folder for the stand-ins with only the aws resource and data types that `stack` uses. */
  function schemasFor(stack: Json, dir: string): string {
    const from = join(toolDir, "schemas");
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(from)) {
      if (!name.startsWith("aws-")) {
        copyFileSync(join(from, name), join(dir, name));
        continue;
      }
      const doc = JSON.parse(readFileSync(join(from, name), "utf8"));
      const aws = doc.provider_schemas["registry.terraform.io/hashicorp/aws"];
      const only = (all: Record<string, unknown>, used: Record<string, unknown> = {}) =>
        Object.fromEntries(Object.keys(used).filter((type) => type in all).map((type) => [type, all[type]]));
      aws.resource_schemas = only(aws.resource_schemas, stack.resource);
      aws.data_source_schemas = only(aws.data_source_schemas, stack.data);
      writeFileSync(join(dir, name), JSON.stringify(doc));
    }
    return dir;
  }

  interface Ran {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
  }
  function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout: number }): Promise<Ran> {
    return new Promise((resolve) => {
      execFile(command, args, { ...options, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
      );
    });
  }

  /**
   * Synth, init and plan, started now, at collection time, without waiting: they run while the in-process
   * tests above do (the test below checks each step's result). Resolves early when a step failed.
   */
  async function synthAndPlan(): Promise<{ synth: Ran; init?: Ran; plan?: Ran }> {
    const dir = mkdtempSync(join(tmpdir(), "ha-site-injection-"));
    const config = {
      domain: "nosqlsearch.com",
      regions: [
        {
          region: "us-west-2",
          keyName: "swarm${var.ssh_private_key_us_west_2}",
          publicKey: `${PUBLIC_KEY} %{if true}x%{endif}`,
          templateParameters: { Extra: '${file("/etc/hostname")}', Escaped: "$${y}" },
        },
        { region: "us-east-2", keyName: "docker" },
      ],
      services: [{ name: "web", image: "tutum/hello-world", replicas: 1, ports: [{ published: 8080, target: 80 }] }],
    };
    writeFileSync(join(dir, "site.json"), JSON.stringify(config));
    const synth = await run(process.execPath, [join(__dirname, "..", "..", "scripts", "synth.mjs")], {
      cwd: dir,
      env: { ...process.env, HA_SITE_CONFIG: "site.json", CDKTF_OUTDIR: join(dir, "cdktf.out") },
      timeout: 120_000,
    });
    if (synth.status !== 0) return { synth };
    const stackDir = join(dir, "cdktf.out", "stacks", "swarm-us-west-2");
    const stack = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    const env = {
      ...process.env,
      ...tfEnv(join(dir, "tf")),
      TFPLUGIN_SCHEMA_DIRS: schemasFor(stack, join(dir, "schemas")),
      // The stack's required SSH key variable (never evaluated by a plan without provisioning).
      TF_VAR_ssh_private_key_us_west_2: "placeholder",
    };
    const tf = (...args: string[]) => run("terraform", [...args, "-no-color", "-input=false"], { cwd: stackDir, env, timeout: 240_000 });
    const init = await tf("init");
    if (init.status !== 0) return { synth, init };
    return { synth, init, plan: await tf("plan", "-lock=false") };
  }
  const planned = skip ? undefined : synthAndPlan();
  planned?.catch(() => undefined); // a setup error fails the test that awaits it, not the whole file

  (skip ? it.skip : it)(
    "terraform plan shows the key name, public key and template parameters verbatim",
    async () => {
      const { synth, init, plan } = await planned!;
      expect(synth.stderr).toBe("ha-site: config: site.json (nosqlsearch.com), from HA_SITE_CONFIG\n");
      expect(synth.status).toBe(0);
      expect([init?.status, init?.stderr]).toEqual([0, ""]);
      expect([plan?.status, plan?.stderr]).toEqual([0, ""]);
      expect(plan!.stdout).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/m);
      expect(plan!.stdout).toMatch(/\+ "KeyName"\s+= "swarm\$\{var\.ssh_private_key_us_west_2\}"/);
      expect(plan!.stdout).toMatch(/\+ key_name\s+= "swarm\$\{var\.ssh_private_key_us_west_2\}"/);
      expect(plan!.stdout).toMatch(/\+ public_key\s+= "ssh-ed25519 \S+ ops@example %\{if true\}x%\{endif\}"/);
      expect(plan!.stdout).toMatch(/\+ "Extra"\s+= "\$\{file\(\\"\/etc\/hostname\\"\)\}"/);
      expect(plan!.stdout).toMatch(/\+ "Escaped"\s+= "\$\$\{y\}"/);
    },
    300_000,
  );
});
