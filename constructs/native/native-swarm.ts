// A Docker Swarm on plain EC2 ("native" engine): launch templates + two Auto Scaling groups (managers,
// workers) that build the swarm themselves at first boot (user data: nativeBootstrapScript, coordinated
// through four SSM parameters that Terraform owns), behind an NLB (default) or an ALB. Deploys on today's
// AWS, unlike Docker for AWS (python2.7 Lambda, launch configurations). Why and how: docs/which-engine.md,
// docs/native-bootstrap.md.
import { Construct } from "constructs";
import { Fn, Token, type ITerraformDependable } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { ManagerLookup, RegionalSwarm } from "../regional-swarm";
import {
  NATIVE_BOOTSTRAP_DEFAULTS,
  NATIVE_BOOTSTRAP_PARAMETERS,
  nativeBootstrapScript,
  nativeParameterPrefix,
  type NativeSwarmRole,
} from "./bootstrap-script";
import { SwarmLoadBalancer, type ListenerProtocol } from "./load-balancer";
import { SwarmNetwork } from "./network";
import { NodeRole } from "./node-role";
import { NodeSecurity } from "./node-security";
import { SwarmLifecycle } from "./lifecycle";
import { NATIVE_RESERVED_PORTS, SSH_PORT } from "./swarm-ports";
import { fitName, loadBalancerName } from "../fit-name";
import { tfLiteral } from "../tf-literal";
import { readableUserData } from "./user-data";
import { NATIVE_READY_MARKER } from "./readiness";
import { swarmReady } from "../swarm-ready";

/** Latest Amazon Linux 2023 (x86_64) AMI id, an AWS public SSM parameter. */
export const NATIVE_DEFAULT_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/** Root device of Amazon Linux 2023 AMIs. */
export const NATIVE_ROOT_DEVICE = "/dev/xvda";
/** Tag that names the regional stack on instances (the `aws:` prefix is reserved: no aws:cloudformation:*). */
export const NATIVE_STACK_TAG = "ha-site:stack";
/** Tag that tells managers from workers (the same key Docker for AWS uses). */
export const NATIVE_NODE_TYPE_TAG = "swarm-node-type";
/** EC2 limit on user data, before base64. */
const USER_DATA_MAX_BYTES = 16 * 1024;

export interface NativeSwarmPort {
  /** Port on the routing mesh, the load balancer and the nodes. */
  readonly published: number;
  readonly protocol: "tcp" | "udp";
}

export interface NativeSwarmProps {
  /**
   * Names the resources, tags the instances (`ha-site:stack`) and prefixes the SSM parameters
   * (`/ha-site/<stackName>/`). 1-128 letters, digits, "_", "." or "-", starting with a letter or digit.
   */
  readonly stackName: string;
  /** AWS region of the stack's provider (written into the bootstrap script and the console link). */
  readonly region: string;
  /** Existing EC2 key pair for SSH (user `ec2-user`). */
  readonly keyName: string;
  /** Swarm managers: 1, 3 or 5. */
  readonly managers: number;
  /** Swarm workers: 0 to 1000. */
  readonly workers: number;
  /** @default "t3.micro" */
  readonly managerInstanceType?: string;
  /** @default "t3.micro" */
  readonly workerInstanceType?: string;
  /** Manager root volume in GiB (gp3, encrypted), 8 to 16384. @default 20 */
  readonly managerDiskSize?: number;
  /** Worker root volume in GiB (gp3, encrypted), 8 to 16384. @default 20 */
  readonly workerDiskSize?: number;
  /**
   * SSM parameter holding the AMI id (read at plan time; a newer AMI updates the launch templates, which only
   * new instances use). Must be an Amazon Linux 2023 image with the aws CLI (not the minimal AMI) whose
   * architecture matches the instance types.
   * @default NATIVE_DEFAULT_AMI_PARAMETER (latest Amazon Linux 2023, x86_64)
   */
  readonly amiParameter?: string;
  /**
   * "default": the account's default VPC and its default subnets. Or an IPv4 CIDR from /16 to /24 (e.g.
   * "10.20.0.0/16") for a new VPC with one public subnet in each of min(3, number of AZs) AZs.
   * @default "default"
   */
  readonly vpc?: string;
  /** IPv4 CIDRs that may SSH (port 22) to the nodes. @default [] (no SSH rule: nobody) */
  readonly sshCidrs?: readonly string[];
  /** Network (TCP/UDP, keeps client addresses) or Application (HTTP only) Load Balancer. @default "nlb" */
  readonly loadBalancer?: "nlb" | "alb";
  /** The services' published ports: one listener + target group each (tcp and udp on one port: one TCP_UDP listener). */
  readonly ports: readonly NativeSwarmPort[];
  /** Target-group health check port: a published tcp port (the first service's). */
  readonly healthCheckPort: number;
  /** HTTP path of the target-group health check (200-399 is healthy). @default "/" */
  readonly healthCheckPath?: string;
  /** Protocol of the target-group health check ("HTTPS": the app answers TLS itself; NLB only). @default "HTTP" */
  readonly healthCheckProtocol?: "HTTP" | "HTTPS";
  /**
   * TLS at the load balancer: the port of its HTTPS (ALB) / TLS (NLB) listener, created with the certificate
   * (constructs/native/tls.ts), which forwards to `healthCheckPort`'s target group. On an ALB the plain listener
   * of that port then redirects to HTTPS. @default - no TLS
   */
  readonly tlsPort?: number;
  /**
   * Keep the swarm's membership in step with the Auto Scaling groups: termination lifecycle hooks + SSM
   * (demote/drain, leave, remove) and a periodic cleanup of departed nodes (constructs/native/lifecycle.ts).
   * @default true
   */
  readonly lifecycle?: boolean;
  /** Resources the nodes must wait for (e.g. a key pair created in the same stack). @default - none */
  readonly dependsOn?: ITerraformDependable[];
}

