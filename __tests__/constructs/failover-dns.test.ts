import { Testing } from "cdktf";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { FailoverDns, type FailoverDnsProps } from "../../constructs/failover-dns";
import { addressAt, resourceAt, type Json } from "../helpers";

const primary = { setIdentifier: "us-west-2", dnsName: "west-elb.example", zoneId: "Z1H1FL5HABSF5" };
const secondary = { setIdentifier: "us-east-2", dnsName: "east-elb.example", zoneId: "Z3AADJGX6KTTL2" };

function synthDns(props: Partial<FailoverDnsProps> = {}): { text: string; json: Json } {
  const text = Testing.synthScope((scope) => {
    new FailoverDns(scope, "Failover", { domain: "nosqlsearch.com", primary, secondary, ...props });
  });
  return { text, json: JSON.parse(text) };
}

describe("FailoverDns", () => {
  it("creates a public zone and PRIMARY/SECONDARY alias records with Evaluate Target Health and no TTL", () => {
    const { text, json } = synthDns();
    expect(text).toHaveResourceWithProperties(Route53Zone, { name: "nosqlsearch.com", force_destroy: false });
    const zoneRef = `\${aws_route53_zone.${addressAt(json, "aws_route53_zone", "Failover/Zone")}.zone_id}`;
    const p = resourceAt(json, "aws_route53_record", "Failover/Primary");
    const s = resourceAt(json, "aws_route53_record", "Failover/Secondary");
    expect(p).toMatchObject({
      zone_id: zoneRef,
      name: "nosqlsearch.com",
      type: "A",
      set_identifier: "us-west-2",
      failover_routing_policy: { type: "PRIMARY" },
      alias: { name: "west-elb.example", zone_id: "Z1H1FL5HABSF5", evaluate_target_health: true },
    });
    expect(s).toMatchObject({
      zone_id: zoneRef,
      set_identifier: "us-east-2",
      failover_routing_policy: { type: "SECONDARY" },
      alias: { name: "east-elb.example", zone_id: "Z3AADJGX6KTTL2", evaluate_target_health: true },
    });
    for (const record of [p, s]) {
      expect(record.ttl).toBeUndefined();
      expect(record.records).toBeUndefined();
      expect(record.health_check_id).toBeUndefined();
    }
  });

  it("uses an existing zone without creating one", () => {
    const { text, json } = synthDns({ zoneId: "Z0123456789ABCDEFGHIJ" });
    expect(text).not.toHaveResource(Route53Zone);
    expect(text).toHaveDataSourceWithProperties(DataAwsRoute53Zone, { zone_id: "Z0123456789ABCDEFGHIJ" });
    const [zone] = Object.keys(json.data.aws_route53_zone);
    for (const role of ["Primary", "Secondary"]) {
      expect(resourceAt(json, "aws_route53_record", `Failover/${role}`).zone_id).toBe(`\${data.aws_route53_zone.${zone}.zone_id}`);
    }
  });

  it("puts the records at recordName inside the zone and attaches health checks", () => {
    const { text } = synthDns({
      recordName: "www",
      forceDestroy: true,
      primary: { ...primary, healthCheckId: "hc-1" },
      secondary: { ...secondary, healthCheckId: "hc-2" },
    });
    expect(text).toHaveResourceWithProperties(Route53Zone, { name: "nosqlsearch.com", force_destroy: true });
    expect(text).toHaveResourceWithProperties(Route53Record, { name: "www.nosqlsearch.com", set_identifier: "us-west-2", health_check_id: "hc-1" });
    expect(text).toHaveResourceWithProperties(Route53Record, { name: "www.nosqlsearch.com", set_identifier: "us-east-2", health_check_id: "hc-2" });
  });

  it("refuses two records with the same set identifier", () => {
    expect(() => synthDns({ secondary: { ...secondary, setIdentifier: "us-west-2" } })).toThrow(
      'secondary.setIdentifier: got "us-west-2"; expected a value different from primary.setIdentifier',
    );
  });
});
