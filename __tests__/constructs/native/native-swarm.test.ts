// The native (EC2) swarm engine's Terraform: network, security groups, SSM parameters, IAM, launch templates,
// Auto Scaling groups, load balancer, the RegionalSwarm outputs, and prop validation. Synth only: no AWS,
// no terraform binary (the real `terraform validate`/`plan` of this output is tf-validate's job).
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { TerraformOutput, Testing } from "cdktf";
import { KeyPair } from "@cdktf/provider-aws/lib/key-pair";
import {
  NATIVE_BOOTSTRAP_DEFAULTS,
  NATIVE_BOOTSTRAP_PARAMETERS,
  nativeBootstrapScript,
} from "../../../constructs/native/bootstrap-script";
import {
  NATIVE_DEFAULT_AMI_PARAMETER,
  NativeSwarm,
  fitName,
  loadBalancerName,
  type NativeSwarmProps,
  userData as userDataBase64,
} from "../../../constructs/native/native-swarm";
import { SWARM_PORTS } from "../../../constructs/native/swarm-ports";
import { SSM_AGENT_ACTIONS, SSM_MANAGED_INSTANCE_CORE_ACTIONS } from "../../../constructs/native/node-role";
import { addressAt, resourceAt, type Json } from "../../helpers";

const BASE: NativeSwarmProps = {
  stackName: "site-swarm",
  region: "us-west-2",
  keyName: "swarm",
  managers: 3,
  workers: 5,
  ports: [{ published: 8080, protocol: "tcp" }],
  healthCheckPort: 8080,
};

interface Synth {
  swarm: NativeSwarm;
  json: Json;
  /** Resources of `type` (logical id -> config). */
  all(type: string): Record<string, Json>;
  /** `${type.address}` of the resource (or data source) at construct path `.../path`. */
  ref(type: string, path: string, block?: "resource" | "data"): string;
}

function synthSwarm(props: Partial<NativeSwarmProps> = {}): Synth {
  let swarm: NativeSwarm | undefined;
  const text = Testing.synthScope((scope) => {
    swarm = new NativeSwarm(scope, "Swarm", { ...BASE, ...props });
    new TerraformOutput(scope, "dns", { value: swarm.loadBalancerDnsName });
    new TerraformOutput(scope, "zone", { value: swarm.loadBalancerZoneId });
    new TerraformOutput(scope, "vpc", { value: swarm.vpcId });
    new TerraformOutput(scope, "managers", { value: swarm.managersConsoleUrl });
  });
  const json: Json = JSON.parse(text);
  return {
    swarm: swarm!,
    json,
    all: (type) => json.resource?.[type] ?? {},
    ref: (type, path, block = "resource") =>
      `${block === "data" ? "data." : ""}${type}.${addressAt(json, type, path, block)}`,
  };
}

// The default synth is shared by the tests that only read it.
let defaultSynth: Synth | undefined;
const byDefault = () => (defaultSynth ??= synthSwarm({ sshCidrs: ["203.0.113.0/24"] }));

const decode = (userData: string) => Buffer.from(userData, "base64").toString("utf8");
const param = (name: string) => `/ha-site/site-swarm/${name}`;

