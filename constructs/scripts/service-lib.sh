# shellcheck shell=sh
# ha-site's shared shell library for starting, updating and removing docker services on a swarm manager.
# Terraform ships it once per stack (a local that each provisioner's script interpolates); the scripts
# service-deploy.sh, service-remove.sh and service-node-wait.sh set the parameters and call one entry
# point: deploy_service, remove_service or wait_for_node.
#
# Where it runs: a Docker for AWS manager as user docker, in the shell-aws container (Alpine, busybox sh,
# docker CLI 17.x/18.x), or a native (Amazon Linux 2023) manager as ec2-user. So: POSIX sh only, no
# `timeout` program (busybox's takes `-t SECONDS` in old versions and `SECONDS` in new ones), only `date`,
# `sleep` and `tail` besides docker and shell builtins.
#
# Guarantees: every docker call is bounded (a watchdog kills it: TERM, then KILL 10 s later); any failure
# prints `ha-site: ERROR: service NAME, step "STEP": ...` on stderr and exits 1; re-running converges and
# never duplicates (a missing service is created, a present one is compared field by field with the
# configuration and updated in place with only the flags that differ; an unchanged one is left alone).
#
# Parameters (set by the calling script): SERVICE; SWARM_WAIT, TRY_TIMEOUT, COMMAND_TIMEOUT, POLL (seconds);
# deploy_service also IMAGE, IMAGE_FORMS, IMAGE_HAS_DIGEST, REPLICAS, DESIRED_PORTS, DESIRED_ENV,
# DESIRED_ENV_NAMES, CONVERGE_WAIT; wait_for_node READY_MARKER and NODE_WAIT.

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
  run_what="$1 ${2-} ${3-}"
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
  ps_rest=${1#*:}
  ps_target=${ps_rest%%/*}
  ps_rest=${ps_rest#*/}
  printf 'published=%s,target=%s,protocol=%s\n' "${1%%:*}" "$ps_target" "${ps_rest%%/*}"
}

# wait_for_node: the first SSH session of a deployment. An Auto Scaling group reports its instances
# InService (and Terraform moves on) before user data has finished, and a login session keeps the groups it
# started with: wait here until cloud-init is done (where the node has it; Docker for AWS managers do not)
# and until the bootstrap wrote READY_MARKER (where the engine writes one), for at most NODE_WAIT seconds.
# The deploy script then runs in a new session, which has the docker group the bootstrap added.
wait_for_node() {
  wn_start=$(date +%s)
  wn_cloud_init=no
  if command -v cloud-init >/dev/null 2>&1; then
    wn_cloud_init=yes
    say "waiting for cloud-init (user data) to finish (at most $NODE_WAIT s)"
    wn_status=0
    with_timeout "$NODE_WAIT" cloud-init status --wait >/dev/null 2>&1 || wn_status=$?
    if [ "$wn_status" -eq 124 ]; then
      fail "wait for node" "cloud-init did not finish within $NODE_WAIT s (see /var/log/cloud-init-output.log)"
    elif [ "$wn_status" -ne 0 ]; then
      # 1: cloud-init reports an error, 2: recoverable errors. The readiness marker (if any) decides.
      say "cloud-init finished with status $wn_status (see /var/log/cloud-init-output.log)"
    fi
  fi
  if [ -z "$READY_MARKER" ]; then
    return 0
  fi
  # User data ran under cloud-init, which is done: the bootstrap wrote the marker as its last step, or failed.
  if [ "$wn_cloud_init" = yes ] && [ ! -e "$READY_MARKER" ]; then
    fail "wait for node" "user data finished but the bootstrap did not write $READY_MARKER: it failed (see /var/log/cloud-init-output.log)"
  fi
  until [ -e "$READY_MARKER" ]; do
    wn_waited=$(($(date +%s) - wn_start))
    if [ "$wn_waited" -ge "$NODE_WAIT" ]; then
      fail "wait for node" "the bootstrap did not write $READY_MARKER within $NODE_WAIT s (see /var/log/cloud-init-output.log)"
    fi
    pause "$((NODE_WAIT - wn_waited))"
  done
  say "the node is ready ($READY_MARKER exists)"
}

# service_exists: true if the swarm has SERVICE. Call it once the swarm answers: a failing "docker service
# inspect" then means that there is no such service. An inspect that does not finish fails the step "inspect".
service_exists() {
  se_status=0
  with_timeout "$COMMAND_TIMEOUT" docker service inspect --format '{{.ID}}' "$SERVICE" >/dev/null 2>&1 || se_status=$?
  if [ "$se_status" -eq 124 ]; then
    fail inspect "\"docker service inspect\" did not finish within $COMMAND_TIMEOUT s and was killed"
  fi
  [ "$se_status" -eq 0 ]
}

