#!/usr/bin/env bash
# Part 2: the native engine's bootstrap (the user data of its launch templates, extracted from cdktf.out as
# shellcheck disable=SC2016 # single-quoted $ in the stubs and the hostname wrapper are meant for their shells
# Terraform evaluates it) on a real multi-node swarm: every "instance" is a network namespace on a bridge
# (10.99.0.0/24, in a hub namespace of its own) with its own dockerd and hostname. The suite plays EC2 and
# SSM: an IMDSv2-shaped metadata service (e2e/lib/fake-imds.mjs, answering by the caller's address) and the
# `aws` command (e2e/lib/fake-aws: one parameter store shared by all nodes, atomically versioned), seeded with
# the aws_ssm_parameter resources of the stack, as Terraform creates them before the instances.
#
# The harness is generic: `boot NODE ROLE` = what EC2 + cloud-init do (a fresh instance with an instance id and
# an address runs the launch template's user data as root); systemd timers the user data installs are run by
# `run_timers`. A changed bootstrap only needs new calls played in fake-aws (it logs calls it does not know).
# shellcheck source=e2e/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
e2e_init 2-native-bootstrap
need_root
need dockerd "apt-get install docker.io"
need docker "apt-get install docker.io"
need ip "apt-get install iproute2"
need nsenter "util-linux"
need unshare "util-linux"
need terraform "terraform evaluates the user data (extract-scripts.mjs)"
need jq "apt-get install jq"
need curl "apt-get install curl"

NET=10.99.0
IMDS_PORT=8169
STACK=swarm-us-west-2 # the native region of examples/mixed-engines.json
# (Steps run in subshells: what later steps need is in files: $T/hub, $T/next-id, $T/nodes/NAME/...)
hub() { cat "$T/hub"; }

nodes_file() { echo "$T/imds-nodes.json"; }
ns_of() { cat "$T/nodes/$1/netns"; }
dk() { docker -H "unix://$T/nodes/$1/docker.sock" "${@:2}"; }

setup() {
  synth "$REPO/examples/mixed-engines.json" "$T/out" >/dev/null
  HA_SITE_TF_VALIDATE_DIR=$TF_VALIDATE_DIR timeout 300 node "$E2E_DIR/lib/extract-scripts.mjs" --user-data "$T/out/stacks/$STACK" "$T/ud"
  cp "$(jq -r '.[] | select(.constructPath | endswith("/ManagerLaunchTemplate")) | .file' "$T/ud/index.json" | sed "s|^|$T/ud/|")" "$T/manager-user-data.sh"
  cp "$(jq -r '.[] | select(.constructPath | endswith("/WorkerLaunchTemplate")) | .file' "$T/ud/index.json" | sed "s|^|$T/ud/|")" "$T/worker-user-data.sh"
  head -n 3 "$T/manager-user-data.sh" "$T/worker-user-data.sh"
  jq -r '.[] | "\(.name) \(.type)"' "$T/ud/ssm-parameters.json"
  # Stand-ins for the instance's own programs the bootstrap calls besides docker: systemctl (docker is already
  # running; timers are run by the suite), dnf (docker is installed), usermod (no host user is ever changed).
  mkdir -p "$T/stubs"
  ln -s "$E2E_DIR/lib/fake-aws" "$T/stubs/aws"
  printf '#!/bin/sh\nprintf "%%s systemctl %%s\\n" "${FAKE_AWS_NODE:-?}" "$*" >>"$FAKE_AWS_STATE/calls"\n' >"$T/stubs/systemctl"
  printf '#!/bin/sh\necho "dnf stub: docker is preinstalled on these test nodes" >&2\nexit 1\n' >"$T/stubs/dnf"
  printf '#!/bin/sh\nprintf "%%s usermod %%s\\n" "${FAKE_AWS_NODE:-?}" "$*" >>"$FAKE_AWS_STATE/calls"\n' >"$T/stubs/usermod"
  chmod +x "$T/stubs/"*
  # The hub: a bridge in a namespace of its own, and the metadata service on it.
  make_netns hub >"$T/hub"
  ip -n "$(hub)" link add br0 type bridge
  ip -n "$(hub)" addr add "$NET.254/24" dev br0
  ip -n "$(hub)" link set br0 up
  echo '{}' >"$(nodes_file)"
  echo 1 >"$T/next-id"
  nsenter "--net=/var/run/netns/$(hub)" node "$E2E_DIR/lib/fake-imds.mjs" "$NET.254" "$IMDS_PORT" "$(nodes_file)" >"$T/imds.log" 2>&1 &
  track_pid $! fake-imds
  wait_until 20 "fake IMDS" nsenter "--net=/var/run/netns/$(hub)" curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "http://$NET.254:$IMDS_PORT/latest/api/token"
}

