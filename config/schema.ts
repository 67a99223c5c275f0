// The ha-site config: one typed, validated description of the site. Field names are camelCase; where a
// field maps to a Terraform or CloudFormation argument it uses that argument's name.
import { z } from "zod";
import { NATIVE_RESERVED_PORTS } from "../constructs/native/swarm-ports";
import { RULE_IDS } from "../policy/rules";
import { bool, int, oneOf, oneOfNumbers, pattern, strictObject } from "./fields";
import { record, text } from "./fields";
import { awsRegion, bucketName, cidr, distinctList, domainName, healthCheckPath, vpcCidr } from "./safety";
import { siteLimits } from "./site-limits";

// zod 4 compiles a fast parser for each object schema (`new Function`) on its first parse; a synth parses one
// config once, so the compilations cost more than they save (~5 ms of a seed synth, a third of its parse).
// Same results either way: jitless only skips that compiled fast path.
z.config({ jitless: true });

/** Route 53 health checker regions (provider enum HealthCheckRegion). */
export const HEALTH_CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
] as const;

/** CloudFormation parameters that ha-site sets itself from typed fields. */
export const MANAGED_TEMPLATE_PARAMETERS = [
  "KeyName",
  "ManagerSize",
  "ClusterSize",
  "ManagerInstanceType",
  "InstanceType",
  "ManagerDiskSize",
  "ManagerDiskType",
  "WorkerDiskSize",
  "WorkerDiskType",
  "EnableSystemPrune",
  "EnableCloudWatchLogs",
] as const;

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const recordName = pattern(
  new RegExp(`^$|^${LABEL}(?:\\.${LABEL})*$`),
  'a lower-case name inside the zone, like "www", or "" for the zone apex',
);

// Docker's rules. Service names: swarmkit's isValidDNSName, at most 63 characters.
const SERVICE_NAME = /^(?=.{1,63}$)[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
// Image references: the grammar of distribution/reference (domain[:port]/path[:tag][@digest]).
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?` +
    `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    "(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$",
);

const port = int(1, 65535);

export const publishedPortSchema = strictObject({
  /** Port on the swarm's routing mesh and the load balancer (`--publish published=...`). */
  published: port,
  /** Port inside the container. */
  target: port,
  protocol: oneOf(["tcp", "udp"]).default("tcp"),
});

export const serviceSchema = strictObject({
  name: pattern(SERVICE_NAME, "a docker service name: letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters"),
  image: pattern(IMAGE, 'a docker image reference like "tutum/hello-world" or "registry.example.com:5000/team/app:1.2"'),
  replicas: int(0, 10000),
  ports: z.array(publishedPortSchema, { error: "a list of { published, target }" }).default([]),
  env: record(
    pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name: letters, digits and '_', not starting with a digit"),
    pattern(/^[^\u0000-\u001f\u007f]*$/, "a single-line value without control characters"),
    "a map of environment variable names to string values",
    "an environment variable name",
  ).default({}),
});

export const ENGINES = ["docker-for-aws", "native"] as const;
export type EngineName = (typeof ENGINES)[number];
const engine = oneOf(ENGINES);

