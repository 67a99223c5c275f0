#!/usr/bin/env bash
# Part 3: the real `terraform apply` of the generated stacks: Terraform core with the stand-in providers of
# ../shared/tools/tf-validate (tf-env; TFPLUGIN_FIXTURES plays what AWS returns), remote-exec over real SSH
# to a private sshd on 127.0.0.1:22 and 127.0.0.2:22 (in a namespace of its own, on 10.98.0.2 and 10.98.0.3,
# when port 22 is taken), whose users `docker` and `ec2-user` run the docker CLI
# against real swarms (private dockerds, one per region, each in its own network namespace):
#   swarm A: docker@127.0.0.1                      (us-west-2 of the seed, us-east-2 of mixed-engines)
#   swarm B: ec2-user@127.0.0.1, docker@127.0.0.2   (the other region)
# Path 1, the way users deploy: `npx cdktf deploy '*' --auto-approve --skip-provider-lock` of
#   examples/mixed-engines.json (one fixture file for all stacks, so the regions differ by SSH user), a second
#   plan, a spec change, `npx cdktf destroy '*'` with an ssh-agent, where the state files are.
# Path 2: plain `terraform init` + `apply` per stack, in order, of examples/seed.json (a fixture file per stack:
#   the regions differ by manager address), a second plan, destroy in reverse order.
# shellcheck source=e2e/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
e2e_init 3-terraform-apply
need_root
need dockerd "apt-get install docker.io"
need docker "apt-get install docker.io"
need terraform "the real Terraform CLI"
need /usr/sbin/sshd "apt-get install openssh-server"
need ssh-agent "apt-get install openssh-client"
need jq "apt-get install jq"
need useradd "passwd"
[ -x "$TF_VALIDATE_DIR/tf-env" ] || need "$TF_VALIDATE_DIR/tf-env" "../shared/tools/tf-validate"

SWARM_A=$T/swarm-a/docker.sock
SWARM_B=$T/swarm-b/docker.sock
SERVICE=hello-world
a() { docker -H "unix://$SWARM_A" "$@"; }
b() { docker -H "unix://$SWARM_B" "$@"; }

start_swarms() {
  local s
  start_dockerd swarm-a "$(make_netns swarm-a)"
  start_dockerd swarm-b "$(make_netns swarm-b)"
  for s in "$SWARM_A" "$SWARM_B"; do
    docker -H "unix://$s" swarm init --advertise-addr 127.0.0.1 >/dev/null
    import_image "$s" tutum/hello-world:latest
  done
}

# Users docker and ec2-user (created if missing, removed at the end if this run created them). Primary group
# nogroup, member of docker (the group of the dockerd sockets): `userdel` then never touches group docker.
# An existing user is only added to group docker (and taken out again at the end), never otherwise changed.
ensure_user() {
  if ! getent passwd "$1" >/dev/null; then
    # Password "*", not "!" (locked): sshd without PAM refuses locked accounts even for keys.
    useradd -M -N -g nogroup -G docker -d /nonexistent -s /bin/sh -p '*' "$1"
    at_exit "userdel $1"
  elif ! id -nG "$1" | tr ' ' '\n' | grep -qx docker; then
    usermod -a -G docker "$1"
    at_exit "gpasswd -d $1 docker"
  fi
}