# deploy_service: make the swarm run SERVICE as configured. Waits (bounded) for the swarm, creates the
# service when "docker service inspect" says it is missing, else updates in place exactly the fields that
# differ (image, replicas, env, published ports; removed ports and env are removed), then checks that the
# spec matches and that REPLICAS tasks run.
deploy_service() {
  # 1. The swarm answers.
  wait_for_swarm

  # 2. Create the service if "docker service inspect" fails (the swarm answers, so: it is missing). Should it
  #    exist after all, create fails on the name conflict: a service is never duplicated.
  if ! service_exists; then
    say "not found: creating it ($REPLICAS x $IMAGE)"
    set -- service create --detach=false --name "$SERVICE"
    while IFS= read -r line; do
      if [ -n "$line" ]; then
        set -- "$@" --publish "$(port_spec "$line")"
      fi
    done <<EOF
$DESIRED_PORTS
EOF
    while IFS= read -r line; do
      if [ -n "$line" ]; then
        set -- "$@" --env "$line"
      fi
    done <<EOF
$DESIRED_ENV
EOF
    run create docker "$@" --replicas "$REPLICAS" "$IMAGE"
  else
    say "exists: comparing it with the configuration"
  fi

  # 3. Update in place what differs, and only that: an unchanged service gets no "docker service update", so
  #    its tasks are not restarted. After a create this only checks the spec. A second update is needed only
  #    when a removed port has the same target port as a kept one ("--publish-rm" removes by target port and
  #    "--publish-add" skips ports the service had): the loop re-reads the spec after each update.
  updates=0
  while :; do
    set -- service update --detach=false
    changes=''

    current_image=$(run "read spec" docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$SERVICE") || exit 1
    # docker reports the image with the digest it resolved ("name:tag@sha256:..."): without a digest in the
    # configuration, compare without it. IMAGE_FORMS lists the ways docker may write the configured image.
    if [ "$IMAGE_HAS_DIGEST" = no ]; then
      current_image=${current_image%%@*}
    fi
    if ! has_line "$current_image" "$IMAGE_FORMS"; then
      set -- "$@" --image "$IMAGE"
      changes="$changes, image $current_image -> $IMAGE"
    fi

    current_replicas=$(run "read spec" docker service inspect --format '{{if .Spec.Mode.Replicated}}{{.Spec.Mode.Replicated.Replicas}}{{end}}' "$SERVICE") || exit 1
    if [ -z "$current_replicas" ]; then
      fail "read spec" "the service is not in replicated mode; remove it (docker service rm $SERVICE) and deploy again"
    fi
    if [ "$current_replicas" != "$REPLICAS" ]; then
      set -- "$@" --replicas "$REPLICAS"
      changes="$changes, replicas $current_replicas -> $REPLICAS"
    fi

    current_env=$(run "read spec" docker service inspect --format '{{range .Spec.TaskTemplate.ContainerSpec.Env}}{{println .}}{{end}}' "$SERVICE") || exit 1
    while IFS= read -r line; do
      if [ -n "$line" ]; then
        set -- "$@" --env-add "$line"
        changes="$changes, set env ${line%%=*}"
      fi
    done <<EOF
$(lines_missing "$DESIRED_ENV" "$current_env")
EOF
    while IFS= read -r line; do
      if [ -n "$line" ] && ! has_line "${line%%=*}" "$DESIRED_ENV_NAMES"; then
        set -- "$@" --env-rm "${line%%=*}"
        changes="$changes, unset env ${line%%=*}"
      fi
    done <<EOF
$current_env
EOF

    current_ports=$(run "read spec" docker service inspect --format '{{if .Spec.EndpointSpec}}{{range .Spec.EndpointSpec.Ports}}{{.PublishedPort}}:{{.TargetPort}}/{{with .Protocol}}{{.}}{{else}}tcp{{end}}/{{with .PublishMode}}{{.}}{{else}}ingress{{end}}{{println}}{{end}}{{end}}' "$SERVICE") || exit 1
    while IFS= read -r line; do
      if [ -n "$line" ]; then
        set -- "$@" --publish-rm "$(port_spec "$line"),mode=${line##*/}"
        changes="$changes, unpublish $line"
      fi
    done <<EOF
$(lines_missing "$current_ports" "$DESIRED_PORTS")
EOF
    while IFS= read -r line; do
      if [ -n "$line" ]; then
        set -- "$@" --publish-add "$(port_spec "$line")"
        changes="$changes, publish $line"
      fi
    done <<EOF
$(lines_missing "$DESIRED_PORTS" "$current_ports")
EOF

    if [ -z "$changes" ]; then
      say "the spec matches the configuration"
      break
    fi
    updates=$((updates + 1))
    if [ "$updates" -gt 2 ]; then
      fail update "the spec still differs from the configuration after 2 updates:${changes#,}"
    fi
    say "updating in place:${changes#,}"
    run update docker "$@" "$SERVICE"
  done

  # 4. The running tasks reach REPLICAS ("docker service ls" shows RUNNING/DESIRED).
  say "waiting for $REPLICAS running tasks (at most $CONVERGE_WAIT s)"
  converge_start=$(date +%s)
  while :; do
    listing=$(run verify docker service ls --filter "name=$SERVICE" --format '{{.Name}} {{.Replicas}}') || exit 1
    tasks=''
    while IFS=' ' read -r name count _; do
      if [ "$name" = "$SERVICE" ]; then
        tasks=$count
      fi
    done <<EOF
$listing
EOF
    if [ "$tasks" = "$REPLICAS/$REPLICAS" ]; then
      break
    fi
    waited=$(($(date +%s) - converge_start))
    if [ "$waited" -ge "$CONVERGE_WAIT" ]; then
      fail verify "running/desired tasks are ${tasks:-unknown}, not $REPLICAS/$REPLICAS, after $CONVERGE_WAIT s (see docker service ps $SERVICE)"
    fi
    pause "$((CONVERGE_WAIT - waited))"
  done
  say "done: $REPLICAS/$REPLICAS tasks running"
}

# remove_service: the destroy-time step. Removes SERVICE if the swarm has it (exit 0 when it does not).
# Waits (bounded) for the swarm first, so that "missing" is told apart from "swarm not answering" (exit 1).
remove_service() {
  wait_for_swarm

  if ! service_exists; then
    say "not found: nothing to remove"
    exit 0
  fi

  say "removing it"
  run remove docker service rm "$SERVICE" >/dev/null
  if with_timeout "$COMMAND_TIMEOUT" docker service inspect --format '{{.ID}}' "$SERVICE" >/dev/null 2>&1; then
    fail remove "still there after \"docker service rm\""
  fi
  say "removed"
}