const OCTET = "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])";
const IPV4 = `${OCTET}(\\.${OCTET}){3}`;
const CIDR = new RegExp(`^${IPV4}\\/([0-9]|[12][0-9]|3[0-2])$`);
const instanceType = pattern(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type like "t2.micro"');

/** Fields only the Docker for AWS engine reads (their defaults are DockerForAwsSwarm's). */
export const DOCKER_FOR_AWS_FIELDS = ["templateUrl", "templateParameters", "enableSystemPrune", "enableCloudWatchLogs", "managerDiskType", "workerDiskType"] as const;
/** Fields only the native engine reads (their defaults are NativeSwarm's). */
export const NATIVE_FIELDS = ["amiParameter", "vpc", "sshCidrs", "loadBalancer"] as const;

export const regionSchema = strictObject({
  region: awsRegion("us-west-2"),
  /** Which engine builds this region's swarm; default the top-level `engine`. */
  engine: engine.optional(),
  /** Swarm (CloudFormation stack / resource name prefix) name; default "<domain with dots as dashes>-swarm". */
  stackName: pattern(
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    "a CloudFormation stack name: a letter, then letters, digits and '-', at most 128 characters",
  ).optional(),
  keyName: pattern(/^[\x20-\x7e]{1,255}$/, "the name of an existing EC2 key pair in that region (1 to 255 printable characters)"),
  publicKey: pattern(
    /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( [\x20-\x7e]*)?$/,
    "an OpenSSH public key line (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*)",
  ).optional(),
  managers: oneOfNumbers([1, 3, 5]).default(3),
  workers: int(0, 1000).default(5),
  /** Default per engine: t2.micro (the template's default) for Docker for AWS, t3.micro for native. */
  managerInstanceType: instanceType.optional(),
  workerInstanceType: instanceType.optional(),
  managerDiskSize: int(20, 1024).default(20),
  workerDiskSize: int(20, 1024).default(20),
  // Docker for AWS only.
  managerDiskType: oneOf(["standard", "gp2"]).optional(),
  workerDiskType: oneOf(["standard", "gp2"]).optional(),
  enableSystemPrune: bool().optional(),
  enableCloudWatchLogs: bool().optional(),
  templateUrl: pattern(
    /^https:\/\/([a-z0-9.-]+\.)?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?\/\S+$/,
    "an https:// URL of a template in S3 (CloudFormation reads template_url only from S3)",
  ).optional(),
  /** Extra CloudFormation parameters for templates that have more (e.g. a patched copy). */
  templateParameters: record(
    pattern(/^[A-Za-z0-9]{1,255}$/, "a CloudFormation parameter name (letters and digits)"),
    text("a string value"),
    "a map of CloudFormation parameter names to string values",
    "a CloudFormation parameter name",
  ).optional(),
  // Native only.
  amiParameter: pattern(/^\/[A-Za-z0-9_.\/-]{1,1010}$/, 'an SSM parameter name like "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"').optional(),
  vpc: vpcCidr(
    new RegExp(`^(default|${IPV4}\\/(1[6-9]|2[0-4]))$`),
    '"default" or an IPv4 CIDR from /16 to /24 like "10.20.0.0/16" for a new VPC',
  ).optional(),
  sshCidrs: distinctList(
    z.array(cidr(CIDR, 'an IPv4 CIDR like "203.0.113.7/32"'), { error: "a list of IPv4 CIDRs" }),
    "a CIDR not already listed",
  ).optional(),
  loadBalancer: oneOf(["nlb", "alb"]).optional(),
  // Routing (see ROUTING below): routing.policy "weighted" / "accelerator" only.
  weight: int(0, 255).optional(),
  trafficDial: int(0, 100).optional(),
});

export const hostedZoneSchema = strictObject({
  /** Create a new public hosted zone for `domain`. */
  create: bool().optional(),
  /** Use this existing hosted zone instead. */
  zoneId: pattern(/^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ"').optional(),
  /** Delete all records (also ones not managed here) when the zone is destroyed. */
  forceDestroy: bool().default(false),
});

export const healthCheckSchema = strictObject({
  enabled: bool().default(true),
  type: oneOf(["HTTP", "HTTPS"]).default("HTTP"),
  /** Port checked; default the first service's first published port. */
  port: port.optional(),
  resourcePath: healthCheckPath.default("/"),
  searchString: pattern(/^[\x20-\x7e]{1,255}$/, "1 to 255 printable characters").optional(),
  requestInterval: oneOfNumbers([10, 30]).default(30),
  failureThreshold: int(1, 10).default(3),
  regions: distinctList(
    z
      .array(oneOf(HEALTH_CHECKER_REGIONS), { error: "a list of health checker regions" })
      .min(3, { error: `at least 3 of ${HEALTH_CHECKER_REGIONS.join(", ")}` }),
    `a checker region not already listed (Route 53 needs at least 3 distinct of ${HEALTH_CHECKER_REGIONS.join(", ")})`,
  ).optional(),
});

export const alarmSchema = strictObject({
  /** Address subscribed to the alarm topic (AWS sends a confirmation mail first). */
  email: pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an e-mail address").optional(),
  /** Existing SNS topic to notify instead of creating one. */
  topicArn: pattern(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/, "an SNS topic ARN").optional(),
  /**
   * One alarm per region plus an "all regions unhealthy" alarm. Default true, except for two-region
   * failover, which keeps its single PRIMARY alarm unless this is true.
   */
  everyRegion: bool().optional(),
});

const localBackendSchema = strictObject({ type: z.literal("local") });
const s3BackendSchema = strictObject({
  type: z.literal("s3"),
  bucket: bucketName,
  region: awsRegion("us-east-1"),
  /** Each stack's state is at `<keyPrefix><stack>.tfstate`; default "ha-site/<domain>/". */
  keyPrefix: pattern(/^[A-Za-z0-9!_.*'()/-]{0,900}$/, "an S3 key prefix (letters, digits and !_.*'()/-)").optional(),
  /** S3 native state locking (Terraform >= 1.10). */
  useLockfile: bool().default(true),
});
const cloudBackendSchema = strictObject({
  type: z.literal("cloud"),
  organization: pattern(/^[A-Za-z0-9_-]{1,90}$/, "a Terraform Cloud organization name (letters, digits, '-' and '_')"),
  /** Each stack gets the workspace `<workspacePrefix><stack>`; default "ha-site-<domain, dots as _>-". */
  workspacePrefix: pattern(/^[A-Za-z0-9_-]{0,60}$/, "a workspace name prefix (letters, digits, '-' and '_', at most 60)").optional(),
  hostname: pattern(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a host name like "app.terraform.io"').default("app.terraform.io"),
  project: pattern(/^[A-Za-z0-9 _-]{1,40}$/, "a Terraform Cloud project name").optional(),
});
export const backendSchema = z.discriminatedUnion("type", [localBackendSchema, s3BackendSchema, cloudBackendSchema], {
  error: 'an object with "type": "local", "s3" or "cloud"',
});

export const provisioningSchema = strictObject({
  /** Start the services over SSH from Terraform (null_resource + remote-exec). */
  enabled: bool().default(true),
  /** Authenticate with the local ssh-agent instead of the sensitive private-key variables. */
  sshAgent: bool().default(false),
  /** How long Terraform tries to reach a manager over SSH (Terraform duration). */
  connectTimeout: pattern(/^[1-9][0-9]{0,3}[sm]$/, 'a duration like "30s" or "5m"').default("5m"),
  /** Seconds the script waits for the swarm to answer before failing. */
  swarmWaitSeconds: int(0, 3600).default(300),
  /** Seconds any single docker command may run before it is killed. */
  commandTimeoutSeconds: int(10, 7200).default(600),
  /**
   * How services are started: "ssh" (null_resource + remote-exec to a manager) or "ssm" (SSM State Manager
   * associations on the managers, no inbound port; native regions only). Default: "ssm" on native regions,
   * "ssh" on Docker for AWS regions (their managers have no SSM agent).
   */
  method: oneOf(["ssh", "ssm"]).optional(),
});

/** The ELB security policy of the TLS listeners by default: TLS 1.3 and 1.2 (the ELB console's recommended policy). */
export const DEFAULT_TLS_SECURITY_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export const tlsSchema = strictObject({
  /** Port of the HTTPS (ALB) / TLS (NLB) listener of each native region's load balancer. */
  port: port.default(443),
  /** ELB security policy of that listener. */
  securityPolicy: pattern(/^ELBSecurityPolicy-[A-Za-z0-9-]{1,100}$/, `an ELB security policy name like "${DEFAULT_TLS_SECURITY_POLICY}"`).default(DEFAULT_TLS_SECURITY_POLICY),
});

/** The policy gate (`npm run check:policy`): findings the site accepts, each with its reason. Not rendered into Terraform. */
export const suppressionSchema = strictObject({
  rule: oneOf(RULE_IDS as [string, ...string[]]),
  resource: pattern(/^\S{1,512}$/, 'a construct path like "dns/Failover/Zone", "<stack>/<address>" or an address; "*" matches any characters'),
  reason: pattern(/\S/, "a non-empty reason: why the site accepts this finding"),
});
export const policySchema = strictObject({
  suppress: z.array(suppressionSchema, { error: "a list of { rule, resource, reason }" }).default([]),
});

// ---------------------------------------------------------------------------------------------------------
// ROUTING: how visitors reach the regions (docs/which-routing.md). One block, so that other changes to this
// file merge around it.
export const ROUTING_POLICIES = ["failover", "latency", "weighted", "accelerator"] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

export const routingSchema = strictObject({
  /**
   * "failover": the first region PRIMARY, the others standby (two regions: one SECONDARY; more: a
   * latency-routed standby set); "latency": the nearest healthy region; "weighted": by regions[].weight;
   * "accelerator": AWS Global Accelerator (two static anycast IPs) in front of the regions' load balancers.
   */
  policy: oneOf(ROUTING_POLICIES).default("failover"),
});

interface RoutingInput {
  readonly engine: EngineName;
  readonly routing: { readonly policy: RoutingPolicy };
  readonly regions: readonly { readonly engine?: EngineName; readonly weight?: number; readonly trafficDial?: number }[];
  readonly alarm: { readonly everyRegion?: boolean };
}

/** The routing rules: region count, per-policy region fields, engines that Global Accelerator can front. */
function checkRouting(config: RoutingInput, ctx: z.RefinementCtx): void {
  const policy = config.routing.policy;
  if (policy === "failover" && config.regions.length < 2) {
    ctx.addIssue({
      code: "too_small",
      origin: "array",
      minimum: 2,
      inclusive: true,
      path: ["regions"],
      input: config.regions,
      message: 'at least 2 regions for routing.policy "failover" (the first is PRIMARY), or another routing.policy ("latency", "weighted", "accelerator")',
    });
  }
  const only = { weight: "weighted", trafficDial: "accelerator" } as const;
  config.regions.forEach((r, i) => {
    for (const [key, owner] of Object.entries(only) as [keyof typeof only, RoutingPolicy][]) {
      if (r[key] !== undefined && policy !== owner) {
        ctx.addIssue({ code: "custom", path: ["regions", i, key], input: r[key], message: `nothing: it is only for routing.policy "${owner}", and this site's policy is "${policy}"` });
      }
    }
    const regionEngine = r.engine ?? config.engine;
    if (policy === "accelerator" && regionEngine !== "native") {
      // Global Accelerator endpoints are ALBs, NLBs, EC2 instances or Elastic IPs; Docker for AWS has a classic
      // ELB (docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints.html).
      ctx.addIssue({
        code: "custom",
        path: r.engine === undefined ? ["engine"] : ["regions", i, "engine"],
        input: regionEngine,
        message: `"native" for routing.policy "accelerator": Global Accelerator takes ALB and NLB endpoints, not the classic ELB of Docker for AWS (regions[${i}])`,
      });
    }
  });
  if (config.alarm.everyRegion === false && policy !== "failover") {
    ctx.addIssue({ code: "custom", path: ["alarm", "everyRegion"], input: false, message: `true or nothing: routing.policy "${policy}" has no PRIMARY region to alarm on alone` });
  }
}
// ---------------------------------------------------------------------------------------------------------

export const configSchema = strictObject({
  domain: domainName,
  /** Engine of every region that does not set its own. */
  engine: engine.default("docker-for-aws"),
  recordName: recordName.default(""),
  hostedZone: hostedZoneSchema.default({ forceDestroy: false }),
  // How many regions a routing policy allows is checked with the routing rules below.
  regions: z.array(regionSchema, { error: "a list of regions, the first one PRIMARY" }).min(1, { error: "at least 1 region" }),
  services: z
    .array(serviceSchema, { error: "a list of services" })
    .min(1, { error: "at least one service (the first one's first published port is the site's port)" }),
  healthCheck: healthCheckSchema.default({
    enabled: true,
    type: "HTTP",
    resourcePath: "/",
    requestInterval: 30,
    failureThreshold: 3,
  }),
  alarm: alarmSchema.default({}),
  backend: backendSchema.default({ type: "local" }),
  provisioning: provisioningSchema.default({ enabled: true, sshAgent: false, connectTimeout: "5m", swarmWaitSeconds: 300, commandTimeoutSeconds: 600 }),
  policy: policySchema.default({ suppress: [] }),
  routing: routingSchema.default({ policy: "failover" }),
  /** HTTPS for the site (native regions): an ACM certificate per region, TLS at the load balancers. */
  tls: tlsSchema.optional(),
}).superRefine((config, ctx) => {
  checkRouting(config, ctx);
  const seen = new Map<string, number>();
  config.regions.forEach((r, i) => {
    if (seen.has(r.region)) {
      ctx.addIssue({
        code: "custom",
        path: ["regions", i, "region"],
        input: r.region,
        message: `a region not already listed (regions[${seen.get(r.region)}] has it)`,
      });
    }
    seen.set(r.region, i);
    const regionEngine = r.engine ?? config.engine;
    const foreign = regionEngine === "native" ? DOCKER_FOR_AWS_FIELDS : NATIVE_FIELDS;
    for (const key of foreign) {
      if (r[key] !== undefined) {
        const owner = regionEngine === "native" ? "docker-for-aws" : "native";
        ctx.addIssue({ code: "custom", path: ["regions", i, key], input: r[key], message: `nothing: it is only for engine "${owner}", and this region's engine is "${regionEngine}"` });
      }
    }
    if (regionEngine === "native" && config.provisioning.enabled && config.provisioning.method === "ssh" && (r.sshCidrs ?? []).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["regions", i, "sshCidrs"],
        input: r.sshCidrs,
        message: 'at least one CIDR that may SSH to the managers (provisioning.method is "ssh"), or "provisioning": { "method": "ssm" }',
      });
    }
    if (regionEngine === "docker-for-aws" && config.provisioning.enabled && config.provisioning.method === "ssm") {
      ctx.addIssue({
        code: "custom",
        path: ["provisioning", "method"],
        input: "ssm",
        message: `"ssh" or unset: regions[${i}] (${r.region}) uses engine "docker-for-aws", whose managers have no SSM agent`,
      });
    }
    if (r.loadBalancer === "alb" && config.services.some((svc) => svc.ports.some((p) => p.protocol === "udp"))) {
      ctx.addIssue({ code: "custom", path: ["regions", i, "loadBalancer"], input: "alb", message: '"nlb": an ALB cannot forward the udp ports that services publish' });
    }
    for (const key of Object.keys(r.templateParameters ?? {})) {
      if ((MANAGED_TEMPLATE_PARAMETERS as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["regions", i, "templateParameters", key],
          input: key,
          message: `a parameter ha-site does not set itself (${MANAGED_TEMPLATE_PARAMETERS.join(", ")} come from the typed fields)`,
        });
      }
    }
  });
  const names = new Map<string, number>();
  const published = new Map<string, string>();
  config.services.forEach((s, i) => {
    if (names.has(s.name)) {
      ctx.addIssue({ code: "custom", path: ["services", i, "name"], input: s.name, message: "a service name not already used" });
    }
    names.set(s.name, i);
    s.ports.forEach((p, j) => {
      const key = `${p.published}/${p.protocol}`;
      if (published.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "ports", j, "published"],
          input: p.published,
          message: `a published port not already used (${published.get(key)} publishes it)`,
        });
      }
      published.set(key, `services[${i}] "${s.name}"`);
    });
  });
  const tcpPorts = config.services.flatMap((svc) => svc.ports.filter((p) => p.protocol === "tcp").map((p) => p.published));
  const checkPort = config.healthCheck.port ?? config.services[0]?.ports[0]?.published;
  // (With tls, Route 53 checks the TLS listener instead: httpsRules.)
  if (config.healthCheck.enabled && config.tls === undefined && checkPort !== undefined && !tcpPorts.includes(checkPort)) {
    ctx.addIssue({
      code: "custom",
      path: config.healthCheck.port === undefined ? ["services", 0, "ports", 0, "protocol"] : ["healthCheck", "port"],
      input: config.healthCheck.port ?? "udp",
      message: `a tcp port that a service publishes, for the HTTP health check (published tcp ports: ${tcpPorts.join(", ") || "none"})`,
    });
  }
  if (config.regions.some((r) => (r.engine ?? config.engine) === "native")) {
    config.services.forEach((svc, i) =>
      svc.ports.forEach((p, j) => {
        if (NATIVE_RESERVED_PORTS.includes(p.published)) {
          ctx.addIssue({
            code: "custom",
            path: ["services", i, "ports", j, "published"],
            input: p.published,
            message: `a port other than ${NATIVE_RESERVED_PORTS.join(", ")} (SSH and swarm ports of native regions' nodes)`,
          });
        }
      }),
    );
  }
  if (config.services.length > 0 && config.services[0].ports.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["services", 0, "ports"],
      input: [],
      message: "at least one published port on the first service (it is the site's port)",
    });
  }
  httpsRules(config, ctx);
  const zone = config.hostedZone;
  if (zone.zoneId !== undefined && zone.create === true) {
    ctx.addIssue({ code: "custom", path: ["hostedZone"], input: zone, message: 'either { "create": true } or { "zoneId": "Z..." }, not both' });
  } else if (zone.zoneId === undefined && zone.create === false) {
    ctx.addIssue({ code: "custom", path: ["hostedZone", "create"], input: false, message: 'true, or set "zoneId" to use an existing zone' });
  } else if (zone.zoneId !== undefined && zone.forceDestroy) {
    ctx.addIssue({ code: "custom", path: ["hostedZone", "forceDestroy"], input: true, message: "false: an existing zone is not destroyed by ha-site" });
  }
}).superRefine(siteLimits);

