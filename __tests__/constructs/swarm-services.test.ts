import { createHash } from "node:crypto";
import { Testing } from "cdktf";
import { parseConfig } from "../../config/load";
import type { ServiceConfig } from "../../config/schema";
import { DockerForAwsSwarm } from "../../constructs/docker-for-aws-swarm";
import { serviceDeployParts, serviceDeployScript, serviceNodeWaitParts, serviceNodeWaitScript, serviceRemoveScript, serviceScriptLibrary } from "../../constructs/service-script";
import { escapeTemplate, serviceSummary, SwarmServices, type SwarmServicesProps } from "../../constructs/swarm-services";
import { addressAt, resourceAt, seedWith, type Json } from "../helpers";
import { evaluateTemplate } from "./terraform-template";

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

const evaluate = evaluateTemplate;
/** The script a remote-exec `inline` list runs (Terraform joins the lines). */
const scriptOf = (inline: string[], json: Json, self?: Json) => evaluate(inline.join("\n"), json, self);
const remoteExec = (resource: Json) => resource.provisioner.map((p: Json) => p["remote-exec"]);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

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

  it("ships the shared shell library once, as a local, not once per service", () => {
    const locals = Object.entries<string>(json.locals);
    const libraries = locals.filter(([name]) => name.startsWith("Services_ShellLibrary_"));
    expect(libraries).toHaveLength(1);
    const [name, value] = libraries[0];
    expect(evaluate(value, json)).toBe(serviceScriptLibrary());
    // Each script refers to it; none carries a copy.
    const text = JSON.stringify(json.resource);
    expect(text.split(`\${local.${name}}`).length - 1).toBe(services.length * 3);
    expect(text).not.toContain("with_timeout() {");
  });

  it.each(services.map((s) => [s.name, s] as const))(
    "creates or updates %s through a null_resource keyed by manager, spec and script: node wait, then the deploy in a new SSH session",
    (name, service) => {
      const deployment = resourceAt(json, "null_resource", `Services/Service-${name}`);
      const wait = serviceNodeWaitParts(name);
      const deploy = serviceDeployParts(service);
      expect(deployment.triggers).toEqual({
        host,
        user: "docker",
        spec: serviceSummary(service),
        parameters_sha256: sha256(wait.head + wait.tail + deploy.head + deploy.tail),
        library_sha256: sha256(serviceScriptLibrary()),
      });
      const execs = remoteExec(deployment);
      // Two provisioners: two SSH sessions (a session keeps the groups it logged in with).
      expect(execs).toHaveLength(2);
      expect(scriptOf(execs[0].inline, json)).toBe(serviceNodeWaitScript(name));
      expect(scriptOf(execs[1].inline, json)).toBe(serviceDeployScript(service));
      for (const exec of execs) {
        expect(exec.inline).toHaveLength(1);
        expect(exec.when).toBeUndefined();
        // The resource's connection applies to both (Terraform: a provisioner without its own uses the resource's).
        expect(exec.connection).toBeUndefined();
      }
      expect(deployment.connection).toEqual({
        type: "ssh",
        host: "${self.triggers.host}",
        user: "${self.triggers.user}",
        agent: "false",
        private_key: "${var.ssh_private_key_us_west_2}",
        timeout: "5m",
      });
      const removal = addressAt(json, "terraform_data", `Services/Removal-${name}`);
      expect(deployment.depends_on).toEqual([`terraform_data.${removal}`]);
    },
  );

  it("Docker for AWS managers have no readiness marker: the node wait checks cloud-init only where it exists", () => {
    const [wait] = remoteExec(resourceAt(json, "null_resource", "Services/Service-api"));
    expect(scriptOf(wait.inline, json)).toContain("\nREADY_MARKER=''\n");
  });

  it.each(services.map((s) => [s.name] as const))("removes %s at destroy time, referencing only self, continuing if the swarm is gone", (name) => {
    const removal = resourceAt(json, "terraform_data", `Services/Removal-${name}`);
    const library = Object.keys(json.locals).find((k) => k.startsWith("Services_ShellLibrary_"));
    expect(removal.triggers_replace).toEqual({ service: name });
    expect(removal.input).toEqual({ host, user: "docker", service: name, library: `\${local.${library}}` });
    const [exec] = remoteExec(removal);
    expect(exec.when).toBe("destroy");
    expect(exec.on_failure).toBe("continue");
    expect(scriptOf(exec.inline, json, { library: json.locals[library ?? ""] })).toBe(serviceRemoveScript(name));
    expect(exec.connection).toEqual({ type: "ssh", host: "${self.output.host}", user: "${self.output.user}", agent: "true", timeout: "1m" });
    // Terraform's rule: a destroy-time provisioner and its connection reference only self, count.index, each.key.
    const references = JSON.stringify(exec).match(/(?<!\$)\$\{[^}]*\}/g) ?? [];
    expect([...references].sort()).toEqual(["${self.output.host}", "${self.output.library}", "${self.output.user}"]);
  });

  it("escapes template syntax in scripts, so Terraform passes `${` and `%{` through literally", () => {
    expect(escapeTemplate('a=${b} %{ if } $x')).toBe('a=$${b} %%{ if } $x');
    const api = resourceAt(json, "null_resource", "Services/Service-api");
    const lines: string[] = remoteExec(api)[1].inline;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("$${HOME}");
    const library = Object.keys(json.locals).find((k) => k.startsWith("Services_ShellLibrary_")) ?? "";
    expect(json.locals[library]).toContain("$${1#*:}");
    for (const text of [lines[0], json.locals[library]]) {
      expect(text.replace(`\${local.${library}}`, "")).not.toMatch(/(?<!\$)\$\{|(?<!%)%\{/);
    }
  });

  it("uses the ssh-agent instead of a key when no key is given", () => {
    const agent = synth({ privateKey: undefined });
    const deployment = resourceAt(agent, "null_resource", "Services/Service-api");
    expect(remoteExec(deployment)).toHaveLength(2);
    for (const exec of remoteExec(deployment)) expect(exec.connection).toBeUndefined();
    expect(deployment.connection).toEqual(expect.objectContaining({ agent: "true" }));
    expect(deployment.connection.private_key).toBeUndefined();
  });

  it("a spec change shows in the plan as the few parameters that changed; the library and the removal resource stay", () => {
    const changed = synth({}, [{ ...services[0], replicas: 3, ports: [{ published: 8081, target: 80, protocol: "tcp" }] }]);
    const before = resourceAt(json, "null_resource", "Services/Service-hello-world");
    const after = resourceAt(changed, "null_resource", "Services/Service-hello-world");
    expect(after.triggers.spec).toBe("image=tutum/hello-world replicas=3 ports=8081:80/tcp env=none");
    expect(after.triggers.parameters_sha256).not.toBe(before.triggers.parameters_sha256);
    expect(after.triggers.library_sha256).toBe(before.triggers.library_sha256);
    expect(changed.locals).toEqual(json.locals);
    // The deploy script's text differs only in the parameter lines.
    const lines = (r: Json) => remoteExec(r)[1].inline[0].split("\n");
    const [a, b] = [lines(before), lines(after)];
    expect(a.length).toBe(b.length);
    expect(a.filter((l: string, i: number) => l !== b[i])).toEqual(["REPLICAS=10", "DESIRED_PORTS=8080:80/tcp/ingress"]);
    expect(resourceAt(changed, "terraform_data", "Services/Removal-hello-world")).toEqual(resourceAt(json, "terraform_data", "Services/Removal-hello-world"));
  });

  it("keeps env values out of the plan's spec line", () => {
    expect(resourceAt(json, "null_resource", "Services/Service-api").triggers.spec).toBe("image=example/api:1.0 replicas=2 ports=9000:9000/tcp env=GREETING");
  });
});