# The two manager addresses sshd listens on (port 22: the generated connection blocks name no port):
# 127.0.0.1 and 127.0.0.2, or, when port 22 is already taken there (a system sshd), two addresses in a
# network namespace of the suite's, reached over a veth pair (host side 10.98.0.1). Kept in $T/addr1, addr2.
ADDR1=127.0.0.1
ADDR2=127.0.0.2
load_addresses() { if [ -f "$T/addr1" ]; then ADDR1=$(cat "$T/addr1"); ADDR2=$(cat "$T/addr2"); fi; }
choose_addresses() {
  local taken ns
  taken=$(ss -Hltn 'sport = :22' | awk '{ print $4 }' | grep -E '^(127\.0\.0\.[12]|0\.0\.0\.0|\*|\[::\]):22$' || :)
  taken=$(printf "%s" "$taken" | tr "\n" " ")
  if [ -z "$taken" ] && [ "${E2E_SSH_NETNS:-}" != 1 ]; then
    echo "$ADDR1" >"$T/addr1"
    echo "$ADDR2" >"$T/addr2"
    return 0
  fi
  echo "port 22 is taken (${taken:-E2E_SSH_NETNS=1}): sshd goes into a namespace of its own"
  ns=$(make_netns ssh)
  echo "$ns" >"$T/ssh-netns"
  ip link add "hse$$s" type veth peer name eth0 netns "$ns"
  at_exit "ip link del hse$$s"
  ip addr add 10.98.0.1/24 dev "hse$$s"
  ip link set "hse$$s" up
  ip -n "$ns" addr add 10.98.0.2/24 dev eth0
  ip -n "$ns" addr add 10.98.0.3/24 dev eth0
  ip -n "$ns" link set eth0 up
  echo 10.98.0.2 >"$T/addr1"
  echo 10.98.0.3 >"$T/addr2"
}

# A private sshd on ADDR1:22 and ADDR2:22, keys from $T/ssh only, DOCKER_HOST per user and address (sshd
# applies the first Match that sets a keyword).
start_sshd() {
  choose_addresses
  load_addresses
  ensure_user docker
  ensure_user ec2-user
  mkdir -p "$T/ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_key"
  ssh-keygen -q -t ed25519 -N '' -C ha-site-e2e -f "$T/ssh/id_ed25519"
  cp "$T/ssh/id_ed25519.pub" "$T/ssh/authorized_keys"
  chmod 644 "$T/ssh/authorized_keys"
  cat >"$T/ssh/sshd_config" <<EOF
ListenAddress $ADDR1:22
ListenAddress $ADDR2:22
HostKey $T/ssh/host_key
PidFile $T/ssh/sshd.pid
AuthorizedKeysFile $T/ssh/authorized_keys
# The keys file lives under /tmp (world-writable, sticky), which StrictModes refuses.
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers docker ec2-user
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel VERBOSE
Match LocalAddress $ADDR2
    SetEnv DOCKER_HOST=unix://$SWARM_B
Match User ec2-user
    SetEnv DOCKER_HOST=unix://$SWARM_B
Match User docker
    SetEnv DOCKER_HOST=unix://$SWARM_A
EOF
  mkdir -p /run/sshd # privilege separation directory (Debian sshd needs it; the package creates it at boot)
  /usr/sbin/sshd -t -f "$T/ssh/sshd_config"
  if [ -f "$T/ssh-netns" ]; then
    nsenter "--net=/var/run/netns/$(cat "$T/ssh-netns")" /usr/sbin/sshd -D -e -f "$T/ssh/sshd_config" 2>"$T/ssh/sshd.log" &
  else
    /usr/sbin/sshd -D -e -f "$T/ssh/sshd_config" 2>"$T/ssh/sshd.log" &
  fi
  track_pid $! sshd
  wait_until 20 "sshd on $ADDR1:22" remote "docker@$ADDR1" true || { cat "$T/ssh/sshd.log"; return 1; }
  # Which swarm each login reaches: the node ID it reports.
  [ "$(remote "docker@$ADDR1" docker info --format '{{.Swarm.NodeID}}')" = "$(a info --format '{{.Swarm.NodeID}}')" ] || fail "docker@$ADDR1 is not on swarm A"
  [ "$(remote "ec2-user@$ADDR1" docker info --format '{{.Swarm.NodeID}}')" = "$(b info --format '{{.Swarm.NodeID}}')" ] || fail "ec2-user@$ADDR1 is not on swarm B"
  [ "$(remote "docker@$ADDR2" docker info --format '{{.Swarm.NodeID}}')" = "$(b info --format '{{.Swarm.NodeID}}')" ] || fail "docker@$ADDR2 is not on swarm B"
}

remote() {
  local who=$1
  shift
  timeout 30 ssh -i "$T/ssh/id_ed25519" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=5 -o LogLevel=ERROR "$who" "$@"
}

