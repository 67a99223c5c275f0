// No config value is ever evaluated by Terraform. Every string field of the schema (read from the schema
// itself: a new field is walked the day it is added) gets `${...}` and `%{...}` values; each must either be
// rejected with a config error naming that field, or reach the synthesized Terraform JSON as a literal:
// escaped ($${, %%{) wherever Terraform evaluates templates, verbatim where it does not (variable
// descriptions, output descriptions, the terraform block). Terraform itself reads a synthesized stack's
// values in injection.e2e.test.ts (a real synth, terraform init and plan).
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
