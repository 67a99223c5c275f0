import { Testing } from "cdktf";
import { DockerForAwsSwarm } from "../../constructs/docker-for-aws-swarm";
import { EndpointHealthCheck } from "../../constructs/endpoint-health-check";
import { escapeTemplate, terraformLiteral, terraformLiterals } from "../../constructs/terraform-literal";
import { onlyResource, type Json } from "../helpers";

describe("terraformLiteral", () => {
  it("escapes ${ and %{ (also already-escaped ones, which are literal text too) and nothing else", () => {
    expect(escapeTemplate("a ${b} %{c} $${d} %%{e} $ { % {}")).toBe("a $${b} %%{c} $$${d} %%%{e} $ { % {}");
    expect(terraformLiteral(undefined)).toBeUndefined();
    expect(terraformLiterals({ A: "${x}", B: "y" })).toEqual({ A: "$${x}", B: "y" });
  });

  it("leaves cdktf tokens (references) alone", () => {
    Testing.synthScope((scope) => {
      const swarm = new DockerForAwsSwarm(scope, "Swarm", { stackName: "s", keyName: "k" });
      expect(terraformLiteral(swarm.loadBalancerDnsName)).toBe(swarm.loadBalancerDnsName);
    });
  });

  it("config strings reach the resources as literals: Terraform does not evaluate them", () => {
    const json: Json = JSON.parse(
      Testing.synthScope((scope) => {
        new DockerForAwsSwarm(scope, "Swarm", { stackName: "s", keyName: 'k"${x}', extraParameters: { Extra: "%{ if }" } });
        new EndpointHealthCheck(scope, "Check", { fqdn: "lb.example.com", port: 80, name: "n", searchString: "${y}", resourcePath: "/%{z}" });
      }),
    );
    expect(onlyResource(json, "aws_cloudformation_stack").parameters).toMatchObject({ KeyName: 'k"$${x}', Extra: "%%{ if }" });
    expect(onlyResource(json, "aws_route53_health_check")).toMatchObject({ search_string: "$${y}", resource_path: "/%%{z}" });
  });
});
