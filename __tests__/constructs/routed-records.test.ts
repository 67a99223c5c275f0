// FailoverDns with the records of the other layouts, the accelerator and the all-regions alarm, as constructs.
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AllRegionsAlarm } from "../../constructs/all-regions-alarm";
import { FailoverDns, type RoutedRecord } from "../../constructs/failover-dns";
import { SiteAccelerator, type SiteAcceleratorProps } from "../../constructs/site-accelerator";
import { type Json } from "../helpers";

const lb = (n: number) => ({ dnsName: `lb-${n}.example`, zoneId: "Z1H1FL5HABSF5" });

function dnsWith(records: RoutedRecord[]): Json {
  return JSON.parse(Testing.synthScope((scope) => void new FailoverDns(scope, "Failover", { domain: "example.org", recordName: "www", records })));
}

describe("FailoverDns records", () => {
  it("writes latency, weighted and simple records with their routing blocks and no TTL", () => {
    const json = dnsWith([
      { id: "Latency-a", setIdentifier: "a", routing: { latencyRegion: "us-west-2" }, alias: lb(1), healthCheckId: "hc-1" },
      { id: "Weighted-b", prefix: "canary", setIdentifier: "b", routing: { weight: 0 }, alias: lb(2) },
      { id: "Simple", prefix: "standby", alias: { recordPrefix: "canary" }, evaluateTargetHealth: false },
    ]);
    const records: Json[] = Object.values(json.resource.aws_route53_record);
    // Synthesized in logical-id order.
    expect(records).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: "www.example.org", set_identifier: "a", latency_routing_policy: { region: "us-west-2" }, health_check_id: "hc-1" }),
      expect.objectContaining({ name: "canary.www.example.org", set_identifier: "b", weighted_routing_policy: { weight: 0 } }),
      expect.objectContaining({ name: "standby.www.example.org", alias: expect.objectContaining({ name: "canary.www.example.org", evaluate_target_health: false }) }),
    ]));
    expect(records).toHaveLength(3);
    expect(records.find((r) => r.name === "standby.www.example.org").alias.zone_id).toMatch(/^\$\{aws_route53_zone\./);
    for (const r of records) expect(r.ttl).toBeUndefined();
  });

  it.each<[string, RoutedRecord[], string]>([
    ["mixed policies for one name", [{ id: "A", setIdentifier: "a", routing: { latencyRegion: "us-west-2" }, alias: lb(1) }, { id: "B", setIdentifier: "b", routing: { weight: 1 }, alias: lb(2) }], "records of the site name: got routing latencyRegion and weight; expected one routing policy per name"],
    ["a set identifier twice", [{ id: "A", setIdentifier: "a", routing: { weight: 1 }, alias: lb(1) }, { id: "B", setIdentifier: "a", routing: { weight: 2 }, alias: lb(2) }], 'records.B.setIdentifier: got "a"; expected a value not already used'],
    ["a routed record without set identifier", [{ id: "A", routing: { weight: 1 }, alias: lb(1) }], "records.A.setIdentifier: missing"],
    ["a weight out of range", [{ id: "A", setIdentifier: "a", routing: { weight: 256 }, alias: lb(1) }], "records.A.routing.weight: got 256; expected an integer from 0 to 255"],
    ["two simple records", [{ id: "A", alias: lb(1) }, { id: "B", alias: lb(2) }], "records of the site name: got 2 simple records; expected one"],
  ])("refuses %s", (_name, records, message) => {
    expect(() => dnsWith(records)).toThrow(message);
  });
});

function accelerator(props: Partial<SiteAcceleratorProps> = {}): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const provider = new AwsProvider(scope, "aws", { region: "us-west-2" });
      new SiteAccelerator(scope, "Accelerator", {
        name: "site",
        provider,
        ports: [{ port: 53, protocol: "UDP" }],
        endpoints: [{ region: "eu-west-1", loadBalancerArn: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/x/1", trafficDialPercentage: 0 }],
        healthCheck: { port: 8080, protocol: "TCP" },
        ...props,
      });
    }),
  );
}

describe("SiteAccelerator", () => {
  it("makes a UDP listener for a udp port and a TCP health check without a path; a traffic dial of 0 drains", () => {
    const json = accelerator();
    expect(Object.values<Json>(json.resource.aws_globalaccelerator_listener)[0]).toMatchObject({ protocol: "UDP", port_range: [{ from_port: 53, to_port: 53 }] });
    const group = Object.values<Json>(json.resource.aws_globalaccelerator_endpoint_group)[0];
    expect(group).toMatchObject({ traffic_dial_percentage: 0, health_check_protocol: "TCP", health_check_port: 8080, endpoint_group_region: "eu-west-1" });
    expect(group.health_check_path).toBeUndefined();
  });

  it.each<[string, Partial<SiteAcceleratorProps>, string]>([
    ["a bad name", { name: "-site" }, 'name: got "-site"'],
    ["no endpoints", { endpoints: [] }, "endpoints: got none"],
    ["a region twice", { endpoints: [{ region: "a", loadBalancerArn: "x" }, { region: "a", loadBalancerArn: "y" }] }, "endpoints: region a twice"],
    ["a dial above 100", { endpoints: [{ region: "a", loadBalancerArn: "x", trafficDialPercentage: 101 }] }, "endpoints.a.trafficDialPercentage: got 101"],
  ])("refuses %s", (_name, props, message) => {
    expect(() => accelerator(props)).toThrow(message);
  });
});

describe("AllRegionsAlarm", () => {
  it("is in ALARM only when every region alarm is, and notifies the topic both ways", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
    const alarm = new AllRegionsAlarm(stack, "All", { alarmNames: ["a-unhealthy", "b-unhealthy"], name: "all", provider, topicArn: "arn:t" });
    expect(alarm.rule).toBe('ALARM("a-unhealthy") AND ALARM("b-unhealthy")');
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values<Json>(json.resource.aws_cloudwatch_composite_alarm)[0]).toMatchObject({ alarm_name: "all", alarm_actions: ["arn:t"], ok_actions: ["arn:t"] });
    expect(() => new AllRegionsAlarm(stack, "None", { alarmNames: [], name: "x", provider, topicArn: "t" })).toThrow("alarmNames: got none");
  });
});
