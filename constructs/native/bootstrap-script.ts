// The EC2 user-data script that turns an Amazon Linux 2023 instance into a node of a native Docker Swarm.
// Pure function of its options (no I/O, deterministic); the native engine's launch templates carry its output.
// How it works, and what it needs from Terraform: docs/native-bootstrap.md.
import { NATIVE_READY_MARKER } from "./readiness";

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
  const header = [
    "#!/bin/sh",
    "set -eu",
    `# ha-site: Docker Swarm bootstrap of a native (EC2) swarm ${options.role}, stack ${options.stackName}.`,
    "# Generated by constructs/native/bootstrap-script.ts; how it works: docs/native-bootstrap.md.",
    "# Never print a join token: this output goes to /var/log/cloud-init-output.log and the EC2 console.",
    "",
    `ROLE=${shq(options.role)}`,
    `REGION=${shq(options.region)}`,
    ...(options.role === "manager"
      ? [`LOCK_PARAM=${shq(prefix + p.lock.name)}`, `MANAGER_TOKEN_PARAM=${shq(prefix + p.managerToken.name)}`]
      : []),
    `WORKER_TOKEN_PARAM=${shq(prefix + p.workerToken.name)}`,
    `ADDRESS_PARAM=${shq(prefix + p.managerAddress.name)}`,
    `PLACEHOLDER=${shq(placeholder)}`,
    `WAIT_SECONDS=${waitSeconds}`,
    `POLL_SECONDS=${String(pollSeconds)}`,
    "# Test hook: the instance metadata endpoint. (No dollar-brace anywhere: Terraform would read it as a template.)",
    "IMDS=$(printenv HA_SITE_IMDS || echo http://169.254.169.254)",
    "# Written last, when this node is ready; the service provisioner waits for it. (Test hook: HA_SITE_ROOT, a root directory.)",
    `READY_MARKER=$(printenv HA_SITE_ROOT || true)${shq(NATIVE_READY_MARKER)}`,
  ];
  if (options.role === "manager" && refresh !== 0) {
    header.push(
      "# Test hook: root directory for the files a manager installs.",
      "ROOT=$(printenv HA_SITE_ROOT || true)",
      `INSTALLED=${shq(NATIVE_BOOTSTRAP_INSTALLED_PATH)}`,
    );
  }

  const parts = [header.join("\n"), COMMON];
  if (options.role === "manager") {
    parts.push(MANAGER);
    parts.push(refresh === 0 ? NO_REFRESHER : refresherInstaller(refresh));
    parts.push(MANAGER_MAIN);
  } else {
    parts.push(WORKER_MAIN);
  }
  return parts.map((part) => part.trim()).join("\n\n") + "\n";
}

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

// ---------------------------------------------------------------------------------------------------------
// Script body. String.raw: backslashes reach the shell as written. No "${" or "%{" anywhere in the script:
// TypeScript would interpolate the one, and Terraform reads both as template syntax in user_data. The header
// defines full parameter names so the body needs no "${PREFIX}x".

