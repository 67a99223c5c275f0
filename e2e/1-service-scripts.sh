#!/usr/bin/env bash
# shellcheck disable=SC2016 # literal ${ and %{ in single quotes are the point of this part
# Part 1: the generated service scripts, exactly as Terraform's remote-exec would run them (extracted from
# cdktf.out by e2e/lib/extract-scripts.mjs), against a real single-node swarm (a private dockerd).
# The scripts run under busybox sh, the shell of a Docker for AWS manager (part 3 runs them through sshd
# with /bin/sh).
# shellcheck source=e2e/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
e2e_init 1-service-scripts
need_root
need dockerd "apt-get install docker.io"
need docker "apt-get install docker.io"
need terraform "terraform evaluates the provisioner scripts (extract-scripts.mjs)"
need jq "apt-get install jq"
need busybox "apt-get install busybox"
need curl "apt-get install curl"

SOCK=$T/swarm/docker.sock
export DOCKER_HOST=unix://$SOCK
SCRIPT_SHELL=(busybox sh)
STACK=swarm-us-west-2

start_swarm() {
  start_dockerd swarm "$(make_netns swarm)"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  import_image "$SOCK" tutum/hello-world:latest tutum/hello-world:v2
  docker image ls
}

# The seed config and one variant per kind of change, each synthesized and its scripts extracted.
# The env value has `${` and `%{` in it: Terraform escapes them in cdk.tf.json, the script must get them back.
synth_variants() {
  local seed="$REPO/examples/seed.json" v
  mkdir -p "$T/configs"
  jq . "$seed" >"$T/configs/base.json"
  jq '.services[0].replicas = 3' "$seed" >"$T/configs/replicas.json"
  jq '.services[0].replicas = 3 | .services[0].image = "tutum/hello-world:v2"' "$seed" >"$T/configs/image.json"
  jq '.services[0].replicas = 3 | .services[0].image = "tutum/hello-world:v2" | .services[0].ports[0].published = 9090' "$seed" >"$T/configs/port.json"
  jq '.services[0].replicas = 3 | .services[0].image = "tutum/hello-world:v2" | .services[0].ports[0].published = 9090
      | .services[0].env = {"GREETING": "hi ${USER} %{ if x }"}' "$seed" >"$T/configs/env.json"
  for v in base replicas image port env; do
    synth "$T/configs/$v.json" "$T/out-$v" >/dev/null
    extract_scripts "$T/out-$v/stacks/$STACK" "$T/scripts-$v"
  done
  grep -F 'hi ${USER} %{ if x }' "$T/scripts-env/"*.create*.sh
  if grep -F '$${' "$T/scripts-env/"*.create*.sh; then fail "a Terraform escape was left in the script"; fi
}

deploy() { "${SCRIPT_SHELL[@]}" "$(script_for "$T/scripts-$1" /Service-hello-world create)"; }
remove() { "${SCRIPT_SHELL[@]}" "$(script_for "$T/scripts-base" /Removal-hello-world destroy)"; }
field() { docker service inspect --format "$1" hello-world; }
running() { [ "$(docker service ls --filter name=hello-world --format '{{.Replicas}}')" = "$1/$1" ]; }
# HTTP through a published port needs the routing mesh, which needs IPVS in the kernel (dockerd logs "error
# reading the kernel parameter net.ipv4.vs..." without it). Where the kernel has it, the suite also fetches
# the page through the published port, from inside the swarm's namespace; where not, it says so.
has_ipvs() { nsenter "--net=/var/run/netns/hse$$-swarm" test -d /proc/sys/net/ipv4/vs; }
http_has() { nsenter "--net=/var/run/netns/hse$$-swarm" curl -fsS --max-time 3 "http://127.0.0.1:$1/" | grep -q 'hello from the ha-site e2e image'; }
http_check() {
  if has_ipvs; then
    wait_until 30 "HTTP on 127.0.0.1:$1 in the swarm's namespace" http_has "$1"
  else
    echo "no IPVS in this kernel: the routing mesh cannot serve published ports here, HTTP not checked"
  fi
}