/** One kind of node: its role, launch template and Auto Scaling group. */
export interface NativeSwarmNodes {
  readonly role: NodeRole;
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;
}

export class NativeSwarm extends Construct implements RegionalSwarm {
  public readonly engine = "native";
  public readonly sshUser = "ec2-user";
  public readonly readinessMarker = NATIVE_READY_MARKER;
  public readonly loadBalancerDnsName: string;
  public readonly loadBalancerZoneId: string;
  public readonly vpcId: string;
  public readonly managersConsoleUrl: string;
  public readonly managerLookup: ManagerLookup;
  /**
   * Changes only when the managers' Auto Scaling group is created or replaced (constructs/swarm-ready.ts;
   * a terraform_data made on first use, so a site without provisioning has none).
   */
  public get ready(): ITerraformDependable {
    return (this.readyMarker ??= swarmReady(this, "Ready", this.managers.group.id));
  }
  private readyMarker?: ITerraformDependable;
  /** Tags SSM targets the managers by (State Manager associations). */
  public readonly ssmTargetTags: Readonly<Record<string, string>>;

  public readonly network: SwarmNetwork;
  public readonly security: NodeSecurity;
  public readonly loadBalancer: SwarmLoadBalancer;
  /** The AMI id parameter (data source). */
  public readonly ami: DataAwsSsmParameter;
  /** The bootstrap parameters, by key of NATIVE_BOOTSTRAP_PARAMETERS. */
  public readonly parameters: Readonly<Record<keyof typeof NATIVE_BOOTSTRAP_PARAMETERS, SsmParameter>>;
  public readonly managers: NativeSwarmNodes;
  public readonly workers: NativeSwarmNodes;
  /** The termination hooks and the periodic cleanup (constructs/native/lifecycle.ts); undefined if turned off. */
  public readonly lifecycle?: SwarmLifecycle;