describe("NativeSwarm launch templates", () => {
  it("uses launch templates only, with IMDSv2, an encrypted gp3 root volume and the AMI from SSM", () => {
    const { json, all, ref } = byDefault();
    expect(json.resource.aws_launch_configuration).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain("launch_configuration");
    expect(Object.keys(all("aws_launch_template"))).toHaveLength(2);
    expect(json.data.aws_ssm_parameter[addressAt(json, "aws_ssm_parameter", "Swarm/Ami", "data")]).toEqual({
      name: NATIVE_DEFAULT_AMI_PARAMETER,
    });
    for (const role of ["Manager", "Worker"]) {
      const template = resourceAt(json, "aws_launch_template", `Swarm/${role}LaunchTemplate`);
      expect(template.image_id).toBe(`\${${ref("aws_ssm_parameter", "Swarm/Ami", "data")}.insecure_value}`);
      expect(template.instance_type).toBe("t3.micro");
      expect(template.key_name).toBe("swarm");
      expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
      expect(template.block_device_mappings).toEqual([
        { device_name: "/dev/xvda", ebs: { volume_size: 20, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } },
      ]);
      expect(template.iam_instance_profile).toEqual({
        arn: `\${${ref("aws_iam_instance_profile", `Swarm/${role}Role/InstanceProfile`)}.arn}`,
      });
      expect(template.network_interfaces).toEqual([
        {
          device_index: 0,
          associate_public_ip_address: "true",
          delete_on_termination: "true",
          security_groups: [`\${${ref("aws_security_group", "Swarm/Security/Nodes")}.id}`],
        },
      ]);
      expect(template.vpc_security_group_ids).toBeUndefined();
    }
  });

  it("carries the bootstrap script of the right role as user data: base64encode of a local holding the text", () => {
    const { json } = byDefault();
    for (const role of ["manager", "worker"] as const) {
      const label = role === "manager" ? "Manager" : "Worker";
      const userData: string = resourceAt(json, "aws_launch_template", `Swarm/${label}LaunchTemplate`).user_data;
      const local = /^\$\{base64encode\(local\.([A-Za-z0-9_-]+)\)\}$/.exec(userData)?.[1];
      expect(local).toMatch(new RegExp(`^Swarm_${label}UserData_`));
      expect(json.locals[local ?? ""]).toBe(nativeBootstrapScript({ role, stackName: "site-swarm", region: "us-west-2" }));
      expect(decode(userDataBase64(role, "site-swarm", "us-west-2"))).toBe(json.locals[local ?? ""]);
    }
  });

  it("tags instances and volumes with Name, swarm-node-type and ha-site:stack", () => {
    const { json } = byDefault();
    for (const role of ["manager", "worker"]) {
      const label = role === "manager" ? "Manager" : "Worker";
      const tags = { Name: `site-swarm-${role}`, "swarm-node-type": role, "ha-site:stack": "site-swarm" };
      expect(resourceAt(json, "aws_launch_template", `Swarm/${label}LaunchTemplate`).tag_specifications).toEqual([
        { resource_type: "instance", tags },
        { resource_type: "volume", tags },
      ]);
    }
    expect(JSON.stringify(json)).not.toContain("aws:cloudformation");
  });

  it("applies instance types, disk sizes and the AMI parameter per role", () => {
    const { json } = synthSwarm({
      managerInstanceType: "m7i.large",
      workerInstanceType: "c7i.xlarge",
      managerDiskSize: 40,
      workerDiskSize: 80,
      amiParameter: "/my/ami",
    });
    const manager = resourceAt(json, "aws_launch_template", "Swarm/ManagerLaunchTemplate");
    const worker = resourceAt(json, "aws_launch_template", "Swarm/WorkerLaunchTemplate");
    expect([manager.instance_type, worker.instance_type]).toEqual(["m7i.large", "c7i.xlarge"]);
    expect([manager.block_device_mappings[0].ebs.volume_size, worker.block_device_mappings[0].ebs.volume_size]).toEqual([40, 80]);
    expect(Object.values(json.data.aws_ssm_parameter)).toEqual([{ name: "/my/ami" }]);
  });
});

describe("NativeSwarm Auto Scaling groups", () => {
  it("sizes the groups, spreads them over the subnets and registers every node with every target group", () => {
    const { json, all, ref } = synthSwarm({ ports: [{ published: 8080, protocol: "tcp" }, { published: 9000, protocol: "tcp" }] });
    const targetGroups = Object.keys(all("aws_lb_target_group")).map((id) => `\${aws_lb_target_group.${id}.arn}`);
    expect(targetGroups).toHaveLength(2);
    for (const [label, size] of [["Manager", 3], ["Worker", 5]] as const) {
      const group = resourceAt(json, "aws_autoscaling_group", `Swarm/${label}s`);
      expect([group.min_size, group.max_size, group.desired_capacity]).toEqual([size, size, size]);
      expect(group.vpc_zone_identifier).toBe(`\${${ref("aws_subnets", "Swarm/Network/DefaultSubnets", "data")}.ids}`);
      expect(group.launch_template).toEqual({
        id: `\${${ref("aws_launch_template", `Swarm/${label}LaunchTemplate`)}.id}`,
        version: "$Latest",
      });
      expect([...group.target_group_arns].sort()).toEqual([...targetGroups].sort());
      expect(group.health_check_type).toBe("EC2");
      expect(group.launch_configuration).toBeUndefined();
    }
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Managers").suspended_processes).toEqual(["AZRebalance"]);
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Workers").suspended_processes).toBeUndefined();
  });

  it("propagates the node tags to the instances", () => {
    const { json } = byDefault();
    for (const role of ["manager", "worker"]) {
      const group = resourceAt(json, "aws_autoscaling_group", `Swarm/${role === "manager" ? "Managers" : "Workers"}`);
      expect(group.name).toBe(`site-swarm-${role}s`);
      expect(group.tag).toEqual([
        { key: "Name", value: `site-swarm-${role}`, propagate_at_launch: true },
        { key: "swarm-node-type", value: role, propagate_at_launch: true },
        { key: "ha-site:stack", value: "site-swarm", propagate_at_launch: true },
      ]);
    }
  });

  it("starts instances only after the SSM parameters and the role's policy exist (and destroys them first)", () => {
    const { json, all } = byDefault();
    const parameters = Object.keys(all("aws_ssm_parameter")).map((id) => `aws_ssm_parameter.${id}`);
    expect(parameters).toHaveLength(4);
    for (const label of ["Manager", "Worker"]) {
      const dependsOn: string[] = resourceAt(json, "aws_autoscaling_group", `Swarm/${label}s`).depends_on;
      expect(dependsOn).toEqual(expect.arrayContaining(parameters));
      expect(dependsOn).toContain(`aws_iam_role_policy.${addressAt(json, "aws_iam_role_policy", `Swarm/${label}Role/Policy`)}`);
    }
  });

  it("makes nodes wait for the resources given in dependsOn", () => {
    const text = Testing.synthScope((scope) => {
      const key = new KeyPair(scope, "KeyPair", { keyName: "swarm", publicKey: "ssh-ed25519 AAAA" });
      new NativeSwarm(scope, "Swarm", { ...BASE, dependsOn: [key] });
    });
    const json: Json = JSON.parse(text);
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Managers").depends_on).toContain("aws_key_pair.KeyPair");
    expect(resourceAt(json, "aws_launch_template", "Swarm/WorkerLaunchTemplate").depends_on).toEqual(["aws_key_pair.KeyPair"]);
  });

  it("allows a swarm of one manager and no workers", () => {
    const { json } = synthSwarm({ managers: 1, workers: 0 });
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Managers").desired_capacity).toBe(1);
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Workers")).toMatchObject({ min_size: 0, max_size: 0, desired_capacity: 0 });
  });
});