# seed_parameters: what `terraform apply` does before the instances: every parameter at version 1.
seed_parameters() {
  rm -rf "$T/ssm"
  mkdir -p "$T/ssm"
  : >"$T/ssm/calls"
  jq -r '.[] | [.name, .type, .value] | @tsv' "$T/ud/ssm-parameters.json" | while IFS=$'\t' read -r name type value; do
    FAKE_AWS_STATE=$T/ssm FAKE_AWS_NODE=terraform "$E2E_DIR/lib/fake-aws" ssm put-parameter --name "$name" --type "$type" --value "$value" >/dev/null
  done
}

param_value() { FAKE_AWS_STATE=$T/ssm FAKE_AWS_NODE=suite "$E2E_DIR/lib/fake-aws" ssm get-parameter --name "$(jq -r --arg l "$1" '.[] | select(.name | endswith("/" + $l)) | .name' "$T/ud/ssm-parameters.json")" --with-decryption --query Parameter.Value --output text; }
param_version() { FAKE_AWS_STATE=$T/ssm FAKE_AWS_NODE=suite "$E2E_DIR/lib/fake-aws" ssm get-parameter --name "$(jq -r --arg l "$1" '.[] | select(.name | endswith("/" + $l)) | .name' "$T/ud/ssm-parameters.json")" --query Parameter.Version --output text; }

# new_node NAME ADDRESS: a fresh "instance": namespace on the bridge, its own dockerd and hostname, an
# instance id (never reused) in the metadata service.
new_node() {
  local name=$1 addr=$2 ns dir=$T/nodes/$1 id NEXT_ID
  NEXT_ID=$(cat "$T/next-id")
  rm -rf "$dir"
  mkdir -p "$dir/root"
  ns=$(make_netns "$name-$NEXT_ID")
  echo "$ns" >"$dir/netns"
  ip -n "$(hub)" link add "v$NEXT_ID" type veth peer name eth0 netns "$ns"
  ip -n "$(hub)" link set "v$NEXT_ID" master br0 up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  echo "$addr" >"$dir/address"
  id=$(printf 'i-0e2e%013d' "$NEXT_ID")
  echo "$id" >"$dir/instance-id"
  jq --arg a "$addr" --arg id "$id" '.[$a] = {"instance-id": $id, "local-ipv4": $a}' "$(nodes_file)" >"$(nodes_file).new"
  mv "$(nodes_file).new" "$(nodes_file)"
  echo $((NEXT_ID + 1)) >"$T/next-id"
  mkdir -p "$dir/data" "$dir/exec"
  nsenter "--net=/var/run/netns/$ns" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$name" \
    dockerd --data-root "$dir/data" --exec-root "$dir/exec" -H "unix://$dir/docker.sock" --pidfile "$dir/dockerd.pid" \
    --bridge=none >"$dir/dockerd.log" 2>&1 &
  echo $! >"$dir/dockerd.pid.track"
  track_pid "$(cat "$dir/dockerd.pid.track")" "dockerd $name"
}

node_ready() { wait_until 60 "dockerd of $1" dk "$1" info; }

# node_env NAME: the environment an instance's root shell has (plus the suite's hooks), as `env` arguments.
node_env() {
  local dir=$T/nodes/$1
  echo "PATH=$T/stubs:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root" \
    "DOCKER_HOST=unix://$dir/docker.sock HA_SITE_IMDS=http://$NET.254:$IMDS_PORT HA_SITE_ROOT=$dir/root" \
    "FAKE_AWS_STATE=$T/ssm FAKE_AWS_NODE=$1"
}

# boot NAME ROLE: cloud-init runs the launch template's user data (as a file, as root) on the instance; in
# the background, output in $T/nodes/NAME/cloud-init-output.log, exit status in .../user-data.status.
boot() {
  local dir=$T/nodes/$1
  cp "$T/$2-user-data.sh" "$dir/user-data.sh"
  # shellcheck disable=SC2046 # node_env gives one word per variable
  (
    status=0
    nsenter "--net=/var/run/netns/$(ns_of "$1")" env -i $(node_env "$1") timeout 300 sh "$dir/user-data.sh" \
      >"$dir/cloud-init-output.log" 2>&1 || status=$?
    echo "$status" >"$dir/user-data.status"
  ) &
}

