// No config value is ever evaluated by Terraform. Every string field of the schema (read from the schema
// itself: a new field is walked the day it is added) gets `${...}` and `%{...}` values; each must either be
// rejected with a config error naming that field, or reach the synthesized Terraform JSON as a literal:
// escaped ($${, %%{) wherever Terraform evaluates templates, verbatim where it does not (variable
// descriptions, output descriptions, the terraform block). The last test asks Terraform itself.
import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { ConfigError, parseConfig } from "../../config/load";
import { configSchema, type SiteConfigInput } from "../../config/schema";
import { buildSite } from "../../stacks/site";
import { instantiate, stringFields, withString, type ConcretePath } from "../config/schema-fields";
import type { Json } from "../helpers";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";

/** Configs that set every string field of the schema (the coverage test below fails when one is missing). */
const FULL_S3: SiteConfigInput = {
  domain: "nosqlsearch.com",
  engine: "docker-for-aws",
  recordName: "www",
  hostedZone: { zoneId: "Z0123456789ABCDEFGHIJ" },
  regions: [
    {
      region: "us-west-2",
      engine: "docker-for-aws",
      stackName: "site-west",
      keyName: "swarm",
      publicKey: PUBLIC_KEY,
      managerInstanceType: "t2.micro",
      workerInstanceType: "t2.small",
      managerDiskType: "gp2",
      workerDiskType: "gp2",
      templateUrl: "https://s3.amazonaws.com/my-bucket/Docker.tmpl",
      templateParameters: { Extra: "value" },
    },
    {
      region: "us-east-2",
      engine: "native",
      stackName: "site-east",
      keyName: "docker",
      publicKey: PUBLIC_KEY,
      managerInstanceType: "t3.micro",
      workerInstanceType: "t3.small",
      amiParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      vpc: "10.20.0.0/16",
      sshCidrs: ["203.0.113.7/32"],
      loadBalancer: "nlb",
    },
  ],
  services: [{ name: "web", image: "tutum/hello-world", replicas: 2, ports: [{ published: 8080, target: 80, protocol: "tcp" }], env: { GREETING: "hello" } }],
  healthCheck: { type: "HTTP", resourcePath: "/health", searchString: "Hello", regions: ["us-east-1", "us-west-1", "us-west-2"] },
  alarm: { email: "ops@example.com", topicArn: "arn:aws:sns:us-east-1:123456789012:ops" },
  backend: { type: "s3", bucket: "my-state-bucket", region: "us-east-1", keyPrefix: "ha-site/" },
  provisioning: { connectTimeout: "5m", method: "ssh" },
  routing: { policy: "failover" },
  policy: { suppress: [{ rule: "CKV_AWS_260", resource: "swarm-*/Swarm/Security/Published-80-tcp", reason: "a public website serves :80" }] },
};
const FULL_CLOUD: SiteConfigInput = {
  ...FULL_S3,
  backend: { type: "cloud", organization: "my-org", workspacePrefix: "ha-", hostname: "app.terraform.io", project: "Sites" },
};
/** All native, so that `tls` is allowed. */
const FULL_TLS: SiteConfigInput = {
  ...FULL_S3,
  engine: "native",
  regions: FULL_S3.regions.map((r, i) => (i === 0 ? { region: r.region, engine: "native", keyName: "swarm", sshCidrs: ["203.0.113.7/32"] } : r)),
  healthCheck: { ...FULL_S3.healthCheck, type: "HTTPS" },
  tls: { port: 443, securityPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
};
const BASES = [FULL_S3, FULL_CLOUD, FULL_TLS];

/** Values that Terraform would evaluate, and one that is already escaped-looking (must arrive unchanged). */
const PAYLOADS = ["${var.inject}", "%{if true}inject%{endif}", "$${inject}", '${file("/etc/hostname")}inject', "${TfToken[TOKEN.1]}"];
const SUSPICIOUS = /inject|TfToken|file\(/;

const FIELDS = stringFields(configSchema);

/** `path` as the config error names it (config/load.ts). */
function fieldText(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${text}[${JSON.stringify(key)}]`;
    return text ? `${text}.${key}` : key;
  }, "");
}

/** A Terraform template string read as Terraform reads it: its literal text, and the `${...}`/`%{...}` it evaluates. */
function readTemplate(s: string): { literal: string; evaluated: string[] } {
  let literal = "";
  const evaluated: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
      literal += s[i] + "{";
      i += 3;
    } else if (s.startsWith("${", i) || s.startsWith("%{", i)) {
      let depth = 0;
      let j = i + 1;
      let quoted = false;
      for (; j < s.length; j++) {
        const c = s[j];
        if (quoted) {
          if (c === "\\") j++;
          else if (c === '"') quoted = false;
        } else if (c === '"') quoted = true;
        else if (c === "{") depth++;
        else if (c === "}" && --depth === 0) break;
      }
      evaluated.push(s.slice(i, j + 1));
      literal += "\u0000";
      i = j + 1;
    } else {
      literal += s[i++];
    }
  }
  return { literal, evaluated };
}

/** Arguments Terraform takes literally (never a template): https://developer.hashicorp.com/terraform/language/syntax/json */
function isLiteralContext(path: readonly string[]): boolean {
  if (path[0] === "terraform") return true;
  if (path[0] === "variable" && (path[2] === "description" || path[2] === "default")) return true;
  return path[0] === "output" && path[2] === "description";
}

interface Found {
  /** Literal texts of every string (as Terraform will see them). */
  readonly literals: string[];
  /** Evaluated template parts that hold config text: must stay empty. */
  readonly evaluated: string[];
}

function scan(json: Json, path: string[] = [], found: Found = { literals: [], evaluated: [] }): Found {
  if (typeof json === "string") {
    if (isLiteralContext(path)) {
      found.literals.push(json);
    } else {
      const t = readTemplate(json);
      found.literals.push(t.literal);
      for (const e of t.evaluated) if (SUSPICIOUS.test(e)) found.evaluated.push(`${path.join(".")}: ${e}`);
    }
  } else if (Array.isArray(json)) {
    json.forEach((item, i) => scan(item, [...path, String(i)], found));
  } else if (json !== null && typeof json === "object") {
    for (const [key, value] of Object.entries(json)) {
      if (key === "//") continue; // cdktf's metadata: a comment to Terraform
      if (SUSPICIOUS.test(key) && !isLiteralContext(path)) found.evaluated.push(`${[...path, key].join(".")} (a key)`);
      scan(value, [...path, key], found);
    }
  }
  return found;
}

function synthAll(input: unknown): Found {
  const site = buildSite(Testing.app(), parseConfig(input, "test config"));
  const found: Found = { literals: [], evaluated: [] };
  for (const stack of [...site.regions, site.dns]) scan(JSON.parse(Testing.synth(stack)), [], found);
  return found;
}

/** Every concrete place of every string field in the full configs. */
const PLACES: { base: SiteConfigInput; path: ConcretePath }[] = FIELDS.flatMap((abstract) =>
  BASES.flatMap((base) => instantiate(abstract, base).map((path) => ({ base, path }))),
).filter((p, i, all) => all.findIndex((q) => fieldText(q.path.steps) === fieldText(p.path.steps) && q.path.recordKey === p.path.recordKey) === i);

describe("the schema walk", () => {
  it("finds the string fields of the schema, including record keys and values", () => {
    const names = FIELDS.map((f) => f.join("."));
    expect(names).toEqual(expect.arrayContaining(["regions.*.keyName", "regions.*.templateParameters.{value}", "services.*.env.{key}", "alarm.email", "backend.organization"]));
    expect(names.length).toBeGreaterThanOrEqual(40);
  });

  it.each(FIELDS.map((f) => [f.join(".")]))("the full configs set %s", (name) => {
    const abstract = FIELDS.find((f) => f.join(".") === name)!;
    expect(BASES.flatMap((b) => instantiate(abstract, b)).length).toBeGreaterThan(0);
  });

  it("the full configs are valid and synthesize", () => {
    for (const base of BASES) expect(synthAll(base).evaluated).toEqual([]);
  });
});

describe("a template in any string field is a literal or a config error naming the field", () => {
  // Every place gets every payload, alone and after its original value. Each case first goes through the
  // schema alone: a rejection must name the field. The accepted cases are then synthesized together, one
  // config per base, payload and form with every accepted place set at once, each with its own marker
  // ("inject<N>"), so that one synth shows for each place that its value arrived as a literal and that
  // nothing is evaluated (20 synths instead of one per case).
  interface Case {
    readonly name: string;
    readonly group: string;
    readonly base: SiteConfigInput;
    readonly path: ConcretePath;
    readonly value: string;
  }
  const cases: Case[] = PLACES.flatMap(({ base, path }, place) =>
    PAYLOADS.flatMap((payload, p) => {
      const original = path.recordKey ? String(path.steps[path.steps.length - 1]) : (path.steps.reduce<Json>((node, step) => node[step], base) as string);
      const marked = payload.replace("inject", `inject${place}`);
      return [marked, `${original}${marked}`].map((value, form) => ({
        name: `${path.recordKey ? "key " : ""}${fieldText(path.steps)} = ${value}`,
        group: `${BASES.indexOf(base)}/${p}/${form}`,
        base,
        path,
        value,
      }));
    }),
  );

  const rejection = (input: unknown): unknown => {
    try {
      parseConfig(input, "test config");
      return undefined;
    } catch (e) {
      return e;
    }
  };
  /** Each case's verdict, computed once: the schema test below and its group's synth test both need it. */
  const verdicts = new Map<Case, unknown>();
  const caseRejection = (c: Case): unknown => {
    if (!verdicts.has(c)) verdicts.set(c, rejection(withString(c.base, c.path, c.value)));
    return verdicts.get(c);
  };

  it.each(cases.map((c) => [c.name, c] as const))("%s: the schema accepts it or names the field", (_name, c) => {
    const error = caseRejection(c);
    if (error === undefined) return; // checked in the synth below
    expect(error).toBeInstanceOf(ConfigError);
    const field = fieldText(c.path.recordKey ? [...c.path.steps.slice(0, -1), c.value] : c.path.steps);
    expect((error as Error).message.split("\n")[0]).toMatch(new RegExp(`^test config: ${field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  });

  const groups = [...new Set(cases.map((c) => c.group))];
  it.each(groups)("accepted values of group %s (base/payload/form) reach the Terraform as literals", (group) => {
    const accepted = cases.filter((c) => c.group === group && caseRejection(c) === undefined);
    if (accepted.length === 0) return;
    // Values first, record keys last: renaming a key moves the values a later path would name.
    const ordered = [...accepted.filter((c) => !c.path.recordKey), ...accepted.filter((c) => c.path.recordKey)];
    const input = ordered.reduce<unknown>((config, c) => withString(config as SiteConfigInput, c.path, c.value), accepted[0].base);
    const checks: { found: Found; cases: Case[] }[] =
      rejection(input) === undefined
        ? [{ found: synthAll(input), cases: accepted }] // together
        : accepted.map((c) => ({ found: synthAll(withString(c.base, c.path, c.value)), cases: [c] })); // rules across fields: one by one
    for (const { found, cases: checked } of checks) {
      expect(found.evaluated).toEqual([]);
      for (const c of checked) {
        // `policy` is read by the policy gate only: it never reaches the Terraform (config/schema.ts).
        const rendered = c.path.steps[0] !== "policy";
        expect([c.name, found.literals.some((text) => text.includes(c.value))]).toEqual([c.name, rendered]);
      }
    }
  });
});

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