describe("NativeSwarm security groups", () => {
  const ingressRules = (synth: Synth) => Object.entries(synth.all("aws_vpc_security_group_ingress_rule"));
  const swarmPorts = new Set(SWARM_PORTS.map((x) => x.port));

  it("never opens SSH or the swarm ports to the internet, and only published ports to anyone", () => {
    for (const synth of [byDefault(), synthSwarm({ loadBalancer: "alb", sshCidrs: ["198.51.100.7/32"] }), synthSwarm({ vpc: "10.0.0.0/16" })]) {
      const rules = ingressRules(synth);
      expect(rules.length).toBeGreaterThan(0);
      for (const [, rule] of rules) {
        expect(rule.ip_protocol).not.toBe("-1");
        expect(rule.from_port).toBe(rule.to_port);
        if (rule.cidr_ipv4 === "0.0.0.0/0") expect(rule.from_port).toBe(8080);
        if (rule.from_port === 22) expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
        if (swarmPorts.has(rule.from_port)) expect(rule.cidr_ipv4).toBeUndefined();
        expect(rule.cidr_ipv6).toBeUndefined();
      }
    }
  });

  it("opens SSH only from the given CIDRs, and not at all without them", () => {
    const ssh = (synth: Synth) => ingressRules(synth).filter(([, rule]) => rule.from_port === 22).map(([, rule]) => rule);
    const nodes = `\${${byDefault().ref("aws_security_group", "Swarm/Security/Nodes")}.id}`;
    expect(ssh(byDefault())).toEqual([
      { security_group_id: nodes, ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "203.0.113.0/24", description: "SSH from 203.0.113.0/24" },
    ]);
    expect(ssh(synthSwarm({ sshCidrs: ["203.0.113.0/24", "198.51.100.7/32"] })).map((rule) => rule.cidr_ipv4).sort()).toEqual([
      "198.51.100.7/32",
      "203.0.113.0/24",
    ]);
    expect(ssh(synthSwarm())).toEqual([]);
    expect(ssh(synthSwarm({ sshCidrs: [] }))).toEqual([]);
  });

  it("opens the swarm ports between the nodes only (self-referencing) and lets all traffic out", () => {
    const synth = byDefault();
    const nodes = `\${${synth.ref("aws_security_group", "Swarm/Security/Nodes")}.id}`;
    const swarmRules = ingressRules(synth)
      .map(([, rule]) => rule)
      .filter((rule) => swarmPorts.has(rule.from_port));
    expect(swarmRules.map((rule) => `${rule.from_port}/${rule.ip_protocol}`).sort()).toEqual(["2377/tcp", "4789/udp", "7946/tcp", "7946/udp"]);
    for (const rule of swarmRules) {
      expect(rule).toMatchObject({ security_group_id: nodes, referenced_security_group_id: nodes });
    }
    expect(Object.values(synth.all("aws_vpc_security_group_egress_rule"))).toEqual([
      expect.objectContaining({ security_group_id: nodes, ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" }),
    ]);
  });

  it("NLB: opens each published port and protocol to anyone (the NLB keeps client addresses)", () => {
    const synth = synthSwarm({ ports: [{ published: 8080, protocol: "tcp" }, { published: 53, protocol: "udp" }, { published: 53, protocol: "tcp" }] });
    const published = ingressRules(synth)
      .map(([, rule]) => rule)
      .filter((rule) => rule.cidr_ipv4 === "0.0.0.0/0")
      .map((rule) => `${rule.from_port}/${rule.ip_protocol}`);
    expect(published.sort()).toEqual(["53/tcp", "53/udp", "8080/tcp"]);
    expect(Object.keys(synth.all("aws_security_group"))).toHaveLength(1);
  });

  it("ALB: the nodes take published ports only from the ALB's group, which is open to anyone", () => {
    const synth = synthSwarm({ loadBalancer: "alb" });
    const nodes = `\${${synth.ref("aws_security_group", "Swarm/Security/Nodes")}.id}`;
    const alb = `\${${synth.ref("aws_security_group", "Swarm/Security/LoadBalancer")}.id}`;
    const rules = ingressRules(synth).map(([, rule]) => rule);
    expect(rules.filter((rule) => rule.cidr_ipv4 === "0.0.0.0/0")).toEqual([
      expect.objectContaining({ security_group_id: alb, ip_protocol: "tcp", from_port: 8080, to_port: 8080 }),
    ]);
    expect(rules.filter((rule) => rule.from_port === 8080 && rule.security_group_id === nodes)).toEqual([
      expect.objectContaining({ ip_protocol: "tcp", referenced_security_group_id: alb }),
    ]);
    expect(resourceAt(synth.json, "aws_vpc_security_group_egress_rule", "Swarm/Security/LoadBalancerToNodes-8080")).toMatchObject({
      security_group_id: alb,
      referenced_security_group_id: nodes,
      from_port: 8080,
      to_port: 8080,
    });
    expect(resourceAt(synth.json, "aws_lb", "Swarm/LoadBalancer").security_groups).toEqual([alb]);
  });
});

describe("NativeSwarm load balancer", () => {
  it("NLB: internet-facing in the subnets, one listener and target group per port, HTTP health check on the app", () => {
    const synth = synthSwarm({
      ports: [{ published: 8080, protocol: "tcp" }, { published: 53, protocol: "udp" }, { published: 53, protocol: "tcp" }, { published: 5000, protocol: "udp" }],
      healthCheckPath: "/health",
    });
    const { json, all, ref } = synth;
    expect(resourceAt(json, "aws_lb", "Swarm/LoadBalancer")).toMatchObject({
      name: "site-swarm",
      load_balancer_type: "network",
      internal: false,
      enable_cross_zone_load_balancing: true,
      subnets: `\${${ref("aws_subnets", "Swarm/Network/DefaultSubnets", "data")}.ids}`,
    });
    const lb = `\${${ref("aws_lb", "Swarm/LoadBalancer")}.arn}`;
    const protocols: Record<number, string> = { 8080: "TCP", 53: "TCP_UDP", 5000: "UDP" };
    expect(Object.keys(all("aws_lb_listener"))).toHaveLength(3);
    expect(Object.keys(all("aws_lb_target_group"))).toHaveLength(3);
    for (const [port, protocol] of Object.entries(protocols)) {
      const targetGroup = resourceAt(json, "aws_lb_target_group", `Swarm/LoadBalancer/TargetGroup-${port}`);
      expect(targetGroup).toMatchObject({
        port: Number(port),
        protocol,
        target_type: "instance",
        deregistration_delay: "30",
        vpc_id: `\${${ref("aws_vpc", "Swarm/Network/DefaultVpc", "data")}.id}`,
        lifecycle: { create_before_destroy: true },
      });
      expect(targetGroup.name).toBeUndefined();
      expect(targetGroup.health_check).toMatchObject({ enabled: true, protocol: "HTTP", port: "8080", path: "/health", matcher: "200-399" });
      expect(resourceAt(json, "aws_lb_listener", `Swarm/LoadBalancer/Listener-${port}`)).toEqual({
        load_balancer_arn: lb,
        port: Number(port),
        protocol,
        default_action: [{ type: "forward", target_group_arn: `\${${ref("aws_lb_target_group", `Swarm/LoadBalancer/TargetGroup-${port}`)}.arn}` }],
      });
    }
  });

  it("ALB: HTTP listeners and target groups, health check path defaulting to /", () => {
    const { json } = synthSwarm({ loadBalancer: "alb", ports: [{ published: 8080, protocol: "tcp" }, { published: 80, protocol: "tcp" }] });
    expect(resourceAt(json, "aws_lb", "Swarm/LoadBalancer")).toMatchObject({ load_balancer_type: "application", internal: false });
    expect(resourceAt(json, "aws_lb", "Swarm/LoadBalancer").enable_cross_zone_load_balancing).toBeUndefined();
    for (const port of [8080, 80]) {
      expect(resourceAt(json, "aws_lb_listener", `Swarm/LoadBalancer/Listener-${port}`)).toMatchObject({ port, protocol: "HTTP" });
      const targetGroup = resourceAt(json, "aws_lb_target_group", `Swarm/LoadBalancer/TargetGroup-${port}`);
      expect(targetGroup).toMatchObject({ port, protocol: "HTTP" });
      expect(targetGroup.health_check).toMatchObject({ protocol: "HTTP", port: "8080", path: "/", matcher: "200-399" });
    }
  });

  it("names the load balancer within AWS's limits", () => {
    expect(loadBalancerName("site-swarm")).toBe("site-swarm");
    for (const name of ["nosqlsearch-com-a-very-long-domain-swarm", "my.site_swarm", "internal-swarm", "a".repeat(128)]) {
      const lb = loadBalancerName(name);
      expect(lb).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])$/);
      expect(lb).not.toMatch(/^internal-/);
      expect(loadBalancerName(name)).toBe(lb);
    }
    expect(loadBalancerName("my.site_swarm")).not.toBe(loadBalancerName("my-site-swarm"));
    expect(fitName("x".repeat(70), 64)).toHaveLength(64);
    expect(fitName("short", 64)).toBe("short");
  });
});

