// The POSIX sh scripts that start, update and remove one docker service on a swarm manager. Pure functions:
// the Terraform wiring (null_resource + remote-exec) lives elsewhere and runs their output as `inline`.
//
// Where they run: a Docker for AWS manager, as user `docker`, in the `shell-aws` container (Alpine, busybox
// sh, docker CLI 17.x/18.x). So: POSIX sh only, no `timeout` program (busybox's takes `-t SECONDS` in old
// versions and `SECONDS` in new ones), only `date`, `sleep` and `tail` besides docker and shell builtins.
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

/**
 * A template literal taken raw (backslashes stay, so printf's "\n" stays), for shell code: write a sh
 * parameter expansion as "\${...}" in it, which this turns back into "${...}".
 */
function sh(strings: TemplateStringsArray): string {
  return strings.raw.join("").replace(/\\\$\{/g, "${");
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Functions shared by both scripts (they use SERVICE, SWARM_WAIT, TRY_TIMEOUT, COMMAND_TIMEOUT, POLL). */
const COMMON_FUNCTIONS = sh`
say() {
  printf 'ha-site: service %s: %s\n' "$SERVICE" "$*"
}

# fail STEP MESSAGE: say on stderr which service and step failed, and stop with exit status 1.
fail() {
  printf 'ha-site: ERROR: service %s, step "%s": %s\n' "$SERVICE" "$1" "$2" >&2
  exit 1
}

# with_timeout SECONDS PROGRAM [ARG]...: run PROGRAM and return its exit status; if it still runs after
# SECONDS, a watchdog sends it TERM (KILL 10 s later) and this returns 124. Plain sh on purpose: busybox's
# own "timeout" takes "-t SECONDS" in old versions and "SECONDS" in new ones.
with_timeout() {
  wt_limit=$1
  shift
  "$@" &
  wt_pid=$!
  (
    wt_left=$wt_limit
    while [ "$wt_left" -gt 0 ]; do
      sleep 1
      kill -0 "$wt_pid" 2>/dev/null || exit 0
      wt_left=$((wt_left - 1))
    done
    # Time is up. Ignore TERM from now on, so that the caller always learns that the watchdog fired.
    trap '' TERM
    kill -TERM "$wt_pid" 2>/dev/null || exit 3
    wt_left=10
    while [ "$wt_left" -gt 0 ]; do
      sleep 1
      kill -0 "$wt_pid" 2>/dev/null || exit 3
      wt_left=$((wt_left - 1))
    done
    kill -KILL "$wt_pid" 2>/dev/null || :
    exit 3
  ) </dev/null >/dev/null 2>&1 &
  wt_dog=$!
  wt_status=0
  wait "$wt_pid" || wt_status=$?
  kill -TERM "$wt_dog" 2>/dev/null || :
  wt_dog_status=0
  # (2>/dev/null: dash reports "Terminated" for the watchdog killed just above)
  wait "$wt_dog" 2>/dev/null || wt_dog_status=$?
  if [ "$wt_dog_status" -eq 3 ]; then
    return 124
  fi
  return "$wt_status"
}

# run STEP PROGRAM [ARG]...: run PROGRAM bounded by COMMAND_TIMEOUT; on failure or timeout, fail STEP.
run() {
  run_step=$1
  shift
  run_what="$1 \${2-} \${3-}"
  run_status=0
  with_timeout "$COMMAND_TIMEOUT" "$@" || run_status=$?
  if [ "$run_status" -eq 124 ]; then
    fail "$run_step" "\"$run_what\" did not finish within $COMMAND_TIMEOUT s and was killed"
  elif [ "$run_status" -ne 0 ]; then
    fail "$run_step" "\"$run_what\" failed with exit status $run_status"
  fi
}

# pause LIMIT: sleep POLL seconds, or LIMIT seconds if that is less.
pause() {
  if [ "$1" -lt "$POLL" ]; then
    sleep "$1"
  else
    sleep "$POLL"
  fi
}

# wait_for_swarm: until "docker node ls" succeeds (each try bounded), for at most SWARM_WAIT seconds.
wait_for_swarm() {
  say "waiting for the swarm to answer \"docker node ls\" (at most $SWARM_WAIT s)"
  ws_start=$(date +%s)
  while :; do
    ws_status=0
    ws_out=$(with_timeout "$TRY_TIMEOUT" docker node ls 2>&1) || ws_status=$?
    if [ "$ws_status" -eq 0 ]; then
      return 0
    fi
    if [ "$ws_status" -eq 124 ]; then
      ws_out="it did not finish within $TRY_TIMEOUT s"
    fi
    ws_waited=$(($(date +%s) - ws_start))
    if [ "$ws_waited" -ge "$SWARM_WAIT" ]; then
      fail "wait for swarm" "\"docker node ls\" did not succeed within $SWARM_WAIT s; last try (exit status $ws_status): $(printf '%s\n' "$ws_out" | tail -n 1)"
    fi
    pause "$((SWARM_WAIT - ws_waited))"
  done
}
`.slice(1);

/** Functions only the deploy script uses. */
const DEPLOY_FUNCTIONS = sh`
nl='
'

# has_line LINE LINES: LINES (newline-separated) has a line equal to LINE.
has_line() {
  case "$nl$2$nl" in
    *"$nl$1$nl"*) return 0 ;;
  esac
  return 1
}

# lines_missing LINES OTHER: print each non-empty line of LINES that OTHER does not have.
lines_missing() {
  while IFS= read -r lm_line; do
    if [ -n "$lm_line" ] && ! has_line "$lm_line" "$2"; then
      printf '%s\n' "$lm_line"
    fi
  done <<EOF
$1
EOF
}

# port_spec LINE: "published:target/protocol/mode" -> "published=P,target=T,protocol=X".
port_spec() {
  ps_rest=\${1#*:}
  ps_target=\${ps_rest%%/*}
  ps_rest=\${ps_rest#*/}
  printf 'published=%s,target=%s,protocol=%s\n' "\${1%%:*}" "$ps_target" "\${ps_rest%%/*}"
}
`.slice(1);

/** ShellCheck SC2016 warns that $ and ` do not expand in single quotes: for configured values, that is the point. */
const LITERAL_DOLLAR = "# shellcheck disable=SC2016 # (this value has $ or ` in it, meant literally)";
const hasDollar = (value: string): boolean => /[$`]/.test(value);

function header(summary: string[], values: [string, string, string?][]): string[] {
  const lines = ["#!/bin/sh", "set -eu", ...summary.map((s) => `# ${s}`), ""];
  for (const [name, value, comment] of values) {
    if (comment) lines.push(`# ${comment}`);
    if (hasDollar(value)) lines.push(LITERAL_DOLLAR);
    lines.push(`${name}=${value}`);
  }
  return lines;
}

/**
 * The script that makes the swarm run `service` as configured: waits (bounded) for the swarm, creates the
 * service when `docker service inspect` says it is missing, else updates in place exactly the fields that
 * differ (image, replicas, env, published ports; removed ports and env are removed), then checks that the
 * spec matches and that `replicas` tasks run. Exits non-zero with a message naming the service and the step
 * on any failure or timeout.
 */
export function serviceDeployScript(service: ServiceConfig, options: ServiceDeployScriptOptions = {}): string {
  const s = checkedService(service);
  const o = { ...DEPLOY_SCRIPT_DEFAULTS, ...options };
  const swarmWait = seconds("swarmWaitSeconds", o.swarmWaitSeconds, 0);
  const commandTimeout = seconds("commandTimeoutSeconds", o.commandTimeoutSeconds, 1);
  const convergeWait = seconds("convergeWaitSeconds", o.convergeWaitSeconds, 0);
  const poll = seconds("pollSeconds", o.pollSeconds, 1);

  const ports = [...s.ports].sort((a, b) => a.published - b.published || byCodeUnits(a.protocol, b.protocol) || a.target - b.target);
  const envNames = Object.keys(s.env).sort(byCodeUnits);
  const envLines = envNames.map((k) => `${k}=${s.env[k]}`);
  const image = imageSpecForms(s.image);

  const createArgs = [
    ...(envLines.some(hasDollar) ? [`  ${LITERAL_DOLLAR}`] : []),
    `  run create docker service create --detach=false \\`,
    `    --name "$SERVICE" \\`,
    ...ports.map((p) => `    --publish ${shellQuote(`published=${p.published},target=${p.target},protocol=${p.protocol}`)} \\`),
    ...envLines.map((l) => `    --env ${shellQuote(l)} \\`),
    `    --replicas "$REPLICAS" \\`,
    `    "$IMAGE"`,
  ];

  const lines = [
    ...header(
      [
        `Generated by ha-site (constructs/service-script.ts): make this swarm run the docker service "${s.name}"`,
        "as configured. Runs on a Docker for AWS manager as user docker (busybox sh). Safe to re-run: a missing",
        "service is created, a changed one is updated in place (only what differs), an unchanged one is left alone.",
      ],
      [
        ["SERVICE", shellQuote(s.name)],
        ["IMAGE", shellQuote(s.image)],
        ["REPLICAS", String(s.replicas)],
        ["DESIRED_PORTS", shellLines(ports.map(portLine)), 'Published ports, "published:target/protocol/mode" one a line; the environment, "NAME=value" one a line, and its names.'],
        ["DESIRED_ENV", shellLines(envLines)],
        ["DESIRED_ENV_NAMES", shellLines(envNames)],
        ["SWARM_WAIT", String(swarmWait), "Seconds: wait for the swarm; one try of docker node ls; any other docker command; wait for the tasks; between tries."],
        ["TRY_TIMEOUT", String(Math.min(SWARM_TRY_TIMEOUT_SECONDS, commandTimeout))],
        ["COMMAND_TIMEOUT", String(commandTimeout)],
        ["CONVERGE_WAIT", String(convergeWait)],
        ["POLL", String(poll)],
      ],
    ),
    "",
    COMMON_FUNCTIONS,
    DEPLOY_FUNCTIONS,
    "# 1. The swarm answers.",
    "wait_for_swarm",
    "",
    '# 2. Create the service if "docker service inspect" fails (the swarm answers, so: it is missing). Should it',
    "#    exist after all, create fails on the name conflict: a service is never duplicated.",
    "inspect_status=0",
    `with_timeout "$COMMAND_TIMEOUT" docker service inspect --format ${shellQuote(DOCKER_FORMATS.id)} "$SERVICE" >/dev/null 2>&1 || inspect_status=$?`,
    'if [ "$inspect_status" -eq 124 ]; then',
    '  fail inspect "\\"docker service inspect\\" did not finish within $COMMAND_TIMEOUT s and was killed"',
    'elif [ "$inspect_status" -ne 0 ]; then',
    '  say "not found: creating it ($REPLICAS x $IMAGE)"',
    ...createArgs,
    "else",
    '  say "exists: comparing it with the configuration"',
    "fi",
    "",
    "# 3. Update in place what differs, and only that: an unchanged service gets no \"docker service update\", so",
    "#    its tasks are not restarted. After a create this only checks the spec. A second update is needed only",
    '#    when a removed port has the same target port as a kept one ("--publish-rm" removes by target port and',
    '#    "--publish-add" skips ports the service had): the loop re-reads the spec after each update.',
    "updates=0",
    "while :; do",
    "  set -- service update --detach=false",
    "  changes=''",
    "",
    `  current_image=$(run "read spec" docker service inspect --format ${shellQuote(DOCKER_FORMATS.image)} "$SERVICE") || exit 1`,
    image.withDigest
      ? "  # The configured image has a digest: docker reports it as given (in familiar form)."
      : '  # docker reports the image with the digest it resolved ("name:tag@sha256:..."): compare without it.',
    image.withDigest ? '  case $current_image in' : '  case ${current_image%%@*} in',
    `    ${image.forms.map(shellQuote).join(" | ")}) ;;`,
    "    *)",
    '      set -- "$@" --image "$IMAGE"',
    '      changes="$changes, image $current_image -> $IMAGE"',
    "      ;;",
    "  esac",
    "",
    `  current_replicas=$(run "read spec" docker service inspect --format ${shellQuote(DOCKER_FORMATS.replicas)} "$SERVICE") || exit 1`,
    '  if [ -z "$current_replicas" ]; then',
    '    fail "read spec" "the service is not in replicated mode; remove it (docker service rm $SERVICE) and deploy again"',
    "  fi",
    '  if [ "$current_replicas" != "$REPLICAS" ]; then',
    '    set -- "$@" --replicas "$REPLICAS"',
    '    changes="$changes, replicas $current_replicas -> $REPLICAS"',
    "  fi",
    "",
    `  current_env=$(run "read spec" docker service inspect --format ${shellQuote(DOCKER_FORMATS.env)} "$SERVICE") || exit 1`,
    "  while IFS= read -r line; do",
    '    if [ -n "$line" ]; then',
    '      set -- "$@" --env-add "$line"',
    '      changes="$changes, set env ${line%%=*}"',
    "    fi",
    "  done <<EOF",
    '$(lines_missing "$DESIRED_ENV" "$current_env")',
    "EOF",
    "  while IFS= read -r line; do",
    '    if [ -n "$line" ] && ! has_line "${line%%=*}" "$DESIRED_ENV_NAMES"; then',
    '      set -- "$@" --env-rm "${line%%=*}"',
    '      changes="$changes, unset env ${line%%=*}"',
    "    fi",
    "  done <<EOF",
    "$current_env",
    "EOF",
    "",
    `  current_ports=$(run "read spec" docker service inspect --format ${shellQuote(DOCKER_FORMATS.ports)} "$SERVICE") || exit 1`,
    "  while IFS= read -r line; do",
    '    if [ -n "$line" ]; then',
    '      set -- "$@" --publish-rm "$(port_spec "$line"),mode=${line##*/}"',
    '      changes="$changes, unpublish $line"',
    "    fi",
    "  done <<EOF",
    '$(lines_missing "$current_ports" "$DESIRED_PORTS")',
    "EOF",
    "  while IFS= read -r line; do",
    '    if [ -n "$line" ]; then',
    '      set -- "$@" --publish-add "$(port_spec "$line")"',
    '      changes="$changes, publish $line"',
    "    fi",
    "  done <<EOF",
    '$(lines_missing "$DESIRED_PORTS" "$current_ports")',
    "EOF",
    "",
    '  if [ -z "$changes" ]; then',
    '    say "the spec matches the configuration"',
    "    break",
    "  fi",
    "  updates=$((updates + 1))",
    '  if [ "$updates" -gt 2 ]; then',
    '    fail update "the spec still differs from the configuration after 2 updates:${changes#,}"',
    "  fi",
    '  say "updating in place:${changes#,}"',
    '  run update docker "$@" "$SERVICE"',
    "done",
    "",
    '# 4. The running tasks reach REPLICAS ("docker service ls" shows RUNNING/DESIRED).',
    'say "waiting for $REPLICAS running tasks (at most $CONVERGE_WAIT s)"',
    "converge_start=$(date +%s)",
    "while :; do",
    `  listing=$(run verify docker service ls --filter "name=$SERVICE" --format ${shellQuote(DOCKER_FORMATS.list)}) || exit 1`,
    "  tasks=''",
    "  while IFS=' ' read -r name count _; do",
    '    if [ "$name" = "$SERVICE" ]; then',
    "      tasks=$count",
    "    fi",
    "  done <<EOF",
    "$listing",
    "EOF",
    '  if [ "$tasks" = "$REPLICAS/$REPLICAS" ]; then',
    "    break",
    "  fi",
    "  waited=$(($(date +%s) - converge_start))",
    '  if [ "$waited" -ge "$CONVERGE_WAIT" ]; then',
    '    fail verify "running/desired tasks are ${tasks:-unknown}, not $REPLICAS/$REPLICAS, after $CONVERGE_WAIT s (see docker service ps $SERVICE)"',
    "  fi",
    '  pause "$((CONVERGE_WAIT - waited))"',
    "done",
    'say "done: $REPLICAS/$REPLICAS tasks running"',
    "",
  ];
  return lines.join("\n");
}

/**
 * The destroy-time script: removes the service `name` if the swarm has it (exit 0 when it does not). Waits
 * (bounded) for the swarm first, so that "missing" is told apart from "swarm not answering" (exit 1).
 */
export function serviceRemoveScript(name: string, options: ServiceRemoveScriptOptions = {}): string {
  const n = checkedName(name);
  const o = { ...REMOVE_SCRIPT_DEFAULTS, ...options };
  const swarmWait = seconds("swarmWaitSeconds", o.swarmWaitSeconds, 0);
  const commandTimeout = seconds("commandTimeoutSeconds", o.commandTimeoutSeconds, 1);
  const poll = seconds("pollSeconds", o.pollSeconds, 1);
  const inspect = `docker service inspect --format ${shellQuote(DOCKER_FORMATS.id)} "$SERVICE" >/dev/null 2>&1`;
  const lines = [
    ...header(
      [
        `Generated by ha-site (constructs/service-script.ts): remove the docker service "${n}" from this swarm`,
        "(destroy time). Exits 0 when the service is not there, 1 when the swarm does not answer or rm fails.",
      ],
      [
        ["SERVICE", shellQuote(n)],
        ["SWARM_WAIT", String(swarmWait), "Seconds: wait for the swarm; one try of docker node ls; any other docker command; between tries."],
        ["TRY_TIMEOUT", String(Math.min(SWARM_TRY_TIMEOUT_SECONDS, commandTimeout))],
        ["COMMAND_TIMEOUT", String(commandTimeout)],
        ["POLL", String(poll)],
      ],
    ),
    "",
    COMMON_FUNCTIONS,
    "wait_for_swarm",
    "",
    '# The swarm answers, so a failing "docker service inspect" means: no such service.',
    "inspect_status=0",
    `with_timeout "$COMMAND_TIMEOUT" ${inspect} || inspect_status=$?`,
    'if [ "$inspect_status" -eq 124 ]; then',
    '  fail inspect "\\"docker service inspect\\" did not finish within $COMMAND_TIMEOUT s and was killed"',
    'elif [ "$inspect_status" -ne 0 ]; then',
    '  say "not found: nothing to remove"',
    "  exit 0",
    "fi",
    "",
    'say "removing it"',
    'run remove docker service rm "$SERVICE" >/dev/null',
    `if with_timeout "$COMMAND_TIMEOUT" ${inspect}; then`,
    '  fail remove "still there after \\"docker service rm\\""',
    "fi",
    'say "removed"',
    "",
  ];
  return lines.join("\n");
}
