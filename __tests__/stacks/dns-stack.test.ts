import { addressAt, buildTestSite, resourceAt, seedWith, synthJson, type Json } from "../helpers";

function dnsOf(overrides = {}): Json {
  return synthJson(buildTestSite(seedWith(overrides)).dns);
}

describe("DNS stack health checks (on by default)", () => {
  const dns = dnsOf();
  const state = (region: string) => `data.terraform_remote_state.${addressAt(dns, "terraform_remote_state", `Region-${region}`, "data")}.outputs`;

  it("checks each region's load balancer on the site port and attaches the checks to both records", () => {
    for (const [role, region] of [["Primary", "us-west-2"], ["Secondary", "us-east-2"]]) {
      const id = addressAt(dns, "aws_route53_health_check", `HealthCheck-${region}`);
      expect(dns.resource.aws_route53_health_check[id]).toMatchObject({
        type: "HTTP",
        fqdn: `\${${state(region)}.lb_dns_name}`,
        port: 8080,
        resource_path: "/",
        request_interval: 30,
        failure_threshold: 3,
      });
      expect(resourceAt(dns, "aws_route53_record", `Failover/${role}`)).toMatchObject({
        health_check_id: `\${aws_route53_health_check.${id}.id}`,
        alias: expect.objectContaining({ evaluate_target_health: true }),
      });
    }
  });

  it("alarms on the PRIMARY's check in us-east-1 and outputs the modeled failover time", () => {
    const primaryCheck = addressAt(dns, "aws_route53_health_check", "HealthCheck-us-west-2");
    const alarm = resourceAt(dns, "aws_cloudwatch_metric_alarm", "PrimaryAlarm");
    expect(alarm.dimensions).toEqual({ HealthCheckId: `\${aws_route53_health_check.${primaryCheck}.id}` });
    expect(alarm.provider).toBe("aws.route53_metrics");
    expect(dns.provider.aws).toContainEqual(expect.objectContaining({ alias: "route53_metrics", region: "us-east-1" }));
    expect(dns.output.failover_time_seconds.value).toBe(210);
    expect(dns.output.failover_time_seconds.description).toContain("detection 90 s");
  });
});

describe("DNS stack health check settings", () => {
  it("uses the configured port, path, search string, interval, threshold and regions", () => {
    const dns = dnsOf({
      services: [{ name: "web", image: "nginx", replicas: 1, ports: [{ published: 8080, target: 80 }, { published: 8443, target: 443 }] }],
      healthCheck: { type: "HTTPS", port: 8443, resourcePath: "/healthz", searchString: "ok", requestInterval: 10, failureThreshold: 2, regions: ["us-east-1", "us-west-1", "eu-west-1"] },
    });
    for (const check of Object.values<Json>(dns.resource.aws_route53_health_check)) {
      expect(check).toMatchObject({ type: "HTTPS_STR_MATCH", port: 8443, resource_path: "/healthz", search_string: "ok", request_interval: 10, failure_threshold: 2, regions: ["us-east-1", "us-west-1", "eu-west-1"] });
    }
    expect(dns.output.failover_time_seconds.value).toBe(10 * 2 + 120);
  });

  it("restores the seed's Evaluate-Target-Health-only records when disabled", () => {
    const dns = dnsOf({ healthCheck: { enabled: false } });
    expect(dns.resource.aws_route53_health_check).toBeUndefined();
    expect(dns.resource.aws_cloudwatch_metric_alarm).toBeUndefined();
    for (const role of ["Primary", "Secondary"]) {
      const record = resourceAt(dns, "aws_route53_record", `Failover/${role}`);
      expect(record.health_check_id).toBeUndefined();
      expect(record.alias.evaluate_target_health).toBe(true);
    }
    expect(dns.output.failover_time_seconds.value).toBe(160);
  });

  it("subscribes the alarm e-mail, or uses an existing topic", () => {
    const withEmail = dnsOf({ alarm: { email: "oncall@example.org" } });
    expect(Object.values<Json>(withEmail.resource.aws_sns_topic_subscription)).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.org" }),
    ]);
    const arn = "arn:aws:sns:us-east-1:123456789012:pager";
    const withTopic = dnsOf({ alarm: { topicArn: arn } });
    expect(withTopic.resource.aws_sns_topic).toBeUndefined();
    expect(resourceAt(withTopic, "aws_cloudwatch_metric_alarm", "PrimaryAlarm").alarm_actions).toEqual([arn]);
  });
});
