// The POSIX sh scripts that start, update and remove one docker service on a swarm manager, and the one that
// waits for a freshly booted manager. The shell is in constructs/scripts/*.sh (the shared library
// service-lib.sh, and one template per script that sets the parameters and calls the library); these
// functions only compute and quote the parameters. Pure functions: the Terraform wiring (null_resource +
// remote-exec) lives in swarm-services.ts, and ships the library once per stack.
//
// Where they run: a Docker for AWS manager, as user `docker`, in the `shell-aws` container (Alpine, busybox
// sh, docker CLI 17.x/18.x), or a native manager (Amazon Linux 2023) as ec2-user: POSIX sh only.
//
// What they guarantee:
// - every docker call is bounded (a watchdog kills it: TERM, then KILL 10 s later);
// - any failure prints `ha-site: ERROR: service NAME, step "STEP": ...` on stderr and exits 1;
// - re-running converges and never duplicates: a missing service is created, a present one is compared
//   field by field (image, replicas, env, published ports) with the configuration and updated in place
//   with only the flags that differ; an unchanged service gets no `docker service update` at all, so its
//   tasks are not restarted;
// - every value from the config is shell-quoted, even though the config schema already rejects hostile
//   names and images;
// - same input, same bytes.
import { serviceSchema, type ServiceConfig } from "../config/schema";
import { fillShellTemplate, shellSource, type FilledTemplate } from "./shell-template";
import { shellLines, shellQuote } from "./shell";

export interface ServiceDeployScriptOptions {
  /** Seconds to wait for the swarm to answer `docker node ls` before failing (default 300; 0 = try once). */
  swarmWaitSeconds?: number;
  /** Seconds any single docker command may run before it is killed (default 600). */
  commandTimeoutSeconds?: number;
  /** Seconds to wait, once the spec matches, for the running tasks to reach `replicas` (default 180). */
  convergeWaitSeconds?: number;
  /** Seconds between two tries of a wait loop (default 5). */
  pollSeconds?: number;
}

export interface ServiceRemoveScriptOptions {
  /** Seconds to wait for the swarm to answer `docker node ls` before failing (default 60; 0 = try once). */
  swarmWaitSeconds?: number;
  /** Seconds any single docker command may run before it is killed (default 120). */
  commandTimeoutSeconds?: number;
  /** Seconds between two tries of the swarm wait (default 5). */
  pollSeconds?: number;
}

export const DEPLOY_SCRIPT_DEFAULTS: Readonly<Required<ServiceDeployScriptOptions>> = {
  swarmWaitSeconds: 300,
  commandTimeoutSeconds: 600,
  convergeWaitSeconds: 180,
  pollSeconds: 5,
};

export const REMOVE_SCRIPT_DEFAULTS: Readonly<Required<ServiceRemoveScriptOptions>> = {
  swarmWaitSeconds: 60,
  commandTimeoutSeconds: 120,
  pollSeconds: 5,
};

export interface NodeWaitScriptOptions {
  /** The file the engine's bootstrap writes when the node is ready; "" or undefined: none (Docker for AWS). */
  readinessMarker?: string;
  /** Seconds to wait for cloud-init and the marker (default 900, the native bootstrap's own limit). */
  waitSeconds?: number;
  /** Seconds between two looks for the marker (default 5). */
  pollSeconds?: number;
}

export const NODE_WAIT_SCRIPT_DEFAULTS = { waitSeconds: 900, pollSeconds: 5 } as const;

/** One try of `docker node ls` in the swarm wait is bounded by this, or by the command timeout if smaller. */
const SWARM_TRY_TIMEOUT_SECONDS = 30;

/**
 * The Go templates the scripts pass to `docker service inspect --format` / `docker service ls --format`
 * (exported so that the tests can check that their stub docker answers each one).
 */
export const DOCKER_FORMATS = {
  id: "{{.ID}}",
  image: "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
  replicas: "{{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{end}}",
  env: "{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{println .}}{{end}}",
  ports:
    "{{if .Spec.EndpointSpec}}{{range .Spec.EndpointSpec.Ports}}" +
    "{{.PublishedPort}}:{{.TargetPort}}/{{with .Protocol}}{{.}}{{else}}tcp{{end}}/{{with .PublishMode}}{{.}}{{else}}ingress{{end}}" +
    "{{println}}{{end}}{{end}}",
  list: "{{.Name}} {{.Replicas}}",
} as const;

