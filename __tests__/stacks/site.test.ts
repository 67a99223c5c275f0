import { Testing } from "cdktf";
import { KeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { localStatePath } from "../../stacks/backend";
import { REGIONAL_OUTPUTS } from "../../stacks/regional-stack";
import { addressAt, buildTestSite, onlyResource, resourceAt, seedWith, synthJson, type Json } from "../helpers";

describe("site built from the seed config", () => {
  const site = buildTestSite();
  const [west, east] = site.regions.map(synthJson);
  const dns = synthJson(site.dns);

  it("has one stack per region, PRIMARY first, and a DNS stack depending on both", () => {
    expect(site.regions.map((r) => r.stackName)).toEqual(["swarm-us-west-2", "swarm-us-east-2"]);
    expect(site.dns.dependencies.map((d) => (d as typeof site.regions[number]).stackName)).toEqual(["swarm-us-west-2", "swarm-us-east-2"]);
  });

  it("puts each swarm in its region with that region's key pair", () => {
    expect(west.provider.aws).toEqual([expect.objectContaining({ region: "us-west-2" })]);
    expect(east.provider.aws).toEqual([expect.objectContaining({ region: "us-east-2" })]);
    expect(onlyResource(west, "aws_cloudformation_stack").parameters.KeyName).toBe("swarm");
    expect(onlyResource(east, "aws_cloudformation_stack").parameters.KeyName).toBe("docker");
    for (const stack of [west, east]) {
      expect(onlyResource(stack, "aws_cloudformation_stack")).toMatchObject({ name: "nosqlsearch-com-swarm", capabilities: ["CAPABILITY_IAM"] });
      expect(stack.resource.aws_key_pair).toBeUndefined();
    }
  });

  it("keeps state in relative files outside cdktf.out, and the DNS stack reads them", () => {
    for (const [stack, name] of [[west, "swarm-us-west-2"], [east, "swarm-us-east-2"], [dns, "dns"]] as const) {
      expect(stack.terraform.backend).toEqual({ local: { path: `../../../state/nosqlsearch.com/terraform.${name}.tfstate` } });
    }
    const states: Json = dns.data.terraform_remote_state;
    expect(Object.values(states).map((s: Json) => s.config.path).sort()).toEqual(
      [localStatePath("swarm-us-east-2", "nosqlsearch.com"), localStatePath("swarm-us-west-2", "nosqlsearch.com")].sort(),
    );
  });

  it("exports plain (non-sensitive) regional outputs from the CloudFormation stack", () => {
    const cfn = addressAt(west, "aws_cloudformation_stack", "Swarm");
    expect(west.output[REGIONAL_OUTPUTS.lbDnsName]).toEqual({
      description: expect.any(String),
      value: `\${aws_cloudformation_stack.${cfn}.outputs["DefaultDNSTarget"]}`,
    });
    expect(west.output[REGIONAL_OUTPUTS.lbZoneId].value).toBe(`\${aws_cloudformation_stack.${cfn}.outputs["ELBDNSZoneID"]}`);
    expect(west.output[REGIONAL_OUTPUTS.vpcId].value).toBe(`\${aws_cloudformation_stack.${cfn}.outputs["VPCID"]}`);
    expect(west.output[REGIONAL_OUTPUTS.managersConsoleUrl].value).toBe(`\${aws_cloudformation_stack.${cfn}.outputs["Managers"]}`);
    expect(west.output[REGIONAL_OUTPUTS.siteUrl].value).toBe(`http://\${aws_cloudformation_stack.${cfn}.outputs["DefaultDNSTarget"]}:8080/`);
    for (const output of Object.values<Json>(west.output)) expect(output.sensitive).toBeUndefined();
  });

  it("aliases PRIMARY to us-west-2's load balancer and SECONDARY to us-east-2's", () => {
    const stateOf = (region: string) => {
      const id = addressAt(dns, "terraform_remote_state", `Region-${region}`, "data");
      expect(dns.data.terraform_remote_state[id].config.path).toBe(localStatePath(`swarm-${region}`, "nosqlsearch.com"));
      return `data.terraform_remote_state.${id}.outputs`;
    };
    const primary = resourceAt(dns, "aws_route53_record", "Failover/Primary");
    const secondary = resourceAt(dns, "aws_route53_record", "Failover/Secondary");
    expect(primary).toMatchObject({
      name: "nosqlsearch.com",
      type: "A",
      set_identifier: "us-west-2",
      failover_routing_policy: { type: "PRIMARY" },
      alias: {
        name: `\${${stateOf("us-west-2")}.lb_dns_name}`,
        zone_id: `\${${stateOf("us-west-2")}.lb_zone_id}`,
        evaluate_target_health: true,
      },
    });
    expect(secondary).toMatchObject({
      set_identifier: "us-east-2",
      failover_routing_policy: { type: "SECONDARY" },
      alias: {
        name: `\${${stateOf("us-east-2")}.lb_dns_name}`,
        zone_id: `\${${stateOf("us-east-2")}.lb_zone_id}`,
        evaluate_target_health: true,
      },
    });
    expect(primary.ttl).toBeUndefined();
    expect(secondary.ttl).toBeUndefined();
  });

  it("creates the public zone and outputs its name servers, id and the site URL", () => {
    const zone = addressAt(dns, "aws_route53_zone", "Failover/Zone");
    expect(dns.resource.aws_route53_zone[zone]).toMatchObject({ name: "nosqlsearch.com", force_destroy: false });
    expect(dns.output.name_servers.value).toBe(`\${aws_route53_zone.${zone}.name_servers}`);
    expect(dns.output.zone_id.value).toBe(`\${aws_route53_zone.${zone}.zone_id}`);
    expect(dns.output.site_url.value).toBe("http://nosqlsearch.com:8080/");
    expect(dns.provider.aws[0]).toEqual(expect.objectContaining({ region: "us-east-1" }));
    expect(dns.provider.aws[0].alias).toBeUndefined();
  });

  it("matches the reviewed snapshot (terraform block stripped)", () => {
    // Scripts are asserted by running them (constructs/service-script tests): here only their size.
    const strip = (stack: Json) => {
      const { terraform: _terraform, ...rest } = stack;
      const { locals, ...others } = rest;
      // Locals hold scripts too (the shared shell library, user data): only their names and sizes here.
      const sizes = locals && Object.fromEntries(Object.entries<string>(locals).map(([k, v]) => [k, `<script: ${v.split("\n").length} lines>`]));
      return JSON.parse(JSON.stringify({ ...others, ...(sizes ? { locals: sizes } : {}) }), (key, value) =>
        key === "inline" ? `<script: ${value.join("").split("\n").length} lines>` : value,
      );
    };
    expect({ west: strip(west), east: strip(east), dns: strip(dns) }).toMatchSnapshot();
  });
});

describe("site with an existing zone, a record name and a key pair", () => {
  const site = buildTestSite(
    seedWith({
      domain: "example.org",
      recordName: "www",
      hostedZone: { zoneId: "Z0123456789ABCDEFGHIJ" },
      regions: [
        { region: "eu-west-1", keyName: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA ops", stackName: "shop", managers: 1, workers: 0 },
        { region: "eu-central-1", keyName: "ops" },
      ],
      services: [{ name: "web", image: "nginx:1.27", replicas: 2, ports: [{ published: 80, target: 80 }] }],
    }),
  );
  const [primary] = site.regions.map(synthJson);
  const dns = synthJson(site.dns);

  it("uses the zone instead of creating one", () => {
    expect(dns.resource.aws_route53_zone).toBeUndefined();
    expect(Object.values<Json>(dns.data.aws_route53_zone)).toEqual([{ zone_id: "Z0123456789ABCDEFGHIJ" }]);
    const zone = addressAt(dns, "aws_route53_zone", "Failover/ExistingZone", "data");
    expect(resourceAt(dns, "aws_route53_record", "Failover/Primary")).toMatchObject({
      zone_id: `\${data.aws_route53_zone.${zone}.zone_id}`,
      name: "www.example.org",
      set_identifier: "eu-west-1",
    });
    expect(dns.output.name_servers.value).toBe(`\${data.aws_route53_zone.${zone}.name_servers}`);
    expect(dns.output.site_url.value).toBe("http://www.example.org/");
  });

  it("creates the key pair before the swarm that uses it", () => {
    expect(Testing.synth(site.regions[0])).toHaveResourceWithProperties(KeyPair, { key_name: "ops", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA ops" });
    const keyPair = addressAt(primary, "aws_key_pair", "KeyPair");
    expect(onlyResource(primary, "aws_cloudformation_stack")).toMatchObject({
      name: "shop",
      depends_on: [`aws_key_pair.${keyPair}`],
      parameters: expect.objectContaining({ ManagerSize: "1", ClusterSize: "0", KeyName: "ops" }),
    });
  });
});
