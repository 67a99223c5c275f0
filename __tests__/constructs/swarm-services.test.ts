import { createHash } from "node:crypto";
import { Testing } from "cdktf";
import { parseConfig } from "../../config/load";
import type { ServiceConfig } from "../../config/schema";
import { DockerForAwsSwarm } from "../../constructs/docker-for-aws-swarm";
import { serviceDeployScript, serviceRemoveScript } from "../../constructs/service-script";
import { escapeTemplate, serviceSummary, SwarmServices, type SwarmServicesProps } from "../../constructs/swarm-services";
import { addressAt, resourceAt, seedWith, type Json } from "../helpers";

const services: ServiceConfig[] = parseConfig(
  seedWith({
    services: [
      { name: "hello-world", image: "tutum/hello-world", replicas: 10, ports: [{ published: 8080, target: 80 }] },
      { name: "api", image: "example/api:1.0", replicas: 2, ports: [{ published: 9000, target: 9000 }], env: { GREETING: "it's ${HOME} $(id)" } },
    ],
  }),
).services;

function synth(props: Partial<SwarmServicesProps> = {}, list: readonly ServiceConfig[] = services): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      const swarm = new DockerForAwsSwarm(scope, "Swarm", { stackName: "site-swarm", keyName: "swarm" });
      new SwarmServices(scope, "Services", { swarm, services: list, privateKey: "${var.ssh_private_key_us_west_2}", ...props });
    }),
  );
}

/** The script a remote-exec `inline` list runs (Terraform joins the lines and un-escapes `$${`/`%%{`). */
const scriptOf = (inline: string[]) => inline.join("\n").replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
const remoteExec = (resource: Json) => resource.provisioner.map((p: Json) => p["remote-exec"]);

describe("SwarmServices", () => {
  const json = synth();
  const managers = addressAt(json, "aws_instances", "Services/Managers", "data");
  const host = `\${element(sort(data.aws_instances.${managers}.public_ips), 0)}`;

  it("finds the running managers by the swarm's tags, after the swarm exists, and fails clearly when there are none", () => {
    const cfn = addressAt(json, "aws_cloudformation_stack", "Swarm");
    // Not on the stack itself (its every pending change would defer the lookup and re-plan every service), but
    // on a terraform_data that holds the stack's id: it changes only when the stack is created or replaced.
    const ready = addressAt(json, "terraform_data", "Swarm/Ready");
    expect(json.resource.terraform_data[ready]).toEqual({ input: { swarm_id: `\${aws_cloudformation_stack.${cfn}.id}` } });
    expect(json.data.aws_instances[managers]).toEqual({
      instance_tags: { "swarm-node-type": "manager", "aws:cloudformation:stack-name": "site-swarm" },
      instance_state_names: ["running"],
      depends_on: [`terraform_data.${ready}`],
      lifecycle: {
        postcondition: [{ condition: "${length(self.public_ips) > 0}", error_message: expect.stringContaining("No running swarm manager with a public IP was found") }],
      },
    });
  });

  it.each(services.map((s) => [s.name, s] as const))("creates or updates %s through a null_resource keyed by manager, spec and script", (name, service) => {
    const deployment = resourceAt(json, "null_resource", `Services/Service-${name}`);
    const script = serviceDeployScript(service);
    expect(deployment.triggers).toEqual({
      host,
      user: "docker",
      spec: serviceSummary(service),
      script_sha256: createHash("sha256").update(script).digest("hex"),
    });
    const [exec] = remoteExec(deployment);
    expect(scriptOf(exec.inline)).toBe(script);
    expect(exec.when).toBeUndefined();
    expect(exec.connection).toEqual({
      type: "ssh",
      host: "${self.triggers.host}",
      user: "${self.triggers.user}",
      agent: "false",
      private_key: "${var.ssh_private_key_us_west_2}",
      timeout: "5m",
    });
    const removal = addressAt(json, "terraform_data", `Services/Removal-${name}`);
    expect(deployment.depends_on).toEqual([`terraform_data.${removal}`]);
  });

  it.each(services.map((s) => [s.name] as const))("removes %s at destroy time, referencing only self, continuing if the swarm is gone", (name) => {
    const removal = resourceAt(json, "terraform_data", `Services/Removal-${name}`);
    expect(removal.triggers_replace).toEqual({ service: name });
    expect(removal.input).toEqual({ host, user: "docker", service: name });
    const [exec] = remoteExec(removal);
    expect(exec.when).toBe("destroy");
    expect(exec.on_failure).toBe("continue");
    expect(scriptOf(exec.inline)).toBe(serviceRemoveScript(name));
    expect(exec.connection).toEqual({ type: "ssh", host: "${self.output.host}", user: "${self.output.user}", agent: "true", timeout: "1m" });
    // Terraform's rule: a destroy-time provisioner and its connection reference only self, count.index, each.key.
    const references = JSON.stringify(exec).match(/(?<!\$)\$\{[^}]*\}/g) ?? [];
    expect(references).toEqual(["${self.output.host}", "${self.output.user}"]);
  });

  it("escapes template syntax in scripts, so Terraform passes `${` and `%{` through literally", () => {
    expect(escapeTemplate('a=${b} %{ if } $x')).toBe('a=$${b} %%{ if } $x');
    const api = resourceAt(json, "null_resource", "Services/Service-api");
    const lines: string[] = remoteExec(api)[0].inline;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("$${HOME}");
    expect(lines[0]).not.toMatch(/(?<!\$)\$\{/);
  });

  it("uses the ssh-agent instead of a key when no key is given", () => {
    const agent = synth({ privateKey: undefined });
    const deployment = resourceAt(agent, "null_resource", "Services/Service-api");
    expect(remoteExec(deployment)[0].connection).toEqual(expect.objectContaining({ agent: "true" }));
    expect(remoteExec(deployment)[0].connection.private_key).toBeUndefined();
  });

  it("re-runs only the create-or-update resource when a spec changes; the removal resource stays", () => {
    const changed = synth({}, [{ ...services[0], replicas: 3, image: "tutum/hello-world:latest" }]);
    const before = resourceAt(json, "null_resource", "Services/Service-hello-world");
    const after = resourceAt(changed, "null_resource", "Services/Service-hello-world");
    expect(after.triggers.spec).toBe("image=tutum/hello-world:latest replicas=3 ports=8080:80/tcp env=none");
    expect(after.triggers.script_sha256).not.toBe(before.triggers.script_sha256);
    expect(resourceAt(changed, "terraform_data", "Services/Removal-hello-world")).toEqual(resourceAt(json, "terraform_data", "Services/Removal-hello-world"));
  });

  it("keeps env values out of the plan's spec line", () => {
    expect(resourceAt(json, "null_resource", "Services/Service-api").triggers.spec).toBe("image=example/api:1.0 replicas=2 ports=9000:9000/tcp env=GREETING");
  });
});