/** A published port as the scripts compare it: `published:target/protocol/mode` (mode is always ingress here). */
export function portLine(port: ServiceConfig["ports"][number]): string {
  return `${port.published}:${port.target}/${port.protocol}/ingress`;
}

/**
 * How docker may report `image` in the service spec, for the "image unchanged?" test. The daemon resolves a
 * tag to a digest and stores the familiar name with tag and digest (`tutum/hello-world:latest@sha256:...`;
 * `docker.io/library/nginx` becomes `nginx:latest@...`), or keeps the string as given when it cannot reach the
 * registry. Without a digest in the config, the current image is compared with its `@digest` cut off, so a
 * tag that moved upstream does not count as a change (set a new tag or a digest to roll out a new build).
 */
export function imageSpecForms(image: string): { withDigest: boolean; forms: string[] } {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at) : "";
  const named = at >= 0 ? image.slice(0, at) : image;
  // distribution/reference splitDockerDomain: the first component is a registry when it has "." or ":",
  // is "localhost", or has upper case letters.
  const slash = named.indexOf("/");
  const first = slash >= 0 ? named.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  let domain = hasDomain ? first : "docker.io";
  const path = hasDomain ? named.slice(slash + 1) : named;
  if (domain === "index.docker.io") domain = "docker.io";
  let familiar: string;
  if (domain === "docker.io") {
    familiar = path.startsWith("library/") && !path.slice("library/".length).includes("/") ? path.slice("library/".length) : path;
  } else {
    familiar = `${domain}/${path}`;
  }
  const lastComponent = familiar.slice(familiar.lastIndexOf("/") + 1);
  const tagged = lastComponent.includes(":");
  const forms = digest
    ? [image, familiar + digest]
    : [image, familiar, tagged ? familiar : `${familiar}:latest`];
  return { withDigest: digest !== "", forms: [...new Set(forms)] };
}

function seconds(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 86400) {
    throw new RangeError(`${name}: expected an integer from ${min} to 86400 (seconds), got ${String(value)}`);
  }
  return value;
}

function checkedService(service: ServiceConfig): ServiceConfig {
  const result = serviceSchema.safeParse(service);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(service)"}: ${i.message}`).join("; ");
    throw new Error(`serviceDeployScript: invalid service ${JSON.stringify(service.name)}: ${issues}`);
  }
  return result.data;
}