const COMMON = String.raw`
say() { printf '%s\n' "ha-site bootstrap [$ROLE]: $*"; }
warn() { printf '%s\n' "ha-site bootstrap [$ROLE]: WARNING: $*" >&2; }
die() { printf '%s\n' "ha-site bootstrap [$ROLE]: ERROR: $*" >&2; exit 1; }

export AWS_PAGER=''
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DEADLINE=$(($(date +%s) + WAIT_SECONDS))

# keep_error: remember the last failed command's stderr (shown when a wait times out).
keep_error() { if [ -f "$WORK/stderr" ]; then mv -f "$WORK/stderr" "$WORK/last-error"; fi; }

# wait_step WHAT: pause one poll interval, or give up with a message (and the last error) after the deadline.
wait_step() {
  if [ "$(date +%s)" -ge "$DEADLINE" ]; then
    if [ -s "$WORK/last-error" ]; then
      printf '%s\n' "ha-site bootstrap [$ROLE]: last error:" >&2
      cat "$WORK/last-error" >&2
    fi
    die "timed out after $WAIT_SECONDS seconds $1"
  fi
  sleep "$POLL_SECONDS"
}

# is_set VALUE: true if a parameter value is neither empty nor the placeholder Terraform created it with.
is_set() { [ -n "$1" ] && [ "$1" != "$PLACEHOLDER" ]; }

# imds_get PATH: set METADATA to an instance metadata value (IMDSv2: token PUT, then GET), retrying.
imds_get() {
  until IMDS_TOKEN=$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
      "$IMDS/latest/api/token" 2>"$WORK/stderr") &&
    METADATA=$(curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" \
      "$IMDS/latest/meta-data/$1" 2>"$WORK/stderr") &&
    [ -n "$METADATA" ]; do
    keep_error
    wait_step "reading instance metadata $1 from $IMDS"
  done
}

aws_ssm() { aws --region "$REGION" --cli-connect-timeout 10 --cli-read-timeout 20 ssm "$@"; }

# ssm_get NAME: set VALUE to the parameter's (decrypted) value; on failure VALUE='' and status 1.
ssm_get() {
  if VALUE=$(aws_ssm get-parameter --name "$1" --with-decryption --query Parameter.Value --output text \
    2>"$WORK/stderr"); then
    return 0
  fi
  keep_error
  VALUE=''
  return 1
}

# mark_ready: write READY_MARKER (constructs/native/readiness.ts), which the service provisioner waits for.
mark_ready() { mkdir -p "$(dirname "$READY_MARKER")" && date -u +%Y-%m-%dT%H:%M:%SZ >"$READY_MARKER"; }

swarm_state() { STATE=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) || STATE=unknown; }

# start_docker: install (if missing), enable and start Docker; wait until the daemon answers.
start_docker() {
  if ! command -v docker >/dev/null 2>&1; then
    say "installing docker"
    until dnf install -y docker 2>"$WORK/stderr"; do keep_error; wait_step "installing docker (dnf install -y docker)"; done
  fi
  until systemctl enable --now docker 2>"$WORK/stderr"; do keep_error; wait_step "starting docker (systemctl enable --now docker)"; done
  until docker info >/dev/null 2>"$WORK/stderr"; do keep_error; wait_step "waiting for the docker daemon (docker info)"; done
  # The SSH user of this engine runs the service scripts: let it use docker without sudo.
  if id ec2-user >/dev/null 2>&1; then usermod -aG docker ec2-user || say "could not add ec2-user to the docker group"; fi
}

# check_swarm_state: stop (successfully) if this node is already in a swarm, e.g. when run again after a reboot.
check_swarm_state() {
  swarm_state
  case $STATE in
    active) say "this node is already part of a swarm: nothing to do"; exit 0 ;;
    inactive) ;;
    pending | error)
      say "swarm state is '$STATE' (an earlier join did not finish): leaving it before bootstrapping"
      docker swarm leave --force >/dev/null 2>&1 || true
      ;;
    *) die "unexpected swarm state '$STATE' (docker info --format '{{.Swarm.LocalNodeState}}'); not touching it" ;;
  esac
}

# join_swarm ROLE TOKEN_PARAM: wait until TOKEN_PARAM and ADDRESS_PARAM are set, then join through that address.
# A failed join (e.g. the stored manager is gone) is retried with freshly read values until the deadline.
join_swarm() {
  ANNOUNCED=no
  while :; do
    TOKEN=''
    ADDRESS=''
    if ssm_get "$2"; then TOKEN=$VALUE; fi
    if ssm_get "$ADDRESS_PARAM"; then ADDRESS=$VALUE; fi
    if is_set "$TOKEN" && is_set "$ADDRESS"; then
      say "joining the swarm as a $1 via $ADDRESS:2377"
      if docker swarm join --token "$TOKEN" --advertise-addr "$PRIVATE_IP" "$ADDRESS:2377" 2>"$WORK/stderr"; then
        return 0
      fi
      keep_error
      swarm_state
      if [ "$STATE" = active ]; then return 0; fi
      say "could not join via $ADDRESS:2377 (swarm state: $STATE); will retry"
      docker swarm leave --force >/dev/null 2>&1 || true
    elif [ "$ANNOUNCED" = no ]; then
      say "waiting for $2 and $ADDRESS_PARAM to be set"
      ANNOUNCED=yes
    fi
    wait_step "waiting to join the swarm as a $1: $2 and $ADDRESS_PARAM must hold a value other than the placeholder '$PLACEHOLDER', and a manager must answer at that address on port 2377"
  done
}
`;