describe("NativeSwarm SSM parameters and IAM", () => {
  it("creates the four bootstrap parameters with the placeholder and ignores the values the nodes write", () => {
    const { all } = byDefault();
    const parameters = Object.values(all("aws_ssm_parameter"));
    expect(parameters.map((p) => [p.name, p.type]).sort()).toEqual(
      Object.values(NATIVE_BOOTSTRAP_PARAMETERS)
        .map((p) => [param(p.name), p.type])
        .sort(),
    );
    for (const parameter of parameters) {
      if (parameter.type === "SecureString") {
        // Join tokens: write-only, so no value of theirs is ever in the plan or the state.
        expect(parameter).not.toHaveProperty("value");
        expect(parameter).not.toHaveProperty("insecure_value");
        expect(parameter.value_wo).toBe(NATIVE_BOOTSTRAP_DEFAULTS.placeholder);
        expect(parameter.value_wo_version).toBe(1);
        expect(parameter.lifecycle).toBeUndefined();
      } else {
        expect(parameter.value).toBe(NATIVE_BOOTSTRAP_DEFAULTS.placeholder);
        expect(parameter.lifecycle).toEqual({ ignore_changes: ["value"] });
      }
    }
    expect(parameters.filter((p) => p.type === "SecureString").map((p) => p.name).sort()).toEqual([param("manager-token"), param("worker-token")]);
  });

  it("keeps the join tokens out of Terraform's hands: value_wo is write-only in hashicorp/aws 6.25.0's schema", () => {
    // Terraform never stores a write-only attribute in the plan or the state, and the provider's read sets
    // `value` to null when has_value_wo is true (internal/service/ssm/parameter.go): no token value, ever.
    const schemaFile = join(__dirname, "../../../../shared/tools/tf-validate/schemas/aws-6.25.0.json");
    if (!existsSync(schemaFile)) return; // the schemas ship with tf-validate (../shared/tools), not with the repo
    const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
    const attributes = schema.provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas.aws_ssm_parameter.block.attributes;
    expect(attributes.value_wo).toMatchObject({ write_only: true, sensitive: true });
    const { all } = byDefault();
    const tokens = Object.values(all("aws_ssm_parameter")).filter((p) => p.type === "SecureString");
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      const stateful = Object.keys(token).filter((k) => k in attributes && !attributes[k].write_only && /value/.test(k) && k !== "value_wo_version");
      expect(stateful).toEqual([]);
    }
  });

  it("gives each node role exactly the bootstrap's permissions on the stack's own parameters", () => {
    const { json, ref } = byDefault();
    const arn = (name: string) => `\${${ref("aws_ssm_parameter", `Swarm/Parameter-${name}`)}.arn}`;
    const document = (label: string) => json.data.aws_iam_policy_document[addressAt(json, "aws_iam_policy_document", `Swarm/${label}Role/Permissions`, "data")];
    const documents = [`\${replace(${ref("aws_ssm_parameter", "Swarm/Parameter-lock")}.arn, ":parameter/ha-site/site-swarm/lock", ":document/ha-site-site-swarm-*")}`];
    const agent = (readable: string[]) => [
      { sid: "SsmAgent", effect: "Allow", actions: [...SSM_AGENT_ACTIONS], resources: ["*"] },
      { sid: "SsmAgentDocuments", effect: "Allow", actions: ["ssm:GetDocument", "ssm:DescribeDocument"], resources: documents },
      { sid: "SsmAgentParameters", effect: "Allow", actions: ["ssm:GetParameters"], resources: readable.map(arn) },
    ];
    const all = ["lock", "manager-token", "worker-token", "manager-address"];
    expect(document("Manager").statement).toEqual([
      { effect: "Allow", actions: ["ssm:GetParameter", "ssm:PutParameter"], resources: all.map(arn) },
      ...agent(all),
      { sid: "LifecycleCleanup", effect: "Allow", actions: ["ec2:DescribeInstances"], resources: ["*"] },
    ]);
    expect(document("Worker").statement).toEqual([
      { effect: "Allow", actions: ["ssm:GetParameter"], resources: ["worker-token", "manager-address"].map(arn) },
      ...agent(["worker-token", "manager-address"]),
    ]);
    // The agent statement: exactly the AmazonSSMManagedInstanceCore actions, with its parameter and document
    // reads narrowed to this stack (with "*", a worker could read the manager join token).
    expect(new Set([...SSM_AGENT_ACTIONS, "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetParameter", "ssm:GetParameters"])).toEqual(
      new Set(SSM_MANAGED_INSTANCE_CORE_ACTIONS),
    );
    expect(SSM_AGENT_ACTIONS.filter((a) => /Parameter|Document$/.test(a))).toEqual([]);
    // Nothing else account-wide: no wildcard action, and "*" resources only for the agent's own calls.
    for (const doc of Object.values(json.data.aws_iam_policy_document) as Json[]) {
      for (const statement of doc.statement) {
        for (const value of statement.actions ?? []) expect(value).not.toContain("*");
        if (!["SsmAgent", "LifecycleCleanup", "FollowCommands"].includes(statement.sid)) {
          for (const value of statement.resources ?? []) expect(value).not.toBe("*");
        }
      }
    }
    for (const label of ["Manager", "Worker"]) {
      expect(resourceAt(json, "aws_iam_role_policy", `Swarm/${label}Role/Policy`)).toEqual({
        name: "swarm-bootstrap",
        role: `\${${ref("aws_iam_role", `Swarm/${label}Role`)}.id}`,
        policy: `\${${ref("aws_iam_policy_document", `Swarm/${label}Role/Permissions`, "data")}.json}`,
      });
    }
    expect(json.resource.aws_iam_policy).toBeUndefined();
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  it("lets only EC2 assume the roles, one role and instance profile per node type (named per region)", () => {
    const { json, ref } = byDefault();
    for (const [label, role] of [["Manager", "manager"], ["Worker", "worker"]]) {
      const trust = json.data.aws_iam_policy_document[addressAt(json, "aws_iam_policy_document", `Swarm/${label}Role/Trust`, "data")];
      expect(trust.statement).toEqual([
        { effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] },
      ]);
      const iamRole = resourceAt(json, "aws_iam_role", `Swarm/${label}Role`);
      expect(iamRole.name).toBe(`site-swarm-us-west-2-${role}`);
      expect(iamRole.assume_role_policy).toBe(`\${${ref("aws_iam_policy_document", `Swarm/${label}Role/Trust`, "data")}.json}`);
      expect(resourceAt(json, "aws_iam_instance_profile", `Swarm/${label}Role/InstanceProfile`)).toEqual({
        name: `site-swarm-us-west-2-${role}`,
        role: `\${${ref("aws_iam_role", `Swarm/${label}Role`)}.name}`,
      });
    }
  });

  it("keeps IAM names within 64 characters for long stack names", () => {
    const { json } = synthSwarm({ stackName: "a-very-long-domain-name-that-goes-on-and-on-example-com-swarm" });
    for (const role of Object.values(json.resource.aws_iam_role) as Json[]) expect(role.name.length).toBeLessThanOrEqual(64);
    expect(resourceAt(json, "aws_lb", "Swarm/LoadBalancer").name.length).toBeLessThanOrEqual(32);
  });
});