function checkedName(name: string): string {
  const result = serviceSchema.shape.name.safeParse(name);
  if (!result.success) {
    throw new Error(`serviceRemoveScript: invalid service name ${JSON.stringify(name)}: ${result.error.issues[0]?.message ?? "invalid"}`);
  }
  return result.data;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The shared shell library (constructs/scripts/service-lib.sh) that every script below runs. */
export function serviceScriptLibrary(): string {
  return shellSource("service-lib.sh");
}

/**
 * The swarm waits both the deploy and the remove script use: for the swarm, one try of `docker node ls`, any
 * other docker command, between tries (seconds, checked).
 */
function swarmTimings(o: { swarmWaitSeconds: number; commandTimeoutSeconds: number; pollSeconds: number }): Record<string, string> {
  const swarmWait = seconds("swarmWaitSeconds", o.swarmWaitSeconds, 0);
  const commandTimeout = seconds("commandTimeoutSeconds", o.commandTimeoutSeconds, 1);
  return {
    SWARM_WAIT: String(swarmWait),
    TRY_TIMEOUT: String(Math.min(SWARM_TRY_TIMEOUT_SECONDS, commandTimeout)),
    COMMAND_TIMEOUT: String(commandTimeout),
    POLL: String(seconds("pollSeconds", o.pollSeconds, 1)),
  };
}

/** A script with the library inline: what runs on the manager. */
const withLibrary = (t: FilledTemplate): string => t.head + serviceScriptLibrary() + t.tail;

/**
 * The parameters of the deploy script of `service` (head: shebang and values; tail: the call of
 * deploy_service): `head + serviceScriptLibrary() + tail` is serviceDeployScript(service, options).
 */
export function serviceDeployParts(service: ServiceConfig, options: ServiceDeployScriptOptions = {}): FilledTemplate {
  const s = checkedService(service);
  const o = { ...DEPLOY_SCRIPT_DEFAULTS, ...options };
  const timings = swarmTimings(o);
  const convergeWait = seconds("convergeWaitSeconds", o.convergeWaitSeconds, 0);

  const ports = [...s.ports].sort((a, b) => a.published - b.published || byCodeUnits(a.protocol, b.protocol) || a.target - b.target);
  const envNames = Object.keys(s.env).sort(byCodeUnits);
  const image = imageSpecForms(s.image);
  return fillShellTemplate("service-deploy.sh", {
    NAME: JSON.stringify(s.name),
    SERVICE: shellQuote(s.name),
    IMAGE: shellQuote(s.image),
    REPLICAS: String(s.replicas),
    IMAGE_FORMS: shellLines(image.forms),
    IMAGE_HAS_DIGEST: image.withDigest ? "yes" : "no",
    DESIRED_PORTS: shellLines(ports.map(portLine)),
    DESIRED_ENV: shellLines(envNames.map((k) => `${k}=${s.env[k]}`)),
    DESIRED_ENV_NAMES: shellLines(envNames),
    ...timings,
    CONVERGE_WAIT: String(convergeWait),
  });
}

/**
 * The script that makes the swarm run `service` as configured: waits (bounded) for the swarm, creates the
 * service when `docker service inspect` says it is missing, else updates in place exactly the fields that
 * differ (image, replicas, env, published ports; removed ports and env are removed), then checks that the
 * spec matches and that `replicas` tasks run. Exits non-zero with a message naming the service and the step
 * on any failure or timeout. Self-contained (the library inline).
 */
export function serviceDeployScript(service: ServiceConfig, options: ServiceDeployScriptOptions = {}): string {
  return withLibrary(serviceDeployParts(service, options));
}

/** The parameters of the remove script of `name` (see serviceDeployParts). */
export function serviceRemoveParts(name: string, options: ServiceRemoveScriptOptions = {}): FilledTemplate {
  const n = checkedName(name);
  const o = { ...REMOVE_SCRIPT_DEFAULTS, ...options };
  return fillShellTemplate("service-remove.sh", { NAME: JSON.stringify(n), SERVICE: shellQuote(n), ...swarmTimings(o) });
}

/**
 * The destroy-time script: removes the service `name` if the swarm has it (exit 0 when it does not). Waits
 * (bounded) for the swarm first, so that "missing" is told apart from "swarm not answering" (exit 1).
 */
export function serviceRemoveScript(name: string, options: ServiceRemoveScriptOptions = {}): string {
  return withLibrary(serviceRemoveParts(name, options));
}

/** The parameters of the node-wait script run before deploying `name` (see serviceDeployParts). */
export function serviceNodeWaitParts(name: string, options: NodeWaitScriptOptions = {}): FilledTemplate {
  const n = checkedName(name);
  const marker = options.readinessMarker ?? "";
  if (marker !== "" && !/^\/[A-Za-z0-9_./-]+$/.test(marker)) {
    throw new Error(`readinessMarker: got ${JSON.stringify(marker)}; expected an absolute path of letters, digits and _./-`);
  }
  return fillShellTemplate("service-node-wait.sh", {
    NAME: JSON.stringify(n),
    SERVICE: shellQuote(n),
    READY_MARKER: shellQuote(marker),
    NODE_WAIT: String(seconds("waitSeconds", options.waitSeconds ?? NODE_WAIT_SCRIPT_DEFAULTS.waitSeconds, 0)),
    POLL: String(seconds("pollSeconds", options.pollSeconds ?? NODE_WAIT_SCRIPT_DEFAULTS.pollSeconds, 1)),
  });
}

/**
 * The first SSH session of a deployment: waits (bounded) until cloud-init is done, where the node has it,
 * and until the bootstrap's readiness marker exists, where the engine writes one (Docker for AWS managers
 * have neither: it returns at once). The deploy script then runs in a new session.
 */
export function serviceNodeWaitScript(name: string, options: NodeWaitScriptOptions = {}): string {
  return withLibrary(serviceNodeWaitParts(name, options));
}