const MANAGER = String.raw`
# ssm_put NAME TYPE VALUE: overwrite the parameter; set VERSION to the version this write created.
ssm_put() {
  if VERSION=$(aws_ssm put-parameter --name "$1" --type "$2" --value "$3" --overwrite --query Version --output text \
    2>"$WORK/stderr"); then
    return 0
  fi
  keep_error
  VERSION=''
  return 1
}

# publish NAME TYPE VALUE: ssm_put, retried until the deadline.
publish() { until ssm_put "$1" "$2" "$3"; do wait_step "writing $1"; done; }
# claim_lock: write this instance's id to LOCK_PARAM; the writer of version 2 (Terraform wrote version 1)
# is the first manager: FIRST=yes. SSM gives every successful write its own, increasing version.
claim_lock() {
  # put-parameter would create a missing parameter, outside Terraform: make sure Terraform created it first.
  until ssm_get "$LOCK_PARAM"; do wait_step "waiting for $LOCK_PARAM to exist (Terraform creates it before the instances)"; done
  say "writing $INSTANCE_ID to $LOCK_PARAM"
  until ssm_put "$LOCK_PARAM" String "$INSTANCE_ID"; do wait_step "writing $LOCK_PARAM"; done
  case $VERSION in
    '' | *[!0-9]*) die "put-parameter $LOCK_PARAM returned '$VERSION', not a version number" ;;
  esac
  if [ "$VERSION" -eq 1 ]; then
    die "$LOCK_PARAM was deleted just before this node wrote it (version 1): it now exists outside Terraform; delete it, then apply again"
  fi
  FIRST=no
  if [ "$VERSION" -eq 2 ]; then
    FIRST=yes
  else
    # A write can succeed although its response was lost (a retry then returns a later version), so version 2
    # may still be this instance's: ask for it. SSM keeps the last 100 versions; an older one is not ours to init.
    until ssm_get "$LOCK_PARAM:2"; do
      if grep -q ParameterVersionNotFound "$WORK/last-error" 2>/dev/null; then break; fi
      wait_step "reading $LOCK_PARAM:2"
    done
    if [ "$VALUE" = "$INSTANCE_ID" ]; then FIRST=yes; fi
  fi
  say "this node wrote version $VERSION of $LOCK_PARAM"
}

# init_swarm: create the swarm, then store both join tokens (SecureString) and, last, this node's address.
init_swarm() {
  say "first manager: docker swarm init --advertise-addr $PRIVATE_IP"
  # swarm init prints a join command with the worker token: keep it out of the log.
  docker swarm init --advertise-addr "$PRIVATE_IP" >/dev/null || die "docker swarm init failed"
  MANAGER_TOKEN=$(docker swarm join-token -q manager) || die "docker swarm join-token manager failed"
  WORKER_TOKEN=$(docker swarm join-token -q worker) || die "docker swarm join-token worker failed"
  publish "$MANAGER_TOKEN_PARAM" SecureString "$MANAGER_TOKEN"
  publish "$WORKER_TOKEN_PARAM" SecureString "$WORKER_TOKEN"
  publish "$ADDRESS_PARAM" String "$PRIVATE_IP"
  say "swarm initialised; join tokens stored in $MANAGER_TOKEN_PARAM and $WORKER_TOKEN_PARAM"
}

# advertise_address: after joining, point ADDRESS_PARAM at this (live) manager. Best effort: the node has joined.
advertise_address() {
  until ssm_put "$ADDRESS_PARAM" String "$PRIVATE_IP"; do
    if [ "$(date +%s)" -ge "$DEADLINE" ]; then
      warn "could not write $PRIVATE_IP to $ADDRESS_PARAM; the node is in the swarm anyway"
      return 0
    fi
    sleep "$POLL_SECONDS"
  done
}

# refresh_manager_address: run by the address-refresh timer. On the swarm leader only, point ADDRESS_PARAM at
# this node if it points elsewhere (e.g. at a manager that was terminated), so that new nodes can join.
refresh_manager_address() {
  LEADER=$(docker node inspect self --format '{{.ManagerStatus.Leader}}' 2>/dev/null) || LEADER=false
  if [ "$LEADER" != true ]; then return 0; fi
  imds_get local-ipv4
  PRIVATE_IP=$METADATA
  ssm_get "$ADDRESS_PARAM" || die "cannot read $ADDRESS_PARAM: $(cat "$WORK/last-error")"
  if [ "$VALUE" != "$PRIVATE_IP" ]; then
    ssm_put "$ADDRESS_PARAM" String "$PRIVATE_IP" || die "cannot write $ADDRESS_PARAM: $(cat "$WORK/last-error")"
    say "$ADDRESS_PARAM now points at the swarm leader, $PRIVATE_IP"
  fi
}
`;

