// docs/iam.md names every resource and data source type the stacks can create, for every engine and option.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SiteConfigInput } from "../../config/schema";
import { buildTestSite, seedWith, synthJson, type Json } from "../helpers";

const doc = readFileSync(join(__dirname, "..", "..", "docs", "iam.md"), "utf8");
const seed = seedWith();
const native = (extra: Json = {}) => seed.regions.map((r: Json) => ({ ...r, engine: "native", sshCidrs: ["203.0.113.0/24"], ...extra }));
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

/** Configs that together reach every resource type: both engines, new/existing zone and VPC, NLB/ALB, options. */
const VARIANTS: [string, Partial<SiteConfigInput>][] = [
  ["the built-in config", {}],
  ["Docker for AWS with publicKey and alarm e-mail", { regions: seed.regions.map((r: Json) => ({ ...r, publicKey: KEY })), alarm: { email: "ops@example.com" } }],
  ["an existing zone and topic", { hostedZone: { zoneId: "Z0123456789ABCDEFGHIJ" }, alarm: { topicArn: "arn:aws:sns:us-east-1:123456789012:ops" } }],
  ["native, new VPC, NLB", { regions: native() }],
  ["native, default VPC, ALB, publicKey", { regions: native({ vpc: "default", loadBalancer: "alb", publicKey: KEY }) }],
];

function typesOf(overrides: Partial<SiteConfigInput>): string[] {
  const site = buildTestSite(seedWith(overrides));
  return [...site.regions, site.dns].flatMap((stack) => {
    const json = synthJson(stack);
    return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})];
  });
}

describe("docs/iam.md", () => {
  const all = [...new Set(VARIANTS.flatMap(([, overrides]) => typesOf(overrides)))].sort();

  it("the variants reach both engines' resources", () => {
    expect(all).toEqual(expect.arrayContaining(["aws_cloudformation_stack", "aws_autoscaling_group", "aws_lb", "aws_route53_health_check", "aws_key_pair", "aws_sns_topic_subscription"]));
  });

  it.each(all)("names %s", (type) => {
    expect(doc).toContain(`\`${type}\``);
  });
});
