import { join } from "node:path";
import { loadConfig } from "../../config/load";
import { buildSite } from "../../stacks/site";
import { Testing } from "cdktf";
import { addressAt, onlyResource, resourceAt, synthJson, type Json } from "../helpers";

const root = join(__dirname, "..", "..");

describe("mixed engines (examples/mixed-engines.json: native us-west-2, Docker for AWS us-east-2)", () => {
  const site = buildSite(Testing.app(), loadConfig({ HA_SITE_CONFIG: join(root, "examples", "mixed-engines.json") }));
  const [west, east] = site.regions.map(synthJson);
  const dns = synthJson(site.dns);

  it("builds us-west-2 from launch templates, autoscaling groups and a load balancer, no CloudFormation", () => {
    expect(site.regions.map((r) => r.swarm.engine)).toEqual(["native", "docker-for-aws"]);
    expect(west.resource.aws_cloudformation_stack).toBeUndefined();
    expect(west.resource.aws_launch_configuration).toBeUndefined();
    expect(Object.keys(west.resource.aws_launch_template)).toHaveLength(2);
    expect(Object.keys(west.resource.aws_autoscaling_group)).toHaveLength(2);
    for (const template of Object.values<Json>(west.resource.aws_launch_template)) {
      expect(template.metadata_options).toMatchObject({ http_tokens: "required" });
    }
    expect(east.resource.aws_cloudformation_stack).toBeDefined();
    expect(east.resource.aws_lb).toBeUndefined();
  });

  it("exports the load balancer's DNS name and zone id under the same output names as the CloudFormation engine", () => {
    const lb = addressAt(west, "aws_lb", "");
    expect(west.output.lb_dns_name.value).toBe(`\${aws_lb.${lb}.dns_name}`);
    expect(west.output.lb_zone_id.value).toBe(`\${aws_lb.${lb}.zone_id}`);
    expect(Object.keys(west.output).sort()).toEqual(Object.keys(east.output).sort());
  });

  it("aliases PRIMARY to the native region's outputs and SECONDARY to the CloudFormation region's", () => {
    const state = (region: string) => `data.terraform_remote_state.${addressAt(dns, "terraform_remote_state", `Region-${region}`, "data")}.outputs`;
    expect(resourceAt(dns, "aws_route53_record", "Failover/Primary").alias.name).toBe(`\${${state("us-west-2")}.lb_dns_name}`);
    expect(resourceAt(dns, "aws_route53_record", "Failover/Secondary").alias.name).toBe(`\${${state("us-east-2")}.lb_dns_name}`);
  });

  it("starts services on native managers through SSM (by the ha-site:stack tag); over SSH as docker on Docker for AWS", () => {
    expect(west.data?.aws_instances).toBeUndefined();
    expect(west.resource.null_resource).toBeUndefined();
    const association = Object.values<Json>(west.resource.aws_ssm_association).find((a) => a.association_name === "ha-site-nosqlsearch-com-swarm-hello-world");
    expect(association.targets).toEqual([
      { key: "tag:ha-site:stack", values: ["nosqlsearch-com-swarm"] },
      { key: "tag:swarm-node-type", values: ["manager"] },
    ]);
    expect(onlyResource({ resource: east.data }, "aws_instances").instance_tags).toEqual({ "swarm-node-type": "manager", "aws:cloudformation:stack-name": "nosqlsearch-com-swarm" });
    expect(Object.values<Json>(east.resource.null_resource)[0].triggers.user).toBe("docker");
    expect(west.variable).toBeUndefined();
  });

  it("opens SSH only to the configured CIDRs, swarm ports only between nodes, the site port to the world", () => {
    const rules = Object.values<Json>(west.resource.aws_vpc_security_group_ingress_rule);
    const byPort = (port: number) => rules.filter((r) => r.from_port === port).map((r) => r.cidr_ipv4 ?? "self");
    expect(byPort(22)).toEqual(["203.0.113.0/24"]);
    expect(byPort(8080)).toEqual(["0.0.0.0/0"]);
    for (const port of [2377, 7946, 4789]) {
      expect(byPort(port).length).toBeGreaterThan(0);
      expect(byPort(port).every((source) => source === "self")).toBe(true);
    }
    expect(rules.filter((r) => r.cidr_ipv4 === "0.0.0.0/0").map((r) => r.from_port)).toEqual([8080]);
  });
});