/** HTTPS combinations that cannot work (native load balancers, `tls`, `healthCheck.type`). */
function httpsRules(config: SiteConfig, ctx: z.RefinementCtx): void {
  const check = config.healthCheck;
  const tls = config.tls;
  const sitePort = config.services[0]?.ports[0];
  const nativeRegions = config.regions.map((r, i) => ({ r, i })).filter(({ r }) => (r.engine ?? config.engine) === "native");
  if (tls !== undefined) {
    config.regions.forEach((r, i) => {
      if ((r.engine ?? config.engine) !== "native") {
        ctx.addIssue({ code: "custom", path: ["tls"], input: tls, message: `nothing, or engine "native" for every region: regions[${i}] (${r.region}) uses "docker-for-aws", which ha-site cannot give a certificate` });
      }
    });
    const published = config.services.flatMap((svc) => svc.ports.map((p) => p.published));
    if (published.includes(tls.port)) {
      ctx.addIssue({ code: "custom", path: ["tls", "port"], input: tls.port, message: `a port no service publishes (the TLS listener forwards to the site port ${sitePort?.published}); published: ${published.join(", ")}` });
    }
    if (sitePort !== undefined && sitePort.protocol !== "tcp") {
      ctx.addIssue({ code: "custom", path: ["services", 0, "ports", 0, "protocol"], input: sitePort.protocol, message: '"tcp": with tls, the site port carries the HTTP behind the TLS listener' });
    }
    if (check.enabled && check.type !== "HTTPS") {
      ctx.addIssue({ code: "custom", path: ["healthCheck", "type"], input: check.type, message: `"HTTPS" with tls: the site answers HTTPS on port ${tls.port} (an HTTP check would see only the redirect or nothing)` });
    }
    if (check.enabled && check.port !== undefined && check.port !== tls.port) {
      ctx.addIssue({ code: "custom", path: ["healthCheck", "port"], input: check.port, message: `${tls.port} (tls.port) or unset: with tls, Route 53 checks the HTTPS listener` });
    }
  } else if (check.enabled && check.type === "HTTPS") {
    for (const { r, i } of nativeRegions) {
      if (r.loadBalancer === "alb") {
        ctx.addIssue({ code: "custom", path: ["regions", i, "loadBalancer"], input: "alb", message: '"nlb", or set "tls": an ALB\'s plain HTTP listener cannot answer the HTTPS health check (without tls, only an NLB passes the app\'s own TLS through)' });
      }
    }
  }
}

export type SiteConfigInput = z.input<typeof configSchema>;
export type SiteConfig = z.output<typeof configSchema>;
export type RegionConfig = SiteConfig["regions"][number];
export type ServiceConfig = SiteConfig["services"][number];
export type HealthCheckConfig = SiteConfig["healthCheck"];
export type BackendConfig = SiteConfig["backend"];
export type ProvisioningConfig = SiteConfig["provisioning"];
export type PolicyConfig = SiteConfig["policy"];
export type RoutingConfig = SiteConfig["routing"];
export type TlsConfig = NonNullable<SiteConfig["tls"]>;
