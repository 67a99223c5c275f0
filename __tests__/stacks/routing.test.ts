// The DNS stack per routing policy: records, routing blocks, set identifiers, health checks, alarms, the
// accelerator and the outputs.
import { App } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../config/load";
import { synthesize } from "../../stacks/hcl-output";
import { buildSite } from "../../stacks/site";
import { addressAt, buildTestSite, resourceAt, seedWith, synthJson, type Json } from "../helpers";

const d4a = (region: string, extra: Json = {}) => ({ region, keyName: "k", ...extra });
const native = (region: string, extra: Json = {}) => ({ region, keyName: "k", engine: "native", sshCidrs: ["203.0.113.0/24"], ...extra });
const THREE = [d4a("us-west-2"), d4a("us-east-2"), d4a("eu-west-1")];

function site(overrides: Json) {
  const built = buildTestSite(seedWith(overrides));
  return { built, dns: synthJson(built.dns), regions: built.regions.map(synthJson) };
}

const stateRef = (dns: Json, region: string, output: string) =>
  `\${data.terraform_remote_state.${addressAt(dns, "terraform_remote_state", `Region-${region}`, "data")}.outputs.${output}}`;
const checkRef = (dns: Json, region: string) => `\${aws_route53_health_check.${addressAt(dns, "aws_route53_health_check", `HealthCheck-${region}`)}.id}`;
const records = (dns: Json): Json[] => Object.values(dns.resource.aws_route53_record);

describe("failover with three regions: a failover chain", () => {
  const { dns } = site({ regions: THREE });
  const zone = `\${aws_route53_zone.${addressAt(dns, "aws_route53_zone", "Failover/Zone")}.zone_id}`;

  it("makes PRIMARY the first region, with its health check", () => {
    expect(resourceAt(dns, "aws_route53_record", "Failover/Primary")).toMatchObject({
      name: "nosqlsearch.com",
      set_identifier: "us-west-2",
      failover_routing_policy: { type: "PRIMARY" },
      health_check_id: checkRef(dns, "us-west-2"),
      alias: { name: stateRef(dns, "us-west-2", "lb_dns_name"), zone_id: stateRef(dns, "us-west-2", "lb_zone_id"), evaluate_target_health: true },
    });
  });

  it("makes SECONDARY an alias to the standby name, which is latency-routed over the other regions", () => {
    const secondary = resourceAt(dns, "aws_route53_record", "Failover/Secondary");
    expect(secondary).toMatchObject({
      name: "nosqlsearch.com",
      set_identifier: "standby",
      failover_routing_policy: { type: "SECONDARY" },
      alias: { name: "standby.nosqlsearch.com", zone_id: zone, evaluate_target_health: true },
    });
    expect(secondary.health_check_id).toBeUndefined();
    for (const region of ["us-east-2", "eu-west-1"]) {
      expect(resourceAt(dns, "aws_route53_record", `Failover/Standby-${region}`)).toMatchObject({
        name: "standby.nosqlsearch.com",
        set_identifier: region,
        latency_routing_policy: { region },
        health_check_id: checkRef(dns, region),
        alias: { name: stateRef(dns, region, "lb_dns_name"), evaluate_target_health: true },
      });
    }
    expect(records(dns)).toHaveLength(4);
  });

  it("alarms on every region, and when all are unhealthy", () => {
    const alarms: Json[] = Object.values(dns.resource.aws_cloudwatch_metric_alarm);
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual([
      "ha-site-nosqlsearch-com-eu-west-1-unhealthy",
      "ha-site-nosqlsearch-com-primary-unhealthy",
      "ha-site-nosqlsearch-com-us-east-2-unhealthy",
    ]);
    for (const region of ["us-west-2", "us-east-2", "eu-west-1"]) {
      expect(alarms.some((a) => a.dimensions.HealthCheckId === checkRef(dns, region))).toBe(true);
    }
    expect(Object.keys(dns.resource.aws_sns_topic)).toHaveLength(1);
    const all = resourceAt(dns, "aws_cloudwatch_composite_alarm", "AllRegionsAlarm");
    expect(all.alarm_name).toBe("ha-site-nosqlsearch-com-all-regions-unhealthy");
    expect(all.provider).toBe("aws.route53_metrics");
    expect(all.alarm_rule).toBe(
      'ALARM("ha-site-nosqlsearch-com-primary-unhealthy") AND ALARM("ha-site-nosqlsearch-com-us-east-2-unhealthy") AND ALARM("ha-site-nosqlsearch-com-eu-west-1-unhealthy")',
    );
    // The rule names the alarms as text: the dependency keeps them created first (and deleted last).
    expect(all.depends_on.sort()).toEqual(
      ["PrimaryAlarm", "Alarm-us-east-2", "Alarm-eu-west-1"].map((id) => `aws_cloudwatch_metric_alarm.${addressAt(dns, "aws_cloudwatch_metric_alarm", id)}`).sort(),
    );
  });

  it("says what happens when every region is down, and the modeled failover time", () => {
    expect(dns.output.fail_open.value).toMatch(/^Route 53 fails open: .*PRIMARY region, healthy or not$/);
    expect(dns.output.routing_policy.value).toBe("failover");
    expect(dns.output.failover_time_seconds.value).toBe(210);
  });
});