# tfjson PROJECT FIXTURES STACK ARGS...: `terraform show -json ARGS` in a stack folder.
tfjson() {
  local project=$1 fixtures=$2 stack=$3
  shift 3
  (tf_env "$fixtures" && timeout 300 terraform -chdir="$project/cdktf.out/stacks/$stack" show -json "$@")
}
# removal_id PROJECT STACK: the id of the stack's removal resource (terraform_data), from its state file.
removal_id() {
  jq -r '.resources[] | select(.type == "terraform_data" and (.name | test("Removal-hello-world"))) | .instances[0].attributes.id' \
    "$(state_file "$1" "$2")"
}
# state_file PROJECT STACK: where the local backend keeps the stack's state (README: state/<domain>/, next to cdktf.out).
state_file() { printf '%s/state/%s/terraform.%s.tfstate\n' "$1" "$(jq -r .domain "$1/site.json")" "$2"; }

# A spec change (replicas 10 -> 4): the plan replaces only the null_resource that runs the script (its
# triggers changed) and leaves the removal resource alone; the apply updates the docker service in place.
spec_change() {
  local s f
  jq '.services[0].replicas = 4' "$P1/site.json" >"$P1/site-4.json"
  # `cdktf synth` runs scripts/synth.mjs (cdktf.json), which replaces cdktf.out and with it the stacks'
  # .terraform folders: `terraform init` again before a plain plan, as the README says.
  HA_SITE_CONFIG=site-4.json cdktf_cli synth >"$T/synth2.log" 2>&1 || { cat "$T/synth2.log"; fail "cdktf synth failed"; }
  for s in swarm-us-west-2 swarm-us-east-2; do
    removal_id "$P1" "$s" >"$T/removal-$s"
    [ -n "$(cat "$T/removal-$s")" ] || fail "$s: no removal resource in the state"
    (tf_env "$T/fixtures-p1.json" && timeout 300 terraform -chdir="$P1/cdktf.out/stacks/$s" init -input=false -no-color &&
      timeout 300 terraform -chdir="$P1/cdktf.out/stacks/$s" plan -input=false -no-color -out="$T/spec-$s.plan") >"$T/spec-plan-$s.log" 2>&1 ||
      { tail -n 30 "$T/spec-plan-$s.log"; fail "$s: plan failed"; }
    tfjson "$P1" "$T/fixtures-p1.json" "$s" "$T/spec-$s.plan" >"$T/spec-$s.json"
    jq -r '.resource_changes[] | "\(.address) \(.change.actions | join(","))"' "$T/spec-$s.json" | tee "$T/spec-$s.actions"
    grep -Eq '^terraform_data[.].*Removal-hello-world.* no-op$' "$T/spec-$s.actions" || fail "$s: the removal resource is not left alone"
    grep -Eq '^null_resource[.].*Service-hello-world.* (delete,create|create,delete|update)$' "$T/spec-$s.actions" || fail "$s: the service resource does not re-run"
    f=$(grep -Ev ' (no-op|read)$' "$T/spec-$s.actions" | grep -Ev '^null_resource[.].*Service-hello-world' || :)
    [ -z "$f" ] || fail "$s: unexpected changes: $f"
  done
  HA_SITE_CONFIG=site-4.json cdktf_cli deploy '*' --auto-approve --skip-provider-lock >"$T/deploy2.log" 2>&1 ||
    { tail -n 60 "$T/deploy2.log"; fail "cdktf deploy failed"; }
  grep -c 'ha-site: service hello-world: updating in place: replicas' "$T/deploy2.log" | grep -qx 2 || fail "not updated in place on both swarms"
  service_is a 4
  service_is b 4
  [ "$(a service inspect --format '{{.ID}}' "$SERVICE")" = "$(cat "$T/id-a")" ] || fail "swarm A: the service was replaced"
  [ "$(b service inspect --format '{{.ID}}' "$SERVICE")" = "$(cat "$T/id-b")" ] || fail "swarm B: the service was replaced"
  for s in swarm-us-west-2 swarm-us-east-2; do
    [ "$(removal_id "$P1" "$s")" = "$(cat "$T/removal-$s")" ] || fail "$s: the removal resource was replaced"
  done
}

