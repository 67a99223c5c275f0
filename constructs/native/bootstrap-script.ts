// The EC2 user-data script that turns an Amazon Linux 2023 instance into a node of a native Docker Swarm.
// The script itself is a real file, bootstrap.sh (shellcheck-clean); this fills in its settings and keeps the
// sections of the node's role. Deterministic; the native engine's launch templates carry its output.
// How it works, and what it needs from Terraform: docs/native-bootstrap.md.
import { NATIVE_READY_MARKER } from "./readiness";
import { nativeScriptFile, selectSections } from "./script-file";

/** Which kind of swarm node the script makes. */
export type NativeSwarmRole = "manager" | "worker";

export interface NativeBootstrapOptions {
  /** Manager or worker. */
  readonly role: NativeSwarmRole;
  /** The regional stack's name; names the SSM parameters unless `parameterPrefix` is set. */
  readonly stackName: string;
  /** AWS region of the stack (and of its SSM parameters), e.g. "eu-west-1". */
  readonly region: string;
  /** SSM parameter path holding the lock, tokens and address; starts and ends with "/". @default `/ha-site/<stackName>/` */
  readonly parameterPrefix?: string;
  /** Value Terraform creates the parameters with, meaning "not set yet". @default "unset" */
  readonly placeholder?: string;
  /** Upper bound, in whole seconds from the script's start, for every wait and retry loop. @default 900 */
  readonly waitSeconds?: number;
  /** Pause between two attempts, in seconds (fractions allowed, at least 0.01). @default 5 */
  readonly pollSeconds?: number;
  /**
   * Managers only: how often (seconds) a systemd timer lets the current swarm leader write its address to
   * `manager-address`, so that replacement nodes find a live manager. 0 installs no timer. @default 60
   */
  readonly addressRefreshSeconds?: number;
}

/** Defaults of the optional options. */
export const NATIVE_BOOTSTRAP_DEFAULTS = {
  placeholder: "unset",
  waitSeconds: 900,
  pollSeconds: 5,
  addressRefreshSeconds: 60,
} as const;

/** The parameters' names below the prefix; Terraform creates each with the placeholder value. */
export const NATIVE_BOOTSTRAP_PARAMETERS = {
  lock: { name: "lock", type: "String" },
  managerToken: { name: "manager-token", type: "SecureString" },
  workerToken: { name: "worker-token", type: "SecureString" },
  managerAddress: { name: "manager-address", type: "String" },
} as const;

/** Where an installed manager keeps a copy of this script for the address-refresh timer. */
export const NATIVE_BOOTSTRAP_INSTALLED_PATH = "/usr/local/sbin/ha-site-swarm-bootstrap";

/** Default SSM parameter prefix of a stack: `/ha-site/<stackName>/`. */
export function nativeParameterPrefix(stackName: string): string {
  checkStackName(stackName);
  return `/ha-site/${stackName}/`;
}

/** One least-privilege IAM statement the instance role of `role` needs (parameter names; map them to ARNs). */
export interface NativeBootstrapPermission {
  readonly actions: readonly string[];
  /** Full parameter names, e.g. "/ha-site/site-a/lock"; ARN: `arn:<partition>:ssm:<region>:<account>:parameter<name>`. */
  readonly parameterNames: readonly string[];
}

/**
 * What the bootstrap calls, per role. Workers never see the manager token (reading it would let a worker
 * join, i.e. control the swarm, as a manager). SecureStrings use the AWS managed key aws/ssm, whose key
 * policy already lets the account's principals use it through SSM: no KMS statement is needed.
 */
export function nativeBootstrapPermissions(
  role: NativeSwarmRole,
  options: { readonly stackName: string; readonly parameterPrefix?: string },
): NativeBootstrapPermission[] {
  checkRole(role);
  const prefix = resolvePrefix(options.stackName, options.parameterPrefix);
  const p = NATIVE_BOOTSTRAP_PARAMETERS;
  if (role === "worker") {
    return [{ actions: ["ssm:GetParameter"], parameterNames: [p.workerToken.name, p.managerAddress.name].map((n) => prefix + n) }];
  }
  const all = [p.lock, p.managerToken, p.workerToken, p.managerAddress].map((x) => prefix + x.name);
  return [{ actions: ["ssm:GetParameter", "ssm:PutParameter"], parameterNames: all }];
}