  constructor(scope: Construct, id: string, props: NativeSwarmProps) {
    super(scope, id);
    const p = resolveProps(props);
    const { stackName, region } = p;

    this.network = new SwarmNetwork(this, "Network", { vpc: p.vpc, name: stackName });
    const listeners = listenerSpecs(p.ports, p.loadBalancer);
    this.security = new NodeSecurity(this, "Security", {
      vpcId: this.network.vpcId,
      name: fitName(stackName, 90),
      ports: listeners.map(({ port, protocols }) => ({ published: port, protocols })),
      sshCidrs: p.sshCidrs,
      loadBalancer: p.loadBalancer,
      tlsPort: p.loadBalancer === "alb" ? props.tlsPort : undefined,
    });
    this.loadBalancer = new SwarmLoadBalancer(this, "LoadBalancer", {
      kind: p.loadBalancer,
      name: loadBalancerName(stackName),
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds,
      securityGroupIds: this.security.loadBalancer ? [this.security.loadBalancer.id] : undefined,
      listeners: listeners.map(({ port, protocol }) => ({ port, protocol })),
      healthCheckPort: p.healthCheckPort,
      healthCheckPath: p.healthCheckPath,
      healthCheckProtocol: p.healthCheckProtocol,
      redirect: props.tlsPort !== undefined ? { port: p.healthCheckPort, toPort: props.tlsPort } : undefined,
      dependsOn: this.network.internetAccess.length > 0 ? this.network.internetAccess : undefined,
    });

    // Terraform owns the bootstrap parameters: created (with the placeholder) before any instance, deleted
    // after the last one, so a re-created region starts a new swarm. The instances fill them in.
    // - lock, manager-address (no secrets): `value` + ignore_changes; a refresh reads what the nodes wrote.
    // - the join tokens (SecureString): the placeholder goes in as the write-only `value_wo` (Terraform >= 1.11,
    //   hashicorp/aws >= 5.x/6.x), so neither the plan nor the state ever holds a value: the provider's read sets
    //   `value` to null when `has_value_wo` is true (terraform-provider-aws internal/service/ssm/parameter.go,
    //   resourceParameterRead). `value_wo_version` stays 1: Terraform never writes it again. docs/native-bootstrap.md.
    const prefix = nativeParameterPrefix(stackName);
    const parameterArns = new Map<string, string>();
    const parameter = (key: keyof typeof NATIVE_BOOTSTRAP_PARAMETERS, description: string) => {
      const { name, type } = NATIVE_BOOTSTRAP_PARAMETERS[key];
      const secret = type === "SecureString";
      const resource = new SsmParameter(this, `Parameter-${name}`, {
        name: prefix + name,
        type,
        ...(secret
          ? { valueWo: NATIVE_BOOTSTRAP_DEFAULTS.placeholder, valueWoVersion: 1 }
          : { value: NATIVE_BOOTSTRAP_DEFAULTS.placeholder, lifecycle: { ignoreChanges: ["value"] } }),
        description: `ha-site swarm ${stackName}: ${description} (written by the nodes)`,
      });
      parameterArns.set(prefix + name, resource.arn);
      return resource;
    };
    this.parameters = {
      lock: parameter("lock", "lock; the manager that writes version 2 initialises the swarm"),
      managerToken: parameter("managerToken", "manager join token"),
      workerToken: parameter("workerToken", "worker join token"),
      managerAddress: parameter("managerAddress", "private IP of a live manager"),
    };

    this.ami = new DataAwsSsmParameter(this, "Ami", { name: p.amiParameter });

    const nodes = (role: NativeSwarmRole, count: number, instanceType: string, diskSize: number): NativeSwarmNodes => {
      const label = role === "manager" ? "Manager" : "Worker";
      const nodeRole = new NodeRole(this, `${label}Role`, {
        role,
        name: fitName(`${stackName}-${region}-${role}`, 64),
        stackName,
        parameterArns,
        // The stack's own SSM documents (constructs/ssm-services.ts names them ha-site-<stack>-*): the lock
        // parameter's ARN with its resource part swapped keeps partition, region and account.
        ssmDocumentArns: [Fn.replace(this.parameters.lock.arn, `:parameter${prefix}${NATIVE_BOOTSTRAP_PARAMETERS.lock.name}`, `:document/ha-site-${stackName}-*`)],
        // The leader's periodic cleanup asks EC2 whether a Down node's instance still exists (lifecycle.sh
        // instance_gone). DescribeInstances has no resource-level permissions: "*", read-only.
        extraStatements:
          role === "manager" && p.lifecycle ? [{ sid: "LifecycleCleanup", actions: ["ec2:DescribeInstances"], resources: ["*"] }] : undefined,
      });
      const tags = { Name: `${stackName}-${role}`, [NATIVE_NODE_TYPE_TAG]: role, [NATIVE_STACK_TAG]: stackName };
      const launchTemplate = new LaunchTemplate(this, `${label}LaunchTemplate`, {
        name: fitName(`${stackName}-${role}`, 128),
        description: `ha-site swarm ${role}s of ${stackName}`,
        imageId: this.ami.insecureValue,
        instanceType,
        keyName: tfLiteral(p.keyName),
        iamInstanceProfile: { arn: nodeRole.instanceProfile.arn },
        userData: readableUserData(this, `${label}UserData`, userData(role, stackName, region)),
        // Host names from the instance id (i-0123....<region>.compute.internal): the swarm node's hostname then
        // names its instance, which the lifecycle and cleanup scripts rely on (EC2 "resource-based naming").
        privateDnsNameOptions: { hostnameType: "resource-name" },
        // IMDSv2 only; hop limit 1 keeps containers on bridge networks away from the role's credentials.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: NATIVE_ROOT_DEVICE,
            ebs: { volumeSize: diskSize, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        networkInterfaces: [
          {
            deviceIndex: 0,
            associatePublicIpAddress: "true",
            deleteOnTermination: "true",
            securityGroups: [this.security.nodes.id],
          },
        ],
        tagSpecifications: [
          { resourceType: "instance", tags },
          { resourceType: "volume", tags },
        ],
        updateDefaultVersion: true,
        tags: { Name: `${stackName}-${role}` },
        dependsOn: props.dependsOn,
      });
      const group = new AutoscalingGroup(this, `${label}s`, {
        name: fitName(`${stackName}-${role}s`, 255),
        minSize: count,
        maxSize: count,
        desiredCapacity: count,
        vpcZoneIdentifier: this.network.subnetIds,
        launchTemplate: { id: launchTemplate.id, version: "$Latest" },
        targetGroupArns: this.loadBalancer.targetGroups.map((group) => group.arn),
        // EC2, not ELB: an app failure (a failing health check) must not make the group replace nodes; new
        // managers would join as extra Raft members while the failed ones stay listed, and the swarm would churn.
        // The target groups' health check still takes such nodes out of the load balancer and feeds Route 53.
        healthCheckType: "EC2",
        // Managers: no AZ rebalancing (it terminates running managers, which erodes the Raft quorum).
        suspendedProcesses: role === "manager" ? ["AZRebalance"] : undefined,
        tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        // Instances start only once the parameters (and their permissions, and the route to the internet)
        // exist; on destroy, the instances go first.
        dependsOn: [
          ...Object.values(this.parameters),
          nodeRole.policy,
          ...this.network.internetAccess,
          ...(props.dependsOn ?? []),
        ],
      });
      return { role: nodeRole, launchTemplate, group };
    };
    this.managers = nodes("manager", p.managers, p.managerInstanceType, p.managerDiskSize);
    this.workers = nodes("worker", p.workers, p.workerInstanceType, p.workerDiskSize);
    if (p.lifecycle) {
      this.lifecycle = new SwarmLifecycle(this, "Lifecycle", {
        stackName,
        region,
        namePrefix: `${stackName}-${region}`,
        managersGroup: this.managers.group,
        workersGroup: this.workers.group,
        managerTags: { [NATIVE_NODE_TYPE_TAG]: "manager", [NATIVE_STACK_TAG]: stackName },
      });
    }

    this.loadBalancerDnsName = this.loadBalancer.loadBalancer.dnsName;
    this.loadBalancerZoneId = this.loadBalancer.loadBalancer.zoneId;
    this.vpcId = this.network.vpcId;
    this.managersConsoleUrl =
      `https://${region}.console.aws.amazon.com/ec2/home?region=${region}` +
      `#Instances:tag:${NATIVE_STACK_TAG}=${stackName};tag:${NATIVE_NODE_TYPE_TAG}=manager`;
    this.managerLookup = { instanceTags: { [NATIVE_NODE_TYPE_TAG]: "manager", [NATIVE_STACK_TAG]: stackName } };
    this.ssmTargetTags = this.managerLookup.instanceTags;

  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers (exported for tests).

/** Base64 user data of a node: the bootstrap script, computed here (deterministic, no template escaping needed). */
export function userData(role: NativeSwarmRole, stackName: string, region: string): string {
  const script = nativeBootstrapScript({ role, stackName, region });
  const bytes = Buffer.byteLength(script, "utf8");
  if (bytes > USER_DATA_MAX_BYTES) {
    throw new Error(`user data of the ${role}s: got ${bytes} bytes; expected at most ${USER_DATA_MAX_BYTES} (EC2 limit)`);
  }
  return Buffer.from(script, "utf8").toString("base64");
}

// The naming helpers live in ../fit-name (one for every construct); re-exported for existing importers.
export { fitName, loadBalancerName };

interface ListenerSpec {
  readonly port: number;
  readonly protocol: ListenerProtocol;
  readonly protocols: readonly ("tcp" | "udp")[];
}

/** One listener per published port, in order; an NLB port published as tcp and udp gets one TCP_UDP listener. */
function listenerSpecs(ports: readonly NativeSwarmPort[], kind: "nlb" | "alb"): ListenerSpec[] {
  const byPort = new Map<number, ("tcp" | "udp")[]>();
  for (const { published, protocol } of ports) byPort.set(published, [...(byPort.get(published) ?? []), protocol]);
  return [...byPort].map(([port, protocols]) => {
    const sorted = [...protocols].sort();
    const protocol: ListenerProtocol =
      kind === "alb" ? "HTTP" : sorted.length === 2 ? "TCP_UDP" : sorted[0] === "tcp" ? "TCP" : "UDP";
    return { port, protocol, protocols: sorted };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Validation: one line per problem, "prop: got X; expected Y".

type ResolvedProps = Required<Omit<NativeSwarmProps, "dependsOn" | "tlsPort">>;

const show = (value: unknown) => (typeof value === "number" || value === undefined ? String(value) : JSON.stringify(value));

function fail(prop: string, value: unknown, expected: string): never {
  throw new Error(`${prop}: got ${show(value)}; expected ${expected}`);
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** An IPv4 CIDR's prefix length and network address ("10.0.0.9/8" -> "10.0.0.0/8"), or undefined if malformed. */
function ipv4Cidr(text: string): { readonly prefix: number; readonly network: string } | undefined {
  const match = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(\d|[12]\d|3[0-2])$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const prefix = Number(match[5]);
  const size = 2 ** (32 - prefix);
  const address = Math.floor(octets.reduce((acc, o) => acc * 256 + o, 0) / size) * size;
  const network = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
  return { prefix, network: `${network}/${prefix}` };
}

/** What a CIDR should have been: its network address if only host bits were set, else the general form. */
function cidrExpectation(text: string, general: string): string {
  const cidr = ipv4Cidr(text);
  return cidr && cidr.network !== text ? `the network address ${JSON.stringify(cidr.network)} (host bits zero)` : general;
}

const literal = (value: string) => !Token.isUnresolved(value);

function resolveProps(props: NativeSwarmProps): ResolvedProps {
  // stackName and region are also checked by the bootstrap script (they go into it); check them first here.
  nativeParameterPrefix(props.stackName);
  if (typeof props.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(props.region)) {
    fail("region", props.region, 'an AWS region name such as "eu-west-1"');
  }
  if (literal(props.keyName) && !/^[\x20-\x7e]{1,255}$/.test(props.keyName)) {
    fail("keyName", props.keyName, "the name of an existing EC2 key pair (1-255 ASCII characters)");
  }
  if (!isInteger(props.managers, 0, 5) || ![1, 3, 5].includes(props.managers)) {
    fail("managers", props.managers, "1, 3 or 5 (an odd number keeps a Raft quorum)");
  }
  if (!isInteger(props.workers, 0, 1000)) fail("workers", props.workers, "a whole number from 0 to 1000");

  const instanceType = (prop: string, value: string | undefined) => {
    const type = value ?? "t3.micro";
    if (literal(type) && !/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(type)) fail(prop, type, 'an EC2 instance type such as "t3.micro"');
    return type;
  };
  const diskSize = (prop: string, value: number | undefined) => {
    const size = value ?? 20;
    if (!isInteger(size, 8, 16384)) fail(prop, size, "a whole number of GiB from 8 to 16384");
    return size;
  };
  const amiParameter = props.amiParameter ?? NATIVE_DEFAULT_AMI_PARAMETER;
  if (literal(amiParameter) && !/^\/?[A-Za-z0-9_.\-/]{1,2047}$/.test(amiParameter)) {
    fail("amiParameter", amiParameter, `an SSM parameter name such as ${JSON.stringify(NATIVE_DEFAULT_AMI_PARAMETER)}`);
  }

  const vpc = props.vpc ?? "default";
  if (vpc !== "default") {
    const cidr = ipv4Cidr(vpc);
    if (!cidr || cidr.prefix < 16 || cidr.prefix > 24 || cidr.network !== vpc) {
      const general = '"default" or an IPv4 CIDR from /16 to /24 such as "10.20.0.0/16" (a new VPC)';
      fail("vpc", vpc, cidr && cidr.prefix >= 16 && cidr.prefix <= 24 ? cidrExpectation(vpc, general) : general);
    }
  }

  const sshCidrs = props.sshCidrs ?? [];
  sshCidrs.forEach((cidr, i) => {
    if (typeof cidr !== "string" || ipv4Cidr(cidr)?.network !== cidr) {
      fail(`sshCidrs[${i}]`, cidr, cidrExpectation(String(cidr), 'an IPv4 CIDR such as "203.0.113.0/24" or "198.51.100.7/32"'));
    }
    if (sshCidrs.indexOf(cidr) !== i) fail(`sshCidrs[${i}]`, cidr, "a CIDR not already listed");
  });

  const loadBalancer = props.loadBalancer ?? "nlb";
  if (loadBalancer !== "nlb" && loadBalancer !== "alb") fail("loadBalancer", loadBalancer, '"nlb" or "alb"');

  if (!Array.isArray(props.ports) || props.ports.length === 0) {
    fail("ports", props.ports, "at least one published port (one listener each)");
  }
  const reserved = new Set(NATIVE_RESERVED_PORTS);
  const seen = new Set<string>();
  props.ports.forEach((port, i) => {
    if (!isInteger(port.published, 1, 65535)) fail(`ports[${i}].published`, port.published, "a port from 1 to 65535");
    if (reserved.has(port.published)) {
      fail(`ports[${i}].published`, port.published, `a port other than ${SSH_PORT} (SSH) and the swarm's own 2377, 7946 and 4789`);
    }
    if (port.protocol !== "tcp" && port.protocol !== "udp") fail(`ports[${i}].protocol`, port.protocol, '"tcp" or "udp"');
    const key = `${port.published}/${port.protocol}`;
    if (seen.has(key)) fail(`ports[${i}]`, key, "a port and protocol not already listed");
    seen.add(key);
    if (loadBalancer === "alb" && port.protocol === "udp") {
      fail("loadBalancer", loadBalancer, `"nlb" for udp ports (ports[${i}]: ${key}); an Application Load Balancer carries HTTP only`);
    }
  });

  const tcpPorts = props.ports.filter((x) => x.protocol === "tcp").map((x) => x.published);
  if (!tcpPorts.includes(props.healthCheckPort)) {
    fail(
      "healthCheckPort",
      props.healthCheckPort,
      tcpPorts.length > 0
        ? `one of the published tcp ports (${tcpPorts.join(", ")}): the health check is HTTP`
        : "a published tcp port (the health check is HTTP), but no port is published over tcp",
    );
  }
  const healthCheckPath = props.healthCheckPath ?? "/";
  if (!/^\/[\x21-\x7e]{0,1023}$/.test(healthCheckPath) || /[$%]\{/.test(healthCheckPath)) {
    fail("healthCheckPath", healthCheckPath, 'a URL path such as "/" or "/health" (printable ASCII, no spaces, no "${" or "%{")');
  }

  const lifecycle = props.lifecycle ?? true;
  const healthCheckProtocol = props.healthCheckProtocol ?? "HTTP";
  if (healthCheckProtocol !== "HTTP" && healthCheckProtocol !== "HTTPS") fail("healthCheckProtocol", healthCheckProtocol, '"HTTP" or "HTTPS"');
  if (healthCheckProtocol === "HTTPS" && loadBalancer === "alb") {
    fail("healthCheckProtocol", healthCheckProtocol, '"HTTP" with an ALB (it decrypts; its targets answer plain HTTP), or loadBalancer "nlb"');
  }
  if (props.tlsPort !== undefined) {
    if (!isInteger(props.tlsPort, 1, 65535)) fail("tlsPort", props.tlsPort, "a port from 1 to 65535");
    if (props.ports.some((x) => x.published === props.tlsPort)) fail("tlsPort", props.tlsPort, "a port no service publishes");
    if (healthCheckProtocol === "HTTPS") fail("healthCheckProtocol", healthCheckProtocol, '"HTTP" behind a TLS listener (the load balancer decrypts)');
  }

  return {
    lifecycle,
    healthCheckProtocol,
    stackName: props.stackName,
    region: props.region,
    keyName: props.keyName,
    managers: props.managers,
    workers: props.workers,
    managerInstanceType: instanceType("managerInstanceType", props.managerInstanceType),
    workerInstanceType: instanceType("workerInstanceType", props.workerInstanceType),
    managerDiskSize: diskSize("managerDiskSize", props.managerDiskSize),
    workerDiskSize: diskSize("workerDiskSize", props.workerDiskSize),
    amiParameter,
    vpc,
    sshCidrs,
    loadBalancer,
    ports: props.ports,
    healthCheckPort: props.healthCheckPort,
    healthCheckPath,
  };
}