# booted NAME...: wait (bounded) until each node's user data has finished; fail on a non-zero exit.
booted() {
  local n
  for n in "$@"; do
    wait_until 300 "the user data of $n to finish" test -f "$T/nodes/$n/user-data.status"
    echo "== $n: exit $(cat "$T/nodes/$n/user-data.status")"
    cat "$T/nodes/$n/cloud-init-output.log"
  done
  for n in "$@"; do [ "$(cat "$T/nodes/$n/user-data.status")" -eq 0 ] || fail "user data failed on $n"; done
}

# run_timers NAME: what systemd would do on the node: run each installed timer's service once (paths of
# its ExecStart that the bootstrap installed under HA_SITE_ROOT are taken from there).
run_timers() {
  local dir=$T/nodes/$1 timer svc exec word cmd
  for timer in "$dir"/root/etc/systemd/system/*.timer; do
    [ -f "$timer" ] || continue
    svc=${timer%.timer}.service
    exec=$(sed -n 's/^ExecStart=//p' "$svc")
    cmd=()
    for word in $exec; do
      if [ "${word#/}" != "$word" ] && [ -e "$dir/root$word" ]; then cmd+=("$dir/root$word"); else cmd+=("$word"); fi
    done
    # shellcheck disable=SC2046
    nsenter "--net=/var/run/netns/$(ns_of "$1")" env -i $(node_env "$1") timeout 60 "${cmd[@]}" >>"$dir/timers.log" 2>&1 || :
  done
}

destroy_node() {
  local dir=$T/nodes/$1
  stop_pid "$(cat "$dir/dockerd.pid.track")" "dockerd $1"
  for pid in $(pgrep -f -- "$dir/"); do stop_pid "$pid" "leftover of $1"; done
  { findmnt -rn -o TARGET | grep -F "$dir/" || :; } | sort -r | while read -r m; do umount -l "$m"; done
  ip netns del "$(ns_of "$1")"
  rm -rf "$dir"
}

# check_swarm LEADER_CANDIDATE MANAGERS WORKERS: node ls on it lists that many Ready managers / workers.
count_nodes() {
  dk "$1" node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' | tee "$T/node-ls"
  local managers workers
  managers=$(awk '$2 == "Ready" && NF == 3' "$T/node-ls" | wc -l)
  workers=$(awk '$2 == "Ready" && NF == 2' "$T/node-ls" | wc -l)
  echo "ready managers: $managers, ready workers: $workers"
  [ "$managers" -eq "$2" ] && [ "$workers" -eq "$3" ]
}

inits() { grep -l 'first manager: docker swarm init' "$T"/nodes/*/cloud-init-output.log 2>/dev/null | wc -l; }

form_swarm() {
  seed_parameters
  new_node m1 "$NET.1"
  new_node m2 "$NET.2"
  new_node m3 "$NET.3"
  new_node w1 "$NET.11"
  for n in m1 m2 m3 w1; do node_ready "$n"; done
  boot m1 manager
  boot m2 manager
  boot m3 manager
  boot w1 worker
  booted m1 m2 m3 w1
}

check_formed() {
  local n cluster tokens=0
  [ "$(inits)" -eq 1 ] || fail "$(inits) nodes ran swarm init, expected exactly 1"
  for n in m1 m2 m3; do
    if ! grep -q 'first manager: docker swarm init' "$T/nodes/$n/cloud-init-output.log"; then
      grep -q 'joining the swarm as a manager' "$T/nodes/$n/cloud-init-output.log" || fail "$n neither initialised nor joined as a manager"
    fi
    [ "$(dk "$n" info --format '{{.Swarm.ControlAvailable}}')" = true ] || fail "$n is not a manager"
  done
  grep -q 'joining the swarm as a worker' "$T/nodes/w1/cloud-init-output.log" || fail "w1 did not join as a worker"
  [ "$(dk w1 info --format '{{.Swarm.ControlAvailable}}')" = false ] || fail "w1 is a manager"
  cluster=$(dk m1 info --format '{{.Swarm.Cluster.ID}}')
  for n in m2 m3; do [ "$(dk "$n" info --format '{{.Swarm.Cluster.ID}}')" = "$cluster" ] || fail "$n is in another swarm"; done
  echo "$cluster" >"$T/cluster-1"
  wait_until 60 "node ls: 3 Ready managers and 1 Ready worker" count_nodes m1 3 1
  count_nodes m1 3 1
  # The tokens in SSM are the swarm's, and never in any output; the worker never read the manager token.
  local leader=""
  for n in m1 m2 m3; do
    if [ "$(dk "$n" node inspect self --format '{{.ManagerStatus.Leader}}')" = true ]; then leader=$n; fi
  done
  [ -n "$leader" ] || fail "no leader"
  [ "$(param_value manager-token)" = "$(dk "$leader" swarm join-token -q manager)" ] || fail "manager-token in SSM is not the swarm's"
  [ "$(param_value worker-token)" = "$(dk "$leader" swarm join-token -q worker)" ] || fail "worker-token in SSM is not the swarm's"
  for n in m1 m2 m3 w1; do
    if grep -qF -e "$(param_value manager-token)" -e "$(param_value worker-token)" "$T/nodes/$n/cloud-init-output.log"; then tokens=1; fi
  done
  [ "$tokens" -eq 0 ] || fail "a join token was printed"
  if grep -E '^w1 get-parameter .*manager-token' "$T/ssm/calls"; then fail "the worker read the manager token"; fi
  [ "$(param_version lock)" -eq 4 ] || fail "lock is at version $(param_version lock), expected 4 (Terraform + 3 managers)"
  if grep UNSUPPORTED "$T/ssm/calls"; then fail "the bootstrap made calls the suite does not play"; fi
}

