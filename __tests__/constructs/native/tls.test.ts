// HTTPS end to end on native regions: the target-group health check follows healthCheck.type, `tls` gives each
// region an ACM certificate (DNS-validated in the site's zone) and a TLS/HTTPS listener, the ALB redirects,
// Route 53 checks HTTPS with SNI, and the site URLs are https://.
import { NATIVE_TARGET_GROUP_DETECTION_SECONDS } from "../../../config/failover-time";
import type { SiteConfigInput } from "../../../config/schema";
import { HEALTH_CHECK } from "../../../constructs/native/load-balancer";
import { buildTestSite, seedWith, synthJson, type Json } from "../../helpers";

function site(overrides: Partial<SiteConfigInput>) {
  const built = buildTestSite(seedWith({ engine: "native", ...overrides }));
  return { regions: built.regions.map((r) => synthJson(r)), dns: synthJson(built.dns) };
}
const values = (stack: Json, type: string): Json[] => Object.values(stack.resource?.[type] ?? {});

describe("target-group health checks follow healthCheck.type", () => {
  it("HTTP by default", () => {
    for (const stack of site({}).regions) {
      for (const tg of values(stack, "aws_lb_target_group")) expect(tg.health_check.protocol).toBe("HTTP");
    }
  });

  it("HTTPS on an NLB when the app answers TLS itself (no tls): passthrough, checked over HTTPS", () => {
    const { regions, dns } = site({ healthCheck: { type: "HTTPS" } });
    for (const stack of regions) {
      for (const tg of values(stack, "aws_lb_target_group")) expect(tg).toMatchObject({ protocol: "TCP", health_check: { protocol: "HTTPS", port: "8080" } });
    }
    for (const check of values(dns, "aws_route53_health_check")) expect(check).toMatchObject({ type: "HTTPS", port: 8080, enable_sni: true });
  });

  it("models the native target groups' detection time from the same numbers", () => {
    expect(HEALTH_CHECK.intervalSeconds * HEALTH_CHECK.unhealthyThreshold).toBe(NATIVE_TARGET_GROUP_DETECTION_SECONDS);
  });
});

describe("tls", () => {
  const tlsConfig: Partial<SiteConfigInput> = { recordName: "www", tls: {}, healthCheck: { type: "HTTPS" } };
  const { regions, dns } = site({
    ...tlsConfig,
    regions: [
      { region: "us-west-2", keyName: "swarm" },
      { region: "us-east-2", keyName: "docker", loadBalancer: "alb" },
    ],
  });
  const [west, east] = regions;

  it("requests a certificate per region for the site's name, validated by DNS in the site's zone", () => {
    const certificates = values(dns, "aws_acm_certificate");
    expect(certificates.map((c) => [c.domain_name, c.validation_method, c.provider]).sort()).toEqual([
      ["www.nosqlsearch.com", "DNS", "aws.region_us_east_2"],
      ["www.nosqlsearch.com", "DNS", "aws.region_us_west_2"],
    ]);
    const zone = Object.keys(dns.resource.aws_route53_zone)[0];
    const validationRecords = values(dns, "aws_route53_record").filter((r) => r.allow_overwrite);
    expect(validationRecords).toHaveLength(2);
    for (const record of validationRecords) {
      expect(record.zone_id).toBe(`\${aws_route53_zone.${zone}.zone_id}`);
      expect(record.name).toMatch(/^\$\{tolist\(aws_acm_certificate\..*\.domain_validation_options\)(\.0|\[0\])\.resource_record_name\}$/);
    }
    for (const validation of values(dns, "aws_acm_certificate_validation")) expect(validation.validation_record_fqdns).toHaveLength(1);
    expect(dns.provider.aws.map((p: Json) => p.alias ?? "default").sort()).toEqual(["default", "region_us_east_2", "region_us_west_2", "route53_metrics"]);
  });

  it("adds a TLS listener (NLB) / HTTPS listener (ALB) with the current policy and the validated certificate", () => {
    const listeners = values(dns, "aws_lb_listener");
    expect(listeners.map((l) => [l.provider, l.protocol, l.port, l.ssl_policy]).sort()).toEqual([
      ["aws.region_us_east_2", "HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"],
      ["aws.region_us_west_2", "TLS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06"],
    ]);
    for (const listener of listeners) {
      expect(listener.certificate_arn).toMatch(/^\$\{aws_acm_certificate_validation\..*\.certificate_arn\}$/);
      expect(listener.load_balancer_arn).toMatch(/outputs\.lb_arn\}$/);
      expect(listener.default_action).toEqual([{ type: "forward", target_group_arn: expect.stringMatching(/outputs\.site_target_group_arn\}$/) }]);
    }
    for (const stack of regions) expect(Object.keys(stack.output)).toEqual(expect.arrayContaining(["lb_arn", "site_target_group_arn"]));
  });

  it("ALB: the site port redirects to HTTPS and the ALB takes 443 from anywhere; target groups check plain HTTP behind TLS", () => {
    expect(values(east, "aws_lb_listener").map((l) => l.default_action[0])).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
    expect(values(east, "aws_vpc_security_group_ingress_rule").filter((r) => r.from_port === 443)).toEqual([
      expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", to_port: 443 }),
    ]);
    for (const stack of regions) {
      for (const tg of values(stack, "aws_lb_target_group")) expect(tg.health_check).toMatchObject({ protocol: "HTTP", port: "8080" });
    }
    // An NLB cannot redirect: its plain listener keeps forwarding (documented).
    expect(values(west, "aws_lb_listener").map((l) => l.default_action[0].type)).toEqual(["forward"]);
  });

  it("checks HTTPS with SNI on the TLS port, and gives https:// site URLs", () => {
    for (const check of values(dns, "aws_route53_health_check")) expect(check).toMatchObject({ type: "HTTPS", port: 443, enable_sni: true });
    expect(dns.output.site_url.value).toBe("https://www.nosqlsearch.com/");
    for (const stack of regions) expect(stack.output.site_url.value).toMatch(/^https:\/\/\$\{aws_lb\..*\.dns_name\}\/$/);
  });
});