const NO_REFRESHER = String.raw`
install_address_refresher() { :; }
`;

function refresherInstaller(seconds: number): string {
  const unitDir = "/etc/systemd/system";
  return String.raw`
# install_address_refresher: keep a copy of this script and a systemd timer that runs its
# refresh-manager-address mode every ${String(seconds)} seconds.
install_address_refresher() {
  if [ ! -f "$0" ]; then
    warn "cannot copy this script ($0): the manager-address refresh timer is not installed"
    return 0
  fi
  mkdir -p "$ROOT${unitDir}" "$(dirname "$ROOT$INSTALLED")"
  cp "$0" "$ROOT$INSTALLED"
  chmod 0700 "$ROOT$INSTALLED"
  cat >"$ROOT${unitDir}/ha-site-manager-address.service" <<'EOF'
[Unit]
Description=ha-site: point the swarm's manager-address SSM parameter at the swarm leader
Wants=docker.service
After=docker.service network-online.target

[Service]
Type=oneshot
ExecStart=/bin/sh ${NATIVE_BOOTSTRAP_INSTALLED_PATH} refresh-manager-address
EOF
  cat >"$ROOT${unitDir}/ha-site-manager-address.timer" <<'EOF'
[Unit]
Description=ha-site: refresh the swarm's manager-address SSM parameter every ${String(seconds)} seconds

[Timer]
OnBootSec=${String(seconds)}
OnUnitActiveSec=${String(seconds)}

[Install]
WantedBy=timers.target
EOF
  if systemctl daemon-reload && systemctl enable --now ha-site-manager-address.timer; then
    say "installed ha-site-manager-address.timer"
  else
    warn "could not enable ha-site-manager-address.timer"
  fi
}
`;
}

const MANAGER_MAIN = String.raw`
main() {
  start_docker
  check_swarm_state
  imds_get instance-id
  INSTANCE_ID=$METADATA
  imds_get local-ipv4
  PRIVATE_IP=$METADATA
  claim_lock
  if [ "$FIRST" = yes ]; then
    init_swarm
  else
    join_swarm manager "$MANAGER_TOKEN_PARAM"
    advertise_address
  fi
  install_address_refresher
  mark_ready
  say "done: this node is a swarm manager"
}

case $# in
  0) main ;;
  *)
    if [ "$1" = refresh-manager-address ]; then refresh_manager_address; else die "unknown argument: $1"; fi
    ;;
esac
`;

const WORKER_MAIN = String.raw`
main() {
  start_docker
  check_swarm_state
  imds_get local-ipv4
  PRIVATE_IP=$METADATA
  join_swarm worker "$WORKER_TOKEN_PARAM"
  mark_ready
  say "done: this node is a swarm worker"
}

main
`;