/** The user-data script (POSIX sh, first line `#!/bin/sh`) for a native swarm node. */
export function nativeBootstrapScript(options: NativeBootstrapOptions): string {
  checkRole(options.role);
  const prefix = resolvePrefix(options.stackName, options.parameterPrefix);
  checkRegion(options.region);
  const placeholder = options.placeholder ?? NATIVE_BOOTSTRAP_DEFAULTS.placeholder;
  checkPlaceholder(placeholder);
  const waitSeconds = options.waitSeconds ?? NATIVE_BOOTSTRAP_DEFAULTS.waitSeconds;
  if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > 86400) {
    throw new Error(`waitSeconds: got ${String(waitSeconds)}; expected a whole number of seconds from 1 to 86400`);
  }
  const pollSeconds = options.pollSeconds ?? NATIVE_BOOTSTRAP_DEFAULTS.pollSeconds;
  if (!Number.isFinite(pollSeconds) || pollSeconds < 0.01 || pollSeconds > 3600 || !/^\d+(\.\d+)?$/.test(String(pollSeconds))) {
    throw new Error(`pollSeconds: got ${String(pollSeconds)}; expected a number of seconds from 0.01 to 3600`);
  }
  const refresh = options.addressRefreshSeconds ?? NATIVE_BOOTSTRAP_DEFAULTS.addressRefreshSeconds;
  if (!Number.isInteger(refresh) || (refresh !== 0 && (refresh < 10 || refresh > 86400))) {
    throw new Error(`addressRefreshSeconds: got ${String(refresh)}; expected 0 (no timer) or a whole number of seconds from 10 to 86400`);
  }
  if (options.role === "worker" && options.addressRefreshSeconds !== undefined) {
    throw new Error(`addressRefreshSeconds: got ${String(refresh)} for a worker; only managers refresh the manager address`);
  }

  const p = NATIVE_BOOTSTRAP_PARAMETERS;
  const manager = options.role === "manager";
  const settings = [
    `# Settings of a swarm ${options.role} of stack ${options.stackName}, written by nativeBootstrapScript().`,
    `ROLE=${shq(options.role)}`,
    `REGION=${shq(options.region)}`,
    ...(manager ? [`LOCK_PARAM=${shq(prefix + p.lock.name)}`, `MANAGER_TOKEN_PARAM=${shq(prefix + p.managerToken.name)}`] : []),
    `WORKER_TOKEN_PARAM=${shq(prefix + p.workerToken.name)}`,
    `ADDRESS_PARAM=${shq(prefix + p.managerAddress.name)}`,
    `PLACEHOLDER=${shq(placeholder)}`,
    `WAIT_SECONDS=${waitSeconds}`,
    `POLL_SECONDS=${String(pollSeconds)}`,
    ...(manager && refresh !== 0 ? [`ADDRESS_REFRESH_SECONDS=${refresh}`] : []),
  ];
  const keep = (section: string) =>
    section === "manager" ? manager : section === "worker" ? !manager : section === "refresher" ? refresh !== 0 : false;
  const script = selectSections(nativeScriptFile("bootstrap.sh"), keep, (section) =>
    section === "settings" ? settings : section === "refresher" ? ["install_address_refresher() { :; }"] : [],
  );
  return script.replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** Path of the readiness marker a node writes once it is in the swarm (the service and lifecycle scripts wait for it). */
export const NATIVE_BOOTSTRAP_READY_MARKER = NATIVE_READY_MARKER;

// ---------------------------------------------------------------------------------------------------------
// Validation and quoting.

function checkRole(role: string): void {
  if (role !== "manager" && role !== "worker") {
    throw new Error(`role: got ${JSON.stringify(role)}; expected "manager" or "worker"`);
  }
}

function checkStackName(stackName: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(stackName)) {
    throw new Error(
      `stackName: got ${JSON.stringify(stackName)}; expected 1-128 letters, digits, "_", "." or "-", starting with a letter or digit`,
    );
  }
}

function checkRegion(region: string): void {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) {
    throw new Error(`region: got ${JSON.stringify(region)}; expected an AWS region name such as "eu-west-1"`);
  }
}

function checkPlaceholder(placeholder: string): void {
  if (!/^[\x21-\x7e]([\x20-\x7e]{0,254}[\x21-\x7e])?$/.test(placeholder) || /[$%]\{/.test(placeholder)) {
    throw new Error(
      `placeholder: got ${JSON.stringify(placeholder)}; expected 1-256 printable ASCII characters, not starting or ending ` +
        `with a space, without "\${" or "%{"`,
    );
  }
}

function resolvePrefix(stackName: string, parameterPrefix: string | undefined): string {
  checkStackName(stackName);
  if (parameterPrefix === undefined) return `/ha-site/${stackName}/`;
  const longest = parameterPrefix + NATIVE_BOOTSTRAP_PARAMETERS.managerAddress.name;
  // SSM: names of letters, digits and _.-/ ; at most 15 levels; at most 1011 characters; no aws/ssm root.
  if (
    !/^\/([A-Za-z0-9_.-]+\/)+$/.test(parameterPrefix) ||
    /^\/(aws|ssm)/i.test(parameterPrefix) ||
    longest.split("/").length - 1 > 15 ||
    longest.length > 1011
  ) {
    throw new Error(
      `parameterPrefix: got ${JSON.stringify(parameterPrefix)}; expected an SSM path such as "/ha-site/${stackName}/": ` +
        `starting and ending with "/", segments of letters, digits, "_", "." or "-", at most 14 levels, not under /aws or /ssm`,
    );
  }
  return parameterPrefix;
}

/** Single-quote a value for POSIX sh. */
function shq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
