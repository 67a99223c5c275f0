// diffApps on hand-made synthesized apps: pairing, moved/import coverage, cross-stack moves, stack renames.
import { diffApps, STATEFUL_TYPES } from "../../policy/diff";
import { diffMarkdown, diffText } from "../../policy/format";
import type { Json, SynthApp } from "../../policy/types";

const app = (stacks: Record<string, Json>): SynthApp => ({ stacks: Object.entries(stacks).map(([name, json]) => ({ name, dir: `stacks/${name}`, json })) });
const res = (path: string) => ({ "//": { metadata: { path } } });

const base = app({
  dns: { resource: { aws_route53_zone: { Failover_Zone_1: res("dns/Failover/Zone") }, aws_route53_record: { Failover_Primary_1: res("dns/Failover/Primary"), Failover_Secondary_1: res("dns/Failover/Secondary") }, aws_sns_topic: { Topic_1: res("dns/Topic") } } },
  "swarm-a": { resource: { aws_ssm_parameter: { Lock_1: res("swarm-a/Lock") } } },
});

describe("diffApps", () => {
  it("finds nothing when nothing moved", () => {
    expect(diffApps(base, base)).toEqual({ moves: [], stackRenames: [], failures: 0 });
  });

  it("pairs a vanished record with the most similar new one of its type, and fails for stateful types only", () => {
    const head = app({
      dns: { resource: { aws_route53_zone: { Failover_Zone_1: res("dns/Failover/Zone") }, aws_route53_record: { Failover_Primary_1: res("dns/Failover/Primary"), Failover_SecondaryRecord_2: res("dns/Failover/SecondaryRecord"), Other_3: res("dns/Other") }, aws_sns_topic: { Alarm_Topic_2: res("dns/Alarm/Topic") } } },
      "swarm-a": base.stacks[1].json,
    });
    const report = diffApps(base, head);
    expect(report.moves.map((m) => [m.type, m.from.address, m.to.address, m.stateful, m.status])).toEqual([
      ["aws_route53_record", "aws_route53_record.Failover_Secondary_1", "aws_route53_record.Failover_SecondaryRecord_2", true, "unresolved"],
      ["aws_sns_topic", "aws_sns_topic.Topic_1", "aws_sns_topic.Alarm_Topic_2", false, "unresolved"],
    ]);
    expect(report.failures).toBe(1);
    const text = diffText(report);
    expect(text).toContain("moved {\n  from = aws_route53_record.Failover_Secondary_1\n  to   = aws_route53_record.Failover_SecondaryRecord_2\n}");
    expect(text).toContain('\n# cdktf: call .moveFromId("aws_route53_record.Failover_Secondary_1") on the new construct dns/Failover/SecondaryRecord\n');
    expect(text).toMatch(/not stateful: re-creating it is safe/);
    expect(text.trimEnd().split("\n").pop()).toBe("check:diff: FAIL: 2 renamed resources, 0 covered by moved/import, 1 stateful without");
    expect(diffMarkdown(report)).toContain("```hcl\nmoved {");
  });

  it("is satisfied by a moved block (also one naming an instance) or an import", () => {
    const rename = (extra: Json) =>
      app({
        dns: { ...extra, resource: { ...base.stacks[0].json.resource, aws_route53_zone: { Zone_2: res("dns/Zone") } } },
        "swarm-a": base.stacks[1].json,
      });
    expect(diffApps(base, rename({ moved: [{ from: "aws_route53_zone.Failover_Zone_1", to: "aws_route53_zone.Zone_2" }] })).moves[0]).toMatchObject({ status: "moved" });
    expect(diffApps(base, rename({ moved: [{ from: "aws_route53_zone.Failover_Zone_1[0]", to: "aws_route53_zone.Zone_2[0]" }] })).failures).toBe(0);
    expect(diffApps(base, rename({ import: [{ to: "aws_route53_zone.Zone_2", id: "Z123" }] })).moves[0]).toMatchObject({ status: "imported" });
    expect(diffApps(base, rename({ moved: [{ from: "aws_route53_zone.Something_else", to: "aws_route53_zone.Zone_2" }] })).failures).toBe(1);
  });

  it("says a move between stacks needs state mv or an import, and notices a renamed stack", () => {
    const head = app({ dns: base.stacks[0].json, "swarm-b": { resource: { aws_ssm_parameter: { Lock_9: res("swarm-b/Lock") } } } });
    const report = diffApps(base, head);
    expect(report.moves).toEqual([expect.objectContaining({ crossStack: true, status: "unresolved", from: expect.objectContaining({ stack: "swarm-a" }), to: expect.objectContaining({ stack: "swarm-b" }) })]);
    expect(report.moves[0].advice).toMatch(/^# cross-stack move \(swarm-a -> swarm-b\): a moved block works only inside one state/);
    expect(report.moves[0].advice).toContain("#   terraform state mv -state=<swarm-a state> -state-out=<swarm-b state> aws_ssm_parameter.Lock_1 aws_ssm_parameter.Lock_9");
    expect(report.moves[0].advice).toContain('import {\n  to = aws_ssm_parameter.Lock_9\n  id = "<the aws_ssm_parameter id from the swarm-a state>"\n}');
    expect(report.stackRenames).toEqual([{ from: "swarm-a", to: "swarm-b" }]);
    expect(diffText(report)).toContain("note: stack swarm-a is gone and swarm-b is new: if it was renamed, move its whole state");
  });

  it("ignores plain removals and additions (the plan shows them)", () => {
    const head = app({ dns: { resource: { aws_route53_zone: base.stacks[0].json.resource.aws_route53_zone } }, "swarm-a": { resource: { aws_lb: { Lb_1: res("swarm-a/Lb") } } } });
    expect(diffApps(base, head).moves).toEqual([]);
  });

  it("treats the issue's stateful types as stateful", () => {
    for (const t of ["aws_route53_zone", "aws_route53_record", "aws_route53_health_check", "aws_key_pair", "aws_cloudformation_stack", "aws_autoscaling_group", "aws_lb", "aws_ssm_parameter"]) {
      expect(STATEFUL_TYPES).toContain(t);
    }
  });
});
