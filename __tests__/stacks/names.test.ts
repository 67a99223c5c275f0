// Derived names always fit AWS's limits: checked on the whole synthesized site at the longest domain a DNS
// name can have (253 characters), for both engines; ordinary domains keep the names they always had.
import { Testing } from "cdktf";
import { parseConfig } from "../../config/load";
import type { SiteConfigInput } from "../../config/schema";
import { buildSite } from "../../stacks/site";
import { cloudFormationStackName, primaryAlarmName } from "../../stacks/names";
import { seedWith, type Json } from "../helpers";

const LONG_DOMAIN = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
const NATIVE = { engine: "native" as const, sshCidrs: ["203.0.113.7/32"] };

function synth(input: SiteConfigInput): Json[] {
  const site = buildSite(Testing.app(), parseConfig(input, "test config"));
  return [...site.regions, site.dns].map((stack) => JSON.parse(Testing.synth(stack)));
}

/** Every value of `attribute` of resources of `type` in `stacks`. */
function values(stacks: Json[], type: string, attribute: string): string[] {
  return stacks.flatMap((s) => Object.values(s.resource?.[type] ?? {}).map((r) => (r as Json)[attribute])).filter((v) => v !== undefined);
}

/** Every tag value of every resource (tags maps, tag_specifications, Auto Scaling group tag blocks). */
function tagValues(stacks: Json[]): string[] {
  const out: string[] = [];
  for (const s of stacks) {
    for (const resources of Object.values(s.resource ?? {})) {
      for (const r of Object.values(resources as Json) as Json[]) {
        out.push(...Object.values((r.tags ?? {}) as Record<string, string>));
        for (const spec of r.tag_specifications ?? []) out.push(...Object.values((spec.tags ?? {}) as Record<string, string>));
        for (const tag of r.tag ?? []) out.push(tag.value);
      }
    }
  }
  return out;
}

const LIMITS: [string, string, number, RegExp | null][] = [
  ["aws_cloudformation_stack", "name", 128, /^[A-Za-z][A-Za-z0-9-]*$/],
  ["aws_sns_topic", "name", 256, /^[A-Za-z0-9_-]+$/],
  ["aws_cloudwatch_metric_alarm", "alarm_name", 255, null],
  ["aws_lb", "name", 32, /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/],
  ["aws_iam_role", "name", 64, /^[\w+=,.@-]+$/],
  ["aws_iam_instance_profile", "name", 128, /^[\w+=,.@-]+$/],
  ["aws_launch_template", "name", 128, /^[a-zA-Z0-9().\/_-]+$/],
  ["aws_autoscaling_group", "name", 255, null],
  ["aws_security_group", "name_prefix", 100, null],
  ["aws_route53_zone", "comment", 256, null],
  ["aws_route53_record", "name", 253, null],
  ["aws_ssm_parameter", "name", 2048, null],
];

describe.each([
  ["Docker for AWS", seedWith({ domain: LONG_DOMAIN })],
  ["native", seedWith({ domain: LONG_DOMAIN, engine: "native", regions: [{ region: "us-west-2", keyName: "swarm", ...NATIVE }, { region: "us-east-2", keyName: "docker", ...NATIVE }] })],
])("a site on a 253-character domain (%s)", (_engine, input) => {
  const stacks = synth(input);

  it.each(LIMITS)("%s.%s has at most %i characters", (type, attribute, max, re) => {
    const names = values(stacks, type, attribute);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(max);
      if (re) expect(name).toMatch(re);
    }
  });

  it("has names of each kind it creates (the limits above are checked on something)", () => {
    const kinds = LIMITS.filter(([type, attribute]) => values(stacks, type, attribute).length > 0).map(([type]) => type);
    expect(kinds).toEqual(expect.arrayContaining(["aws_sns_topic", "aws_cloudwatch_metric_alarm", "aws_route53_zone", "aws_route53_record"]));
    expect(kinds.some((k) => k === "aws_cloudformation_stack" || k === "aws_lb")).toBe(true);
  });

  it("keeps every tag value within 256 characters", () => {
    const tags = tagValues(stacks);
    expect(tags.length).toBeGreaterThan(0);
    for (const value of tags) expect(value.length).toBeLessThanOrEqual(256);
  });
});

describe("derived names", () => {
  const site = (domain: string) => parseConfig(seedWith({ domain }), "test config");

  it("stay as they were for ordinary domains", () => {
    const config = site("nosqlsearch.com");
    expect(cloudFormationStackName(config, config.regions[0])).toBe("nosqlsearch-com-swarm");
    expect(primaryAlarmName("nosqlsearch.com")).toBe("ha-site-nosqlsearch-com-primary-unhealthy");
    const [west, , dns] = synth(seedWith());
    expect(values([west], "aws_cloudformation_stack", "name")).toEqual(["nosqlsearch-com-swarm"]);
    expect(values([dns], "aws_route53_zone", "comment")).toEqual(["ha-site: failover records for nosqlsearch.com"]);
    expect(tagValues([dns])).toEqual(expect.arrayContaining(["nosqlsearch.com us-west-2", "nosqlsearch.com us-east-2"]));
  });

  it("start with a letter when the domain starts with a digit", () => {
    const config = site("1password-test.com");
    expect(cloudFormationStackName(config, config.regions[0])).toBe("ha-site-1password-test-com-swarm");
  });

  it("differ for long domains that share a long prefix", () => {
    const prefix = `${"x".repeat(63)}.${"x".repeat(63)}.${"x".repeat(63)}`;
    const a = site(`${prefix}.one.com`);
    const b = site(`${prefix}.two.com`);
    expect(cloudFormationStackName(a, a.regions[0])).not.toBe(cloudFormationStackName(b, b.regions[0]));
    expect(primaryAlarmName(a.domain)).not.toBe(primaryAlarmName(b.domain));
    expect(cloudFormationStackName(a, a.regions[0])).toMatch(/^[x-]+-[0-9a-f]{8}-swarm$/);
  });

  it("keep a configured stack name as it is", () => {
    const config = parseConfig(seedWith({ domain: "1password-test.com", regions: [{ region: "us-west-2", keyName: "k", stackName: "shop" }, { region: "us-east-2", keyName: "k" }] }), "test config");
    expect(cloudFormationStackName(config, config.regions[0])).toBe("shop");
  });
});