create() {
  deploy base
  running 10 || fail "not 10/10 tasks: $(docker service ls)"
  [ "$(docker service ps hello-world --filter desired-state=running --format '{{.CurrentState}}' | grep -c '^Running')" -eq 10 ] ||
    fail "not 10 running tasks: $(docker service ps hello-world)"
  [ "$(field '{{range .Endpoint.Ports}}{{.PublishedPort}}->{{.TargetPort}}/{{.Protocol}} {{end}}')" = "8080->80/tcp " ] ||
    fail "published ports: $(field '{{json .Endpoint.Ports}}')"
  http_check 8080
  field '{{.ID}}' >"$T/id"
  field '{{.Version.Index}}' >"$T/version"
}

rerun() {
  deploy base | tee "$T/rerun.log"
  grep -q 'the spec matches the configuration' "$T/rerun.log"
  if grep -q 'updating in place' "$T/rerun.log"; then fail "re-run updated the service"; fi
  [ "$(field '{{.Version.Index}}')" = "$(cat "$T/version")" ] || fail "Version.Index moved: $(cat "$T/version") -> $(field '{{.Version.Index}}')"
}

# update VARIANT CHECK...: deploy VARIANT; same service ID, a newer version, and CHECK holds.
update() {
  local v=$1 before
  shift
  before=$(field '{{.Version.Index}}')
  deploy "$v" | tee "$T/update-$v.log"
  grep -q 'updating in place' "$T/update-$v.log" || fail "no in-place update reported"
  [ "$(field '{{.ID}}')" = "$(cat "$T/id")" ] || fail "service ID changed: $(cat "$T/id") -> $(field '{{.ID}}')"
  [ "$(field '{{.Version.Index}}')" -gt "$before" ] || fail "Version.Index did not move"
  "$@"
}
check_replicas() { [ "$(field '{{.Spec.Mode.Replicated.Replicas}}')" = 3 ] && running 3; }
check_image() { field '{{.Spec.TaskTemplate.ContainerSpec.Image}}' | grep -qx 'tutum/hello-world:v2\(@.*\)\?'; }
check_port() {
  [ "$(field '{{range .Spec.EndpointSpec.Ports}}{{.PublishedPort}}:{{.TargetPort}} {{end}}')" = "9090:80 " ] || fail "ports: $(field '{{json .Spec.EndpointSpec.Ports}}')"
  http_check 9090
  if has_ipvs && http_has 8080; then fail "8080 still answers"; fi
}
check_env() { field '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' | grep -qF '["GREETING=hi ${USER} %{ if x }"]'; }

remove_twice() {
  remove | tee "$T/rm1.log"
  grep -q 'removed' "$T/rm1.log"
  if docker service inspect hello-world >/dev/null 2>&1; then fail "still there after remove"; fi
  remove | tee "$T/rm2.log"
  grep -q 'not found: nothing to remove' "$T/rm2.log"
}

# A real docker failure: port 8080 is taken by another service, so `docker service create` fails.
injected_failure() {
  local status=0
  docker service create --detach --name blocker --publish 8080:80 tutum/hello-world:latest >/dev/null 2>&1
  deploy base >"$T/fail.out" 2>"$T/fail.err" || status=$?
  cat "$T/fail.out" "$T/fail.err"
  [ "$status" -eq 1 ] || fail "exit status $status, expected 1"
  grep -q 'ha-site: ERROR: service hello-world, step "create": "docker service create' "$T/fail.err" || fail "no ha-site error line"
  grep -qi 'port .*8080.* already in use' "$T/fail.err" || fail "docker's own message is missing"
  docker service rm blocker >/dev/null
}

step "private dockerd, swarm init --advertise-addr 127.0.0.1, busybox image as tutum/hello-world" start_swarm
step "synth seed + 4 variants, scripts extracted via terraform console" synth_variants
step "create: hello-world 10/10 running tasks, 8080->80" create
step "re-run: no update, Version.Index unchanged" rerun
step "replicas 10 -> 3: in place (same ID)" update replicas check_replicas
step "image -> tutum/hello-world:v2: in place (same ID)" update image check_image
step "port 8080 -> 9090: in place (same ID)" update port check_port
step 'env GREETING="hi ${USER} %{ if x }": in place (same ID), value literal' update env check_env
step "remove exits 0, remove again exits 0 (not found)" remove_twice
step "injected docker failure (port taken): exit 1 with docker's message and the failing step" injected_failure
