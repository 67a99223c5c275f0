// Services through SSM State Manager: one Command document + association per service (leader-only wrapper
// around the generated service script), a prune association, and how a regional stack picks SSM or SSH.
import { createHash } from "node:crypto";
import { Testing } from "cdktf";
import { parseConfig } from "../../config/load";
import type { ServiceConfig } from "../../config/schema";
import { serviceDeployScript } from "../../constructs/service-script";
import { SsmServices, ssmLeaderScript } from "../../constructs/ssm-services";
import { serviceSummary } from "../../constructs/swarm-services";
import { buildSite } from "../../stacks/site";
import { addressAt, seedWith, synthJson, type Json } from "../helpers";

const services: ServiceConfig[] = [
  { name: "web", image: "tutum/hello-world", replicas: 2, ports: [{ published: 8080, target: 80, protocol: "tcp" as const }], env: {} },
  { name: "api", image: "nginx", replicas: 1, ports: [], env: { A: "b" } },
];
const managerTags = { "swarm-node-type": "manager", "ha-site:stack": "site-swarm" };

function synth(list = services): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new SsmServices(scope, "Services", { stackName: "site-swarm", managerTags, services: list });
    }),
  );
}

describe("SsmServices", () => {
  const json = synth();
  const doc = (name: string) => json.resource.aws_ssm_document[addressAt(json, "aws_ssm_document", `Services/Document-${name}`)];
  const assoc = (name: string) => json.resource.aws_ssm_association[addressAt(json, "aws_ssm_association", `Services/Service-${name}`)];

  it("runs each service's generated script as an aws:runShellScript Command document, leader only", () => {
    for (const service of services) {
      const document = doc(service.name);
      expect(document).toMatchObject({ name: `ha-site-site-swarm-service-${service.name}`, document_type: "Command", document_format: "JSON" });
      const content = JSON.parse(document.content);
      expect(content.schemaVersion).toBe("2.2");
      expect(content.mainSteps).toHaveLength(1);
      expect(content.mainSteps[0].action).toBe("aws:runShellScript");
      const script = serviceDeployScript(service);
      expect(content.mainSteps[0].inputs.runCommand.join("\n") + "\n").toBe(
        ssmLeaderScript({ stackName: "site-swarm", action: "deploy", service: service.name, serviceScript: script }),
      );
      expect(content.description).toContain(serviceSummary(service));
      expect(content.description).toContain(createHash("sha256").update(script).digest("hex"));
      // Nothing SSM (double braces) or Terraform (dollar-brace) would read as its own template syntax.
      expect(document.content).not.toMatch(/\{\{|\$\{|%\{/);
    }
  });

  it("associates each document with the managers by tag, waiting for success, replaced (not removed) on a change", () => {
    const document = addressAt(json, "aws_ssm_document", "Services/Document-web");
    expect(assoc("web")).toEqual({
      name: `\${aws_ssm_document.${document}.name}`,
      association_name: "ha-site-site-swarm-web",
      document_version: `\${aws_ssm_document.${document}.latest_version}`,
      targets: [
        { key: "tag:ha-site:stack", values: ["site-swarm"] },
        { key: "tag:swarm-node-type", values: ["manager"] },
      ],
      max_concurrency: "100%",
      max_errors: "0",
      compliance_severity: "HIGH",
      wait_for_success_timeout_seconds: 1800,
      lifecycle: { create_before_destroy: true, replace_triggered_by: [`aws_ssm_document.${document}`] },
    });
  });

  it("a spec change updates the document in place (same address and name) with a new script", () => {
    const changed = synth([{ ...services[0], replicas: 5 }, services[1]]);
    const id = addressAt(json, "aws_ssm_document", "Services/Document-web");
    expect(addressAt(changed, "aws_ssm_document", "Services/Document-web")).toBe(id);
    expect(changed.resource.aws_ssm_document[id].name).toBe(doc("web").name);
    expect(changed.resource.aws_ssm_document[id].content).not.toBe(doc("web").content);
  });

  it("prunes the labelled services that left the configuration, after every deployment", () => {
    const prune = json.resource.aws_ssm_association[addressAt(json, "aws_ssm_association", "Services/Prune")];
    expect(prune.depends_on.sort()).toEqual(
      ["web", "api"].map((n) => `aws_ssm_association.${addressAt(json, "aws_ssm_association", `Services/Service-${n}`)}`).sort(),
    );
    const pruneDoc = json.resource.aws_ssm_document[addressAt(json, "aws_ssm_document", "Services/PruneDocument")];
    expect(JSON.parse(pruneDoc.content).mainSteps[0].inputs.runCommand).toContain("KEEP_SERVICES='web api'");
    // Removing a service from the config changes the prune document: its association is replaced, so it runs.
    const fewer = synth([services[0]]);
    const fewerDoc = fewer.resource.aws_ssm_document[addressAt(fewer, "aws_ssm_document", "Services/PruneDocument")];
    expect(JSON.parse(fewerDoc.content).mainSteps[0].inputs.runCommand).toContain("KEEP_SERVICES=web");
  });
});

describe("regional stack: SSM on native regions", () => {
  const nativeSeed = () => seedWith({ engine: "native" });
  const stacks = (input = nativeSeed()) => buildSite(Testing.app(), parseConfig(input, "test")).regions.map((r) => synthJson(r));

  it("starts services through SSM by default: no null provider, no SSH key variable, no port 22 ingress", () => {
    for (const stack of stacks()) {
      expect(Object.keys(stack.resource.aws_ssm_association ?? {}).some((k) => k.includes("Service-hello-world"))).toBe(true);
      expect(stack.resource.null_resource).toBeUndefined();
      expect(stack.variable).toBeUndefined();
      expect(stack.provider.null).toBeUndefined();
      expect(stack.data?.aws_instances).toBeUndefined();
      const ingress = Object.values<Json>(stack.resource.aws_vpc_security_group_ingress_rule);
      expect(ingress.filter((r) => r.from_port <= 22 && r.to_port >= 22)).toEqual([]);
    }
  });

  it("keeps SSH for Docker for AWS regions and for method ssh", () => {
    const mixed = seedWith();
    mixed.regions = [{ ...mixed.regions[0], engine: "native" }, mixed.regions[1]];
    const [west, east] = stacks(mixed);
    expect(west.resource.null_resource).toBeUndefined();
    expect(Object.keys(east.resource.null_resource)).toHaveLength(1);
    const ssh = seedWith({ engine: "native", provisioning: { method: "ssh" } });
    ssh.regions = ssh.regions.map((r) => ({ ...r, sshCidrs: ["203.0.113.7/32"] }));
    for (const stack of stacks(ssh)) {
      expect(stack.resource.aws_ssm_association && Object.keys(stack.resource.aws_ssm_association).some((k) => k.includes("Service-"))).toBeFalsy();
      expect(Object.keys(stack.resource.null_resource)).toHaveLength(1);
    }
  });
});
