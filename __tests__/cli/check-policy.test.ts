// `npm run check:policy`: the seed passes with only reasoned suppressions; errors fail; bad input exits 2.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPolicy } from "../../cli/check-policy";
import { SEED_CONFIG } from "../../config/seed";
import { removeSynthDirs, root, synthDir } from "../policy/fixtures";

let seedOut: string;
const dir = mkdtempSync(join(tmpdir(), "ha-site-check-policy-"));
const configFile = (name: string, config: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
};
const { policy: _seedPolicy, ...seedWithoutPolicy } = structuredClone(SEED_CONFIG);

beforeAll(() => {
  seedOut = synthDir(SEED_CONFIG);
}, 120_000);
afterAll(() => {
  removeSynthDirs();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("check:policy on the seed", () => {
  it("passes with only the seed's suppressions, each listed with its reason", () => {
    const result = checkPolicy([seedOut], {});
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Suppressed \(config policy\.suppress\):\nrule\s+resource\s+stack\s+reason\n/);
    expect(result.stdout).toMatch(/CKV2_AWS_38\s+dns\/Failover\/Zone\s+dns\s+DNSSEC signing needs a KMS key/);
    expect(result.stdout).toMatch(/\npolicy: PASS: 16 rules, 0 errors, 0 warnings, 3 suppressed\n$/);
    expect(SEED_CONFIG.policy?.suppress?.every((s) => s.reason.trim().length > 20)).toBe(true);
  });

  it("fails without them: a table of rule, resource address, stack and message, then the summary", () => {
    const result = checkPolicy([seedOut], { HA_SITE_CONFIG: configFile("bare.json", seedWithoutPolicy) });
    expect(result.status).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^rule\s+level\s+resource address\s+stack\s+message$/);
    expect(lines).toContainEqual(expect.stringMatching(/^CKV_AWS_26\s+error\s+aws_sns_topic\.PrimaryAlarm_Topic_[0-9A-F]{8}\s+dns\s+kms_master_key_id is not set/));
    expect(lines).toContainEqual(expect.stringMatching(/^CKV2_AWS_39\s+warning\s+aws_route53_zone\.Failover_Zone_[0-9A-F]{8}\s+dns\s+/));
    expect(result.stdout).toMatch(/\npolicy: FAIL: 16 rules, 2 errors, 1 warning, 0 suppressed\n/);
  });

  it("passes when only warnings are left", () => {
    const onlyErrors = { ...seedWithoutPolicy, policy: { suppress: SEED_CONFIG.policy!.suppress!.filter((s) => s.rule !== "CKV2_AWS_39") } };
    const result = checkPolicy([seedOut], { HA_SITE_CONFIG: configFile("warn.json", onlyErrors) });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/policy: PASS: 16 rules, 0 errors, 1 warning, 2 suppressed/);
  });

  it("says which suppressions matched nothing", () => {
    const stale = { ...structuredClone(SEED_CONFIG), policy: { suppress: [...SEED_CONFIG.policy!.suppress!, { rule: "CKV_AWS_24", resource: "swarm-*/Swarm/Security/*", reason: "old" }] } };
    const result = checkPolicy([seedOut], { HA_SITE_CONFIG: configFile("stale.json", stale) });
    expect(result.stdout).toContain('note: suppression CKV_AWS_24 for "swarm-*/Swarm/Security/*" matched nothing');
  });

  it("--json for machines, --markdown for the PR comment", () => {
    const json = JSON.parse(checkPolicy([seedOut, "--json"], {}).stdout);
    expect(json).toMatchObject({ pass: true, errors: 0, findings: [], unused: [] });
    expect(json.suppressed.map((s: { finding: { rule: string; path: string } }) => [s.finding.rule, s.finding.path])).toEqual([
      ["CKV_AWS_26", "dns/PrimaryAlarm/Topic"],
      ["CKV2_AWS_38", "dns/Failover/Zone"],
      ["CKV2_AWS_39", "dns/Failover/Zone"],
    ]);
    const md = checkPolicy([seedOut, "--markdown"], { HA_SITE_CONFIG: configFile("bare.json", seedWithoutPolicy) }).stdout;
    expect(md).toMatch(/^\*\*policy: FAIL: 16 rules, 2 errors, 1 warning, 0 suppressed\*\*\n\n\| rule \| level \| resource address \| stack \| message \|\n\| --- \|/);
  });
});

/** Every file under `dir`, by relative path. */
function files(top: string, sub = ""): Record<string, string> {
  return Object.assign(
    {},
    ...readdirSync(join(top, sub)).sort().map((name) => {
      const rel = join(sub, name);
      return statSync(join(top, rel)).isDirectory() ? files(top, rel) : { [rel]: readFileSync(join(top, rel), "utf8") };
    }),
  );
}

it("the config's policy field changes nothing in the synthesized Terraform", () => {
  const bare = files(synthDir(seedWithoutPolicy));
  expect(Object.keys(bare)).toContain("stacks/dns/cdk.tf.json");
  expect(files(seedOut)).toEqual(bare);
}, 120_000);

describe("bad input: one line on stderr, exit 2", () => {
  it.each([
    [["--jsn"], {}, 'ha-site: check:policy: unknown option "--jsn"; expected --json, --markdown, --help or a directory\n'],
    [["a", "b"], {}, 'ha-site: check:policy: unexpected argument "b"; expected one directory (already got "a")\n'],
    [[join(dir, "nope")], {}, `ha-site: check:policy: ${join(dir, "nope")}: no such directory; expected a synthesized output directory (run npm run synth first)\n`],
  ])("%j", (argv, env, stderr) => {
    expect(checkPolicy(argv as string[], env)).toEqual({ status: 2, stdout: "", stderr });
  });

  it("HCL output or a broken cdk.tf.json", () => {
    const hcl = join(dir, "hcl-out");
    fs.mkdirSync(join(hcl, "stacks", "dns"), { recursive: true });
    fs.writeFileSync(join(hcl, "stacks", "dns", "cdk.tf"), 'resource "x" "y" {}\n');
    expect(checkPolicy([hcl], {})).toEqual({ status: 2, stdout: "", stderr: `ha-site: check:policy: ${join(hcl, "stacks", "dns")}: HCL output (cdk.tf); the policy gate reads JSON: run npm run synth (not synth:hcl)\n` });
    const bad = join(dir, "bad-out");
    fs.mkdirSync(join(bad, "stacks", "dns"), { recursive: true });
    fs.writeFileSync(join(bad, "stacks", "dns", "cdk.tf.json"), "{ nope");
    expect(checkPolicy([bad], {})).toMatchObject({ status: 2, stderr: expect.stringMatching(/^ha-site: check:policy: .*cdk\.tf\.json: not valid JSON \(.*\)\n$/) });
  });

  it("a suppression without a reason is a config error", () => {
    const file = configFile("noreason.json", { ...seedWithoutPolicy, policy: { suppress: [{ rule: "CKV_AWS_26", resource: "dns/PrimaryAlarm/Topic" }] } });
    expect(checkPolicy([seedOut], { HA_SITE_CONFIG: file })).toEqual({
      status: 2,
      stdout: "",
      stderr: `ha-site: check:policy: ${file}: policy.suppress[0].reason: missing; expected a non-empty reason: why the site accepts this finding\n`,
    });
  });

  it("runs through npm's entry point (tsx) with the same exit status", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "check-policy.ts"), seedOut], { cwd: root, env: { ...process.env, HA_SITE_CONFIG: "" }, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/policy: PASS/);
  }, 60_000);
});
