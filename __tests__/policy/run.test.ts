// The runner: suppressions by construct path, <stack>/<address>, address and wildcard; what they leave.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { RULES, RULE_IDS } from "../../policy/rules";
import { covers, runPolicy, type Suppression } from "../../policy/run";
import type { Finding, Rule, SynthApp } from "../../policy/types";

const finding: Finding = { rule: "CKV_AWS_26", severity: "error", stack: "dns", address: "aws_sns_topic.PrimaryAlarm_Topic_3698533E", path: "dns/PrimaryAlarm/Topic", message: "m" };
const s = (resource: string, rule = "CKV_AWS_26"): Suppression => ({ rule, resource, reason: "because" });

describe("a suppression", () => {
  it.each([["dns/PrimaryAlarm/Topic"], ["dns/aws_sns_topic.PrimaryAlarm_Topic_3698533E"], ["aws_sns_topic.PrimaryAlarm_Topic_3698533E"], ["dns/*"], ["*/PrimaryAlarm/*"]])("%s covers the finding", (resource) => {
    expect(covers(s(resource), finding)).toBe(true);
  });
  it.each([["dns/PrimaryAlarm"], ["swarm-*/PrimaryAlarm/Topic"], ["aws_sns_topic.Other"], ["dns.PrimaryAlarm.Topic"]])("%s does not", (resource) => {
    expect(covers(s(resource), finding)).toBe(false);
  });
  it("of another rule does not", () => {
    expect(covers(s("dns/PrimaryAlarm/Topic", "CKV2_AWS_38"), finding)).toBe(false);
  });
});

const app: SynthApp = {
  stacks: [
    {
      name: "dns",
      dir: "stacks/dns",
      json: { terraform: { backend: { local: { path: "../../../t.tfstate" } } }, resource: { aws_sns_topic: { A: { "//": { metadata: { path: "dns/A" } } }, B: {} } } },
    },
  ],
};

describe("runPolicy", () => {
  it("keeps what no suppression covers, lists what was suppressed with its reason and which suppressions matched nothing", () => {
    const report = runPolicy(app, [s("dns/A"), s("dns/Gone")]);
    expect(report.findings.map((f) => f.address)).toEqual(["aws_sns_topic.B"]);
    expect(report.suppressed).toEqual([{ finding: expect.objectContaining({ address: "aws_sns_topic.A" }), reason: "because" }]);
    expect(report.unused).toEqual([s("dns/Gone")]);
    expect(report).toMatchObject({ rules: RULES.length, errors: 1, warnings: 0 });
  });

  it("turns a rule that throws into an error finding instead of a pass", () => {
    const bad: Rule = { id: "X", description: "d", severity: "warning", rationale: "r", check: () => { throw new Error("boom"); } };
    expect(runPolicy(app, [], [bad]).findings).toEqual([{ rule: "X", severity: "error", stack: "-", address: "-", message: "rule failed on this input: boom" }]);
  });
});

describe("the rule registry", () => {
  it("lists every file of policy/rules once, under the id the file is named after", () => {
    const files = readdirSync(join(__dirname, "..", "..", "policy", "rules")).filter((f) => f !== "index.ts").map((f) => f.replace(/\.ts$/, "")).sort();
    expect([...RULE_IDS].sort()).toEqual(files);
  });

  it("gives every rule a one-line description, a severity and a rationale", () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^(CKV2?_AWS_\d+|HA_[A-Z0-9_]+)$/);
      expect(rule.description).toMatch(/^[A-Z][^\n]{10,140}[^.]$/);
      expect(["error", "warning"]).toContain(rule.severity);
      expect(rule.rationale.length).toBeGreaterThan(40);
    }
  });
});