describe("latency routing", () => {
  const { dns, regions } = site({ routing: { policy: "latency" }, recordName: "www", regions: THREE });

  it("has one latency record per region, in its region, with its own health check", () => {
    expect(records(dns)).toHaveLength(3);
    for (const region of ["us-west-2", "us-east-2", "eu-west-1"]) {
      const record = resourceAt(dns, "aws_route53_record", `Failover/Latency-${region}`);
      expect(record).toMatchObject({
        name: "www.nosqlsearch.com",
        type: "A",
        set_identifier: region,
        latency_routing_policy: { region },
        health_check_id: checkRef(dns, region),
        alias: { name: stateRef(dns, region, "lb_dns_name"), zone_id: stateRef(dns, region, "lb_zone_id"), evaluate_target_health: true },
      });
      expect(record.ttl).toBeUndefined();
      expect(record.failover_routing_policy).toBeUndefined();
    }
    expect(new Set(records(dns).map((r) => r.set_identifier)).size).toBe(3);
  });

  it("alarms per region plus all regions, without a PRIMARY alarm; keeps the regions' role tags", () => {
    expect(Object.keys(dns.resource.aws_cloudwatch_metric_alarm)).toHaveLength(3);
    expect(() => addressAt(dns, "aws_cloudwatch_metric_alarm", "PrimaryAlarm")).toThrow();
    expect(Object.values<Json>(dns.resource.aws_sns_topic)).toEqual([expect.objectContaining({ name: "ha-site-nosqlsearch-com-health" })]);
    expect(dns.output.fail_open.value).toContain("nearest region");
    // The role tag does not depend on the policy (a policy change retags nothing).
    expect(regions.map((stack) => stack.provider.aws[0].default_tags[0].tags["ha-site:role"])).toEqual(["primary", "secondary", "secondary"]);
    for (const stack of regions) expect(stack.output.lb_arn).toBeUndefined();
  });

  it("works with one region, and without health checks (Evaluate Target Health only)", () => {
    const one = site({ routing: { policy: "latency" }, regions: [d4a("eu-west-1")], healthCheck: { enabled: false } }).dns;
    expect(records(one)).toEqual([expect.objectContaining({ set_identifier: "eu-west-1", latency_routing_policy: { region: "eu-west-1" } })]);
    expect(records(one)[0].health_check_id).toBeUndefined();
    expect(one.resource.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(one.resource.aws_cloudwatch_composite_alarm).toBeUndefined();
  });
});

describe("weighted routing", () => {
  const { dns } = site({ routing: { policy: "weighted" }, regions: [d4a("us-west-2", { weight: 200 }), d4a("us-east-2", { weight: 0 }), d4a("eu-west-1")] });

  it("has one weighted record per region with its weight (default 1) and health check", () => {
    const weights = Object.fromEntries(records(dns).map((r) => [r.set_identifier, r.weighted_routing_policy.weight]));
    expect(weights).toEqual({ "us-west-2": 200, "us-east-2": 0, "eu-west-1": 1 });
    for (const region of ["us-west-2", "us-east-2", "eu-west-1"]) {
      expect(resourceAt(dns, "aws_route53_record", `Failover/Weighted-${region}`)).toMatchObject({ health_check_id: checkRef(dns, region), set_identifier: region });
    }
  });
});

describe("accelerator routing", () => {
  const { dns, regions, built } = site({
    routing: { policy: "accelerator" },
    recordName: "app",
    regions: [native("us-west-2", { trafficDial: 40 }), native("eu-west-1", { loadBalancer: "alb" })],
    services: [
      { name: "web", image: "nginx", replicas: 2, ports: [{ published: 8080, target: 80 }] },
      { name: "api", image: "nginx", replicas: 2, ports: [{ published: 9000, target: 9000 }] },
    ],
    healthCheck: { resourcePath: "/healthz" },
  });
  const accelerator = () => Object.values<Json>(dns.resource.aws_globalaccelerator_accelerator)[0];

  it("exports each region's load balancer ARN as a plain output", () => {
    regions.forEach((stack, i) => {
      const lb = Object.keys(stack.resource.aws_lb)[0];
      expect(stack.output.lb_arn).toEqual({ value: `\${aws_lb.${lb}.arn}`, description: expect.any(String) });
      expect(built.regions[i].swarm.loadBalancerArn).toBeDefined();
    });
  });

  it("creates the accelerator in us-west-2 with a TCP listener per published port", () => {
    expect(dns.provider.aws).toContainEqual(expect.objectContaining({ alias: "global_accelerator", region: "us-west-2" }));
    expect(accelerator()).toMatchObject({ name: "ha-site-nosqlsearch-com", ip_address_type: "IPV4", enabled: true, provider: "aws.global_accelerator" });
    const listeners: Json[] = Object.values(dns.resource.aws_globalaccelerator_listener);
    expect(listeners.map((l) => [l.protocol, l.port_range])).toEqual([
      ["TCP", [{ from_port: 8080, to_port: 8080 }]],
      ["TCP", [{ from_port: 9000, to_port: 9000 }]],
    ]);
  });

  it("has one endpoint group per listener and region, pointing at that region's LB ARN, with the traffic dial", () => {
    const groups: Json[] = Object.values(dns.resource.aws_globalaccelerator_endpoint_group);
    expect(groups).toHaveLength(4);
    for (const port of [8080, 9000]) {
      const listener = `\${aws_globalaccelerator_listener.${addressAt(dns, "aws_globalaccelerator_listener", `Accelerator/Listener-tcp-${port}`)}.arn}`;
      for (const [region, dial] of [["us-west-2", 40], ["eu-west-1", 100]] as const) {
        expect(resourceAt(dns, "aws_globalaccelerator_endpoint_group", `Accelerator/EndpointGroup-tcp-${port}-${region}`)).toMatchObject({
          listener_arn: listener,
          endpoint_group_region: region,
          traffic_dial_percentage: dial,
          health_check_port: 8080,
          health_check_path: "/healthz",
          health_check_protocol: "HTTP",
          endpoint_configuration: [{ endpoint_id: stateRef(dns, region, "lb_arn") }],
          provider: "aws.global_accelerator",
        });
      }
    }
  });

  it("aliases the site name to the accelerator, and outputs its IPs and the failover time", () => {
    const acc = addressAt(dns, "aws_globalaccelerator_accelerator", "Accelerator");
    expect(records(dns)).toEqual([
      expect.objectContaining({
        name: "app.nosqlsearch.com",
        type: "A",
        alias: { name: `\${aws_globalaccelerator_accelerator.${acc}.dns_name}`, zone_id: `\${aws_globalaccelerator_accelerator.${acc}.hosted_zone_id}`, evaluate_target_health: false },
      }),
    ]);
    expect(records(dns)[0].set_identifier).toBeUndefined();
    expect(dns.output.accelerator_ips.value).toBe(`\${aws_globalaccelerator_accelerator.${acc}.ip_sets[0].ip_addresses}`);
    expect(dns.output.failover_time_seconds.value).toBe(60);
    expect(dns.output.failover_time_seconds.description).toContain("no DNS cache");
    expect(dns.output.fail_open.value).toMatch(/^Global Accelerator fails open/);
    // Route 53 health checks still watch every region, for the alarms.
    expect(Object.keys(dns.resource.aws_route53_health_check)).toHaveLength(2);
    expect(resourceAt(dns, "aws_cloudwatch_composite_alarm", "AllRegionsAlarm")).toBeDefined();
  });
});

describe("two-region failover with alarm.everyRegion", () => {
  const { dns } = site({ alarm: { everyRegion: true, email: "oncall@example.org" } });

  it("keeps the PRIMARY alarm and its topic, and adds the SECONDARY's and the all-regions alarm", () => {
    expect(resourceAt(dns, "aws_cloudwatch_metric_alarm", "PrimaryAlarm").alarm_name).toBe("ha-site-nosqlsearch-com-primary-unhealthy");
    expect(resourceAt(dns, "aws_cloudwatch_metric_alarm", "Alarm-us-east-2").dimensions.HealthCheckId).toBe(checkRef(dns, "us-east-2"));
    expect(Object.values<Json>(dns.resource.aws_sns_topic)).toEqual([expect.objectContaining({ name: "ha-site-nosqlsearch-com-primary-unhealthy" })]);
    expect(Object.keys(dns.resource.aws_sns_topic_subscription)).toHaveLength(1);
    expect(resourceAt(dns, "aws_cloudwatch_composite_alarm", "AllRegionsAlarm")).toBeDefined();
    // The records are the pair, untouched.
    expect(records(dns).map((r) => r.failover_routing_policy.type).sort()).toEqual(["PRIMARY", "SECONDARY"]);
  });
});

describe("HCL output of a routed site", () => {
  it("writes the all-regions alarm rule as a valid HCL string (quotes escaped, no reference inside)", () => {
    const dir = mkdtempSync(join(tmpdir(), "ha-site-hcl-"));
    const before = process.env.SYNTH_HCL_OUTPUT;
    process.env.SYNTH_HCL_OUTPUT = "true";
    try {
      const app = new App({ outdir: dir, skipValidation: true });
      buildSite(app, parseConfig(seedWith({ routing: { policy: "latency" }, regions: THREE })));
      synthesize(app, { SYNTH_HCL_OUTPUT: "true" });
      const hcl = readFileSync(join(dir, "stacks", "dns", "cdk.tf"), "utf8");
      // terraform fmt aligns the `=` of neighbouring arguments.
      expect(hcl).toMatch(
        /alarm_rule\s+= "ALARM\(\\"ha-site-nosqlsearch-com-us-west-2-unhealthy\\"\) AND ALARM\(\\"ha-site-nosqlsearch-com-us-east-2-unhealthy\\"\) AND ALARM\(\\"ha-site-nosqlsearch-com-eu-west-1-unhealthy\\"\)"/,
      );
      expect(hcl).toMatch(/latency_routing_policy \{\s+region = "eu-west-1"\s+\}/);
    } finally {
      if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
      else process.env.SYNTH_HCL_OUTPUT = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