describe("NativeSwarm outputs (RegionalSwarm)", () => {
  it("exports the load balancer's DNS name and zone, the VPC, the managers' console page and lookup", () => {
    const { swarm, json, ref } = byDefault();
    const output = (name: string) => json.output[name].value;
    const lb = ref("aws_lb", "Swarm/LoadBalancer");
    expect(output("dns")).toBe(`\${${lb}.dns_name}`);
    expect(output("zone")).toBe(`\${${lb}.zone_id}`);
    expect(output("vpc")).toBe(`\${${ref("aws_vpc", "Swarm/Network/DefaultVpc", "data")}.id}`);
    expect(output("managers")).toBe(
      "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2#Instances:tag:ha-site:stack=site-swarm;tag:swarm-node-type=manager",
    );
    expect(swarm.engine).toBe("native");
    expect(swarm.sshUser).toBe("ec2-user");
    expect(swarm.managerLookup).toEqual({ instanceTags: { "swarm-node-type": "manager", "ha-site:stack": "site-swarm" } });
    // What provisioning waits for: a terraform_data holding the managers' group id (changes only on replacement).
    expect(swarm.ssmTargetTags).toEqual({ "swarm-node-type": "manager", "ha-site:stack": "site-swarm" });
  });
});

describe("NativeSwarm network", () => {
  it("uses the default VPC and its default subnets by default", () => {
    const { json, ref } = byDefault();
    expect(json.data.aws_vpc[addressAt(json, "aws_vpc", "Swarm/Network/DefaultVpc", "data")]).toEqual({ default: true });
    expect(json.data.aws_subnets[addressAt(json, "aws_subnets", "Swarm/Network/DefaultSubnets", "data")].filter).toEqual([
      { name: "vpc-id", values: [`\${${ref("aws_vpc", "Swarm/Network/DefaultVpc", "data")}.id}`] },
      { name: "default-for-az", values: ["true"] },
    ]);
    for (const type of ["aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table", "aws_route"]) {
      expect(json.resource[type]).toBeUndefined();
    }
  });

  it("builds a new VPC with an internet gateway and one public subnet per AZ (2 or 3) for a CIDR", () => {
    const { json, ref } = synthSwarm({ vpc: "10.20.0.0/16" });
    const vpc = ref("aws_vpc", "Swarm/Network/Vpc");
    const zones = ref("aws_availability_zones", "Swarm/Network/AvailabilityZones", "data");
    expect(resourceAt(json, "aws_vpc", "Swarm/Network/Vpc")).toMatchObject({
      cidr_block: "10.20.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    expect(resourceAt(json, "aws_internet_gateway", "Swarm/Network/InternetGateway").vpc_id).toBe(`\${${vpc}.id}`);
    expect(resourceAt(json, "aws_route", "Swarm/Network/DefaultRoute")).toEqual({
      route_table_id: `\${${ref("aws_route_table", "Swarm/Network/PublicRouteTable")}.id}`,
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: `\${${ref("aws_internet_gateway", "Swarm/Network/InternetGateway")}.id}`,
    });
    const count = `\${min(3, length(${zones}.names))}`;
    const subnets = resourceAt(json, "aws_subnet", "Swarm/Network/PublicSubnets");
    expect(subnets).toMatchObject({
      count,
      vpc_id: `\${${vpc}.id}`,
      cidr_block: '${cidrsubnet("10.20.0.0/16", 4, count.index)}',
      availability_zone: `\${element(${zones}.names, count.index)}`,
      map_public_ip_on_launch: true,
    });
    const subnetIds = `\${${ref("aws_subnet", "Swarm/Network/PublicSubnets")}[*].id}`;
    expect(resourceAt(json, "aws_route_table_association", "Swarm/Network/PublicSubnetRoutes")).toMatchObject({
      count,
      subnet_id: `\${element(${ref("aws_subnet", "Swarm/Network/PublicSubnets")}[*].id, count.index)}`,
    });
    expect(resourceAt(json, "aws_lb", "Swarm/LoadBalancer").subnets).toBe(subnetIds);
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Managers").vpc_zone_identifier).toBe(subnetIds);
    expect(resourceAt(json, "aws_security_group", "Swarm/Security/Nodes").vpc_id).toBe(`\${${vpc}.id}`);
    expect(json.output.vpc.value).toBe(`\${${vpc}.id}`);
    // An internet-facing LB needs the gateway; nodes need the route. Both also go before them on destroy.
    const gateway = ref("aws_internet_gateway", "Swarm/Network/InternetGateway");
    const route = ref("aws_route", "Swarm/Network/DefaultRoute");
    expect(resourceAt(json, "aws_lb", "Swarm/LoadBalancer").depends_on).toEqual(expect.arrayContaining([gateway, route]));
    expect(resourceAt(json, "aws_autoscaling_group", "Swarm/Workers").depends_on).toEqual(expect.arrayContaining([gateway, route]));
    expect(json.data.aws_vpc).toBeUndefined();
  });

  it("sizes the new VPC's subnets by its prefix", () => {
    const { json } = synthSwarm({ vpc: "10.20.30.0/24" });
    expect(resourceAt(json, "aws_subnet", "Swarm/Network/PublicSubnets").cidr_block).toBe('${cidrsubnet("10.20.30.0/24", 2, count.index)}');
  });
});

describe("NativeSwarm validation", () => {
  const cases: [Partial<NativeSwarmProps>, string][] = [
    [{ managers: 2 }, "managers: got 2; expected 1, 3 or 5"],
    [{ managers: 0 }, "managers: got 0; expected 1, 3 or 5"],
    [{ workers: -1 }, "workers: got -1; expected a whole number from 0 to 1000"],
    [{ workers: 1001 }, "workers: got 1001; expected a whole number from 0 to 1000"],
    [{ workers: 1.5 }, "workers: got 1.5; expected"],
    [{ vpc: "10.0.0.0/8" }, 'vpc: got "10.0.0.0/8"; expected "default" or an IPv4 CIDR from /16 to /24'],
    [{ vpc: "10.0.0.0/25" }, 'vpc: got "10.0.0.0/25"; expected "default" or an IPv4 CIDR from /16 to /24'],
    [{ vpc: "10.0.1.0/16" }, 'vpc: got "10.0.1.0/16"; expected the network address "10.0.0.0/16"'],
    [{ vpc: "default-vpc" }, 'vpc: got "default-vpc"; expected "default" or an IPv4 CIDR'],
    [{ vpc: "300.0.0.0/16" }, 'vpc: got "300.0.0.0/16"; expected "default" or an IPv4 CIDR'],
    [{ sshCidrs: ["203.0.113.1"] }, 'sshCidrs[0]: got "203.0.113.1"; expected an IPv4 CIDR such as "203.0.113.0/24"'],
    [{ sshCidrs: ["203.0.113.0/24", "2001:db8::/32"] }, 'sshCidrs[1]: got "2001:db8::/32"; expected an IPv4 CIDR'],
    [{ sshCidrs: ["203.0.113.9/24"] }, 'sshCidrs[0]: got "203.0.113.9/24"; expected the network address "203.0.113.0/24"'],
    [{ sshCidrs: ["203.0.113.0/24", "203.0.113.0/24"] }, 'sshCidrs[1]: got "203.0.113.0/24"; expected a CIDR not already listed'],
    [{ ports: [] }, "ports: got []; expected at least one published port"],
    [
      { ports: [{ published: 8080, protocol: "tcp" }, { published: 8080, protocol: "tcp" }] },
      'ports[1]: got "8080/tcp"; expected a port and protocol not already listed',
    ],
    [{ ports: [{ published: 0, protocol: "tcp" }] }, "ports[0].published: got 0; expected a port from 1 to 65535"],
    [{ ports: [{ published: 2377, protocol: "tcp" }] }, "ports[0].published: got 2377; expected a port other than 22 (SSH)"],
    [{ ports: [{ published: 8080, protocol: "sctp" as "tcp" }] }, 'ports[0].protocol: got "sctp"; expected "tcp" or "udp"'],
    [
      { loadBalancer: "alb", ports: [{ published: 8080, protocol: "tcp" }, { published: 53, protocol: "udp" }] },
      'loadBalancer: got "alb"; expected "nlb" for udp ports (ports[1]: 53/udp)',
    ],
    [{ loadBalancer: "elb" as "nlb" }, 'loadBalancer: got "elb"; expected "nlb" or "alb"'],
    [{ healthCheckPort: 9090 }, "healthCheckPort: got 9090; expected one of the published tcp ports (8080)"],
    [
      { ports: [{ published: 53, protocol: "udp" }], healthCheckPort: 53 },
      "healthCheckPort: got 53; expected a published tcp port (the health check is HTTP), but no port is published over tcp",
    ],
    [{ healthCheckPath: "health" }, 'healthCheckPath: got "health"; expected a URL path'],
    [{ healthCheckPath: "/${x}" }, 'healthCheckPath: got "/${x}"; expected a URL path'],
    [{ managerDiskSize: 4 }, "managerDiskSize: got 4; expected a whole number of GiB from 8 to 16384"],
    [{ workerInstanceType: "T3 Micro" }, 'workerInstanceType: got "T3 Micro"; expected an EC2 instance type such as "t3.micro"'],
    [{ amiParameter: "ami 123" }, 'amiParameter: got "ami 123"; expected an SSM parameter name'],
    [{ region: "Oregon" }, 'region: got "Oregon"; expected an AWS region name such as "eu-west-1"'],
    [{ stackName: "-bad" }, 'stackName: got "-bad"; expected 1-128 letters'],
    [{ keyName: "" }, 'keyName: got ""; expected the name of an existing EC2 key pair'],
  ];

  it.each(cases)("rejects %j", (props, message) => {
    let error: unknown;
    try {
      Testing.synthScope((scope) => {
        new NativeSwarm(scope, "Swarm", { ...BASE, ...props });
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("accepts the documented edge values", () => {
    expect(() => synthSwarm({ managers: 5, workers: 1000, vpc: "10.0.0.0/24", sshCidrs: ["0.0.0.0/0"] })).not.toThrow();
    expect(() => synthSwarm({ managers: 1, workers: 0, managerDiskSize: 8, workerDiskSize: 16384, vpc: "172.16.0.0/16" })).not.toThrow();
  });
});