# Replace the swarm's leader by a fresh instance (new id, new address): the two other managers keep quorum
# and elect a new leader, whose address-refresh timer points manager-address at a live manager should it
# name the dead one; the new instance must join the existing swarm as a manager.
replace_manager() {
  local first="" i n
  for n in m1 m2 m3; do
    if [ "$(dk "$n" node inspect self --format '{{.ManagerStatus.Leader}}')" = true ]; then first=$n; fi
  done
  [ -n "$first" ] || fail "no leader"
  echo "destroying the leader $first ($(cat "$T/nodes/$first/address")); manager-address is $(param_value manager-address)"
  echo "$first" >"$T/destroyed"
  destroy_node "$first"
  new_node m4 "$NET.4"
  node_ready m4
  boot m4 manager
  for ((i = 0; i < 60; i++)); do
    [ -f "$T/nodes/m4/user-data.status" ] && break
    for n in m1 m2 m3; do [ -d "$T/nodes/$n" ] && run_timers "$n"; done
    sleep 2
  done
  booted m4
  echo "manager-address is now $(param_value manager-address)"
  grep -q 'joining the swarm as a manager' "$T/nodes/m4/cloud-init-output.log" || fail "m4 did not join as a manager"
  if grep -q 'swarm init' "$T/nodes/m4/cloud-init-output.log"; then fail "m4 started a swarm of its own"; fi
  [ "$(dk m4 info --format '{{.Swarm.Cluster.ID}}')" = "$(cat "$T/cluster-1")" ] || fail "m4 is not in the existing swarm"
  wait_until 60 "node ls on m4: 3 Ready managers, 1 Ready worker" count_nodes m4 3 1
  count_nodes m4 3 1
  if grep -q "^$first " "$T/node-ls"; then
    echo "note: the destroyed $first is still listed ($(grep "^$first " "$T/node-ls")): nothing in this bootstrap removes it"
  else
    echo "the destroyed $first was removed from the swarm"
  fi
}

# Destroy everything (the parameters too, as terraform destroy does) and create it again: a fresh swarm.
recreate() {
  local n
  for n in "$T"/nodes/*; do destroy_node "$(basename "$n")"; done
  form_swarm
  [ "$(inits)" -eq 1 ] || fail "$(inits) nodes ran swarm init, expected exactly 1"
  [ "$(dk m1 info --format '{{.Swarm.Cluster.ID}}')" != "$(cat "$T/cluster-1")" ] || fail "the re-created nodes are in the old swarm"
  for n in m2 m3; do [ "$(dk "$n" info --format '{{.Swarm.Cluster.ID}}')" = "$(dk m1 info --format '{{.Swarm.Cluster.ID}}')" ] || fail "$n is in another swarm"; done
  wait_until 60 "node ls: 3 Ready managers and 1 Ready worker" count_nodes m1 3 1
  count_nodes m1 3 1
}

step "synth mixed-engines, user data + SSM parameters extracted via terraform console; hub bridge + fake IMDS" setup
step "3 managers + 1 worker boot at once (4 namespaces, 4 dockerds): user data exits 0 on each" form_swarm
step "exactly one swarm init; others joined with the right role; tokens = swarm's, never printed; node ls 3+1" check_formed
step "the leader destroyed: a fresh manager (new id, address) joins the existing swarm; quorum holds, node ls 3+1 Ready" replace_manager
step "destroy + re-create (parameters too): exactly one init, a fresh swarm, node ls 3+1" recreate