cdktf_destroy() {
  HA_SITE_CONFIG=site-4.json cdktf_cli destroy '*' --auto-approve --skip-provider-lock >"$T/destroy1.log" 2>&1 ||
    { tail -n 60 "$T/destroy1.log"; fail "cdktf destroy failed"; }
  # dns first: its destroy ends before the regional stacks' begin.
  local dns_done first_regional
  dns_done=$(awk '/dns .*Destruction complete/ { n = NR } END { print n + 0 }' "$T/destroy1.log")
  first_regional=$(awk '/swarm-us-.*Destroying/ { print NR; exit }' "$T/destroy1.log")
  echo "last dns destruction on log line $dns_done, first regional one on line ${first_regional:-none}"
  if [ "$dns_done" -eq 0 ] || [ -z "$first_regional" ] || [ "$dns_done" -gt "$first_regional" ]; then fail "dns was not destroyed first"; fi
  grep -c 'ha-site: service hello-world: removed' "$T/destroy1.log" | grep -qx 2 || fail "the destroy-time provisioner did not remove both services"
  gone a
  gone b
}

# state_where_readme_says PROJECT: state files only in state/<domain>/ next to cdktf.out
# (terraform.<stack>.tfstate, backups); in the output (cdktf.out, a link to .cdktf.out.synth-v<id>) only
# Terraform's backend settings (.terraform/terraform.tfstate: no resources).
state_where_readme_says() {
  local p=$1 f domain
  domain=$(jq -r .domain "$p/site.json")
  (cd "$p" && find . -path ./node_modules -prune -o -name '*.tfstate*' -print | sort) | tee "$T/states"
  while read -r f; do
    case "$f" in
      ./state/"$domain"/terraform.swarm-us-west-2.tfstate* | ./state/"$domain"/terraform.swarm-us-east-2.tfstate* | ./state/"$domain"/terraform.dns.tfstate*) ;;
      ./cdktf.out/stacks/*/.terraform/terraform.tfstate | ./.cdktf.out.synth-*/stacks/*/.terraform/terraform.tfstate)
        jq -e 'has("resources") | not' "$p/$f" >/dev/null || fail "$f holds resources" ;;
      *) fail "state file where the README does not say: $f" ;;
    esac
  done <"$T/states"
  for f in swarm-us-west-2 swarm-us-east-2 dns; do
    [ -f "$(state_file "$p" "$f")" ] || fail "no state/$domain/terraform.$f.tfstate next to cdktf.out"
    [ "$(jq '.resources | length' "$(state_file "$p" "$f")")" -eq 0 ] || fail "terraform.$f.tfstate still has resources after destroy"
  done
}

# Path 2: plain Terraform on `npm run synth` output, a fixture file per stack (us-east-2's manager is ADDR2).
P2=$T/p2
stack_fixture() { case "$1" in swarm-us-east-2) echo "$T/fixtures-east.json" ;; *) echo "$T/fixtures-p1.json" ;; esac; }
plain_apply() {
  local s
  make_project "$P2"
  load_addresses
  fixture "$ADDR2" "$T/fixtures-east.json"
  cp "$REPO/examples/seed.json" "$P2/site.json"
  (cd "$P2" && HA_SITE_CONFIG=site.json timeout 300 node scripts/synth.mjs)
  node "$P2/scripts/stack-order.cjs" "$P2/cdktf.out/manifest.json" | jq -r '.[]' >"$T/order"
  cat "$T/order"
  while read -r s; do
    (tf_env "$(stack_fixture "$s")" && cd "$P2/cdktf.out/stacks/$s" && timeout 300 terraform init -input=false -no-color &&
      timeout 900 terraform apply -auto-approve -input=false -no-color) >"$T/apply-$s.log" 2>&1 ||
      { tail -n 40 "$T/apply-$s.log"; fail "$s: terraform apply failed"; }
  done <"$T/order"
  grep -q 'ha-site: service hello-world: done: 10/10 tasks running' "$T/apply-swarm-us-west-2.log" || fail "us-west-2: no provisioner output"
  grep -q 'ha-site: service hello-world: done: 10/10 tasks running' "$T/apply-swarm-us-east-2.log" || fail "us-east-2: no provisioner output"
  service_is a 10
  service_is b 10
}
plain_plan_clean() {
  local stacks
  mapfile -t stacks <"$T/order"
  plan_clean "$P2" "${stacks[@]}"
}
plain_destroy() {
  local s
  tac "$T/order" | while read -r s; do
    (tf_env "$(stack_fixture "$s")" && timeout 900 terraform -chdir="$P2/cdktf.out/stacks/$s" destroy -auto-approve -input=false -no-color) >"$T/destroy-$s.log" 2>&1 ||
      { tail -n 40 "$T/destroy-$s.log"; fail "$s: terraform destroy failed"; }
  done
  grep -q 'ha-site: service hello-world: removed' "$T/destroy-swarm-us-west-2.log" || fail "us-west-2: not removed by the destroy-time provisioner"
  grep -q 'ha-site: service hello-world: removed' "$T/destroy-swarm-us-east-2.log" || fail "us-east-2: not removed by the destroy-time provisioner"
  gone a
  gone b
  state_where_readme_says "$P2"
}


# A scratch copy of the project (sources + node_modules link), so that its cdktf.out and the state files
# next to it never touch the working tree's own.
make_project() {
  local dir=$1
  mkdir -p "$dir"
  cp -r "$REPO"/{main.ts,cdktf.json,package.json,tsconfig.json,config,constructs,stacks,scripts,policy} "$dir/"
  ln -s "$REPO/node_modules" "$dir/node_modules"
}

# tf_env FIXTURES: the environment every Terraform / cdktf command of this part runs in.
tf_env() {
  eval "$("$TF_VALIDATE_DIR/tf-env" "$T/tf")"
  export TFPLUGIN_FIXTURES=$1
  TF_VAR_ssh_private_key_us_west_2=$(cat "$T/ssh/id_ed25519")
  TF_VAR_ssh_private_key_us_east_2=$TF_VAR_ssh_private_key_us_west_2
  export TF_VAR_ssh_private_key_us_west_2 TF_VAR_ssh_private_key_us_east_2
  export SSH_AUTH_SOCK=$T/agent.sock CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1
}

start_agent() {
  ssh-agent -a "$T/agent.sock" -D >"$T/agent.log" 2>&1 &
  track_pid $! ssh-agent
  wait_until 10 "ssh-agent" test -S "$T/agent.sock"
  SSH_AUTH_SOCK=$T/agent.sock ssh-add "$T/ssh/id_ed25519"
}

# fixture ADDRESS FILE: what "AWS" returns: the manager found by data "aws_instances" is ADDRESS; the Docker
# for AWS template's outputs (the seed reads them for its outputs and the DNS stack).
fixture() {
  jq -n --arg ip "$1" '{
    "data.aws_instances": {public_ips: [$ip], ids: ["i-0e2e0000000000001"]},
    "aws_cloudformation_stack": {outputs: {
      DefaultDNSTarget: "e2e-swarm-elb-1.elb.amazonaws.com", ELBDNSZoneID: "Z3AADJGX6KTTL2",
      Managers: "https://console.aws.amazon.com/ec2/v2/home#Instances:tag:swarm-node-type=manager", VPCID: "vpc-0e2e0001"}}
  }' >"$2"
}

# service_is SWARM_FN REPLICAS: the service runs REPLICAS/REPLICAS tasks on that swarm.
service_is() {
  [ "$("$1" service ls --filter "name=$SERVICE" --format '{{.Replicas}}')" = "$2/$2" ] ||
    fail "$1: $SERVICE is not $2/$2: $("$1" service ls 2>&1)"
}
gone() { if "$1" service inspect "$SERVICE" >/dev/null 2>&1; then fail "$1: $SERVICE is still there"; fi; }

P1=$T/p1
cdktf_cli() { (cd "$P1" && tf_env "$T/fixtures-p1.json" && HA_SITE_CONFIG=$HA_SITE_CONFIG timeout 900 npx --no-install cdktf "$@"); }

cdktf_deploy() {
  # The native region's first SSH session waits for its bootstrap's readiness marker (NATIVE_READY_MARKER);
  # its "manager" here is a user of this machine, where no bootstrap ran: the suite writes the marker, and
  # removes it at the end.
  if [ ! -e /var/lib/ha-site/bootstrap-done ]; then
    mkdir -p /var/lib/ha-site && date -u >/var/lib/ha-site/bootstrap-done
    at_exit "rm -f /var/lib/ha-site/bootstrap-done; rmdir /var/lib/ha-site"
  fi
  make_project "$P1"
  # Services over SSH in both regions (the native region's default is SSM, which only AWS can run).
  node -e 'const c = require(process.argv[1]); c.provisioning = { ...c.provisioning, method: "ssh" }; process.stdout.write(JSON.stringify(c, null, 2))' \
    "$REPO/examples/mixed-engines.json" >"$P1/site.json"
  load_addresses
  fixture "$ADDR1" "$T/fixtures-p1.json"
  start_agent
  HA_SITE_CONFIG=site.json cdktf_cli deploy '*' --auto-approve --skip-provider-lock >"$T/deploy1.log" 2>&1 ||
    { tail -n 60 "$T/deploy1.log"; fail "cdktf deploy failed"; }
  grep -c 'ha-site: service hello-world: done: 10/10 tasks running' "$T/deploy1.log" | grep -qx 2 || fail "the provisioners did not both report 10/10"
  service_is a 10
  service_is b 10
  a service inspect --format '{{.ID}}' "$SERVICE" >"$T/id-a"
  b service inspect --format '{{.ID}}' "$SERVICE" >"$T/id-b"
}

# plan_clean PROJECT STACK...: `terraform plan -detailed-exitcode` exits 0 (no change) on every stack.
# (The stacks' plans run at the same time: they only read.)
plan_clean() {
  local project=$1 s status
  shift
  for s in "$@"; do
    (
      status=0
      if [ "$project" = "$P1" ]; then tf_env "$T/fixtures-p1.json"; else tf_env "$(stack_fixture "$s")"; fi
      timeout 300 terraform -chdir="$project/cdktf.out/stacks/$s" plan -detailed-exitcode -input=false -no-color >"$T/plan-$s.log" 2>&1 || status=$?
      echo "$status" >"$T/plan-$s.status"
    ) &
  done
  wait
  for s in "$@"; do
    status=$(cat "$T/plan-$s.status")
    echo "$s: plan -detailed-exitcode = $status"
    [ "$status" -eq 0 ] || { tail -n 30 "$T/plan-$s.log"; fail "$s: second plan is not empty (exit $status)"; }
  done
}
step "two private swarms (namespaces swarm-a, swarm-b), busybox image as tutum/hello-world" start_swarms
step "sshd on 127.0.0.1:22 + 127.0.0.2:22 (or in a namespace): docker@1st -> swarm A, ec2-user@1st and docker@2nd -> swarm B" start_sshd
step "cdktf deploy '*' --auto-approve --skip-provider-lock (mixed-engines): remote-exec created hello-world 10/10 on both swarms" cdktf_deploy
step "second plan -detailed-exitcode: 0 on every stack" plan_clean "$P1" swarm-us-west-2 swarm-us-east-2 dns
step "spec change (replicas 10 -> 4): plan leaves the removal resource alone; deploy updates in place (same service ID)" spec_change
step "cdktf destroy '*' --skip-provider-lock (dns first): the destroy-time provisioner removes the services through the ssh-agent" cdktf_destroy
step "state files only next to cdktf.out (README: State), empty after destroy" state_where_readme_says "$P1"
step "plain terraform init + apply per stack in order (seed): services 10/10 on both swarms" plain_apply
step "plain terraform: second plan -detailed-exitcode 0 on every stack" plain_plan_clean
step "plain terraform destroy in reverse order: services removed; state files where the README says" plain_destroy
