// The config's `policy` field: suppressions need a known rule, a resource and a reason; it never reaches Terraform.
import { parseConfig } from "../../config/load";
import { SEED_CONFIG } from "../../config/seed";
import { RULE_IDS } from "../../policy/rules";
import { seedWith } from "../helpers";

const withSuppress = (suppress: unknown) => seedWith({ policy: { suppress } as never });
const parse = (suppress: unknown) => () => parseConfig(withSuppress(suppress), "site.json");

describe("policy.suppress", () => {
  it("defaults to none", () => {
    const { policy: _, ...bare } = structuredClone(SEED_CONFIG);
    expect(parseConfig(bare).policy).toEqual({ suppress: [] });
  });

  it("keeps the seed's reasoned suppressions", () => {
    expect(parseConfig(SEED_CONFIG).policy.suppress.map((s) => s.rule)).toEqual(["CKV2_AWS_38", "CKV2_AWS_39", "CKV_AWS_26"]);
  });

  it.each([
    [[{ rule: "CKV_AWS_26", resource: "dns/PrimaryAlarm/Topic" }], /^site\.json: policy\.suppress\[0\]\.reason: missing; expected a non-empty reason/],
    [[{ rule: "CKV_AWS_26", resource: "dns/PrimaryAlarm/Topic", reason: "  " }], /^site\.json: policy\.suppress\[0\]\.reason: got " {2}"; expected a non-empty reason/],
    [[{ rule: "CKV_AWS_999", resource: "x", reason: "r" }], new RegExp(`^site\\.json: policy\\.suppress\\[0\\]\\.rule: got "CKV_AWS_999"; expected one of ${JSON.stringify(RULE_IDS[0])}, `)],
    [[{ rule: "CKV_AWS_26", resource: "", reason: "r" }], /^site\.json: policy\.suppress\[0\]\.resource: got ""; expected a construct path like "dns\/Failover\/Zone"/],
    [[{ rule: "CKV_AWS_26", resource: "x", reason: "r", until: "2027" }], /^site\.json: policy\.suppress\[0\]\.until: unknown field \(allowed: rule, resource, reason\)/],
    [{ rule: "CKV_AWS_26" }, /^site\.json: policy\.suppress: got .*; expected a list of \{ rule, resource, reason \}/],
  ])("rejects %j", (suppress, message) => {
    expect(parse(suppress)).toThrow(message);
  });
});
