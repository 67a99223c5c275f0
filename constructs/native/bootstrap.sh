#!/bin/sh
set -eu
# ha-site: Docker Swarm bootstrap of a native (EC2) swarm node (EC2 user data).
# Source: constructs/native/bootstrap.sh; nativeBootstrapScript() (bootstrap-script.ts) fills in the settings
# and keeps the sections of the node's role. How it works: docs/native-bootstrap.md.
# Never print a join token: this output goes to /var/log/cloud-init-output.log and the EC2 console.
# No dollar-brace or percent-brace anywhere: Terraform would read it as template syntax in user_data.

# @settings-begin (replaced by nativeBootstrapScript(); these values only make the file lint and run as is)
ROLE='manager'
REGION='eu-west-1'
LOCK_PARAM='/ha-site/site/lock'
MANAGER_TOKEN_PARAM='/ha-site/site/manager-token'
WORKER_TOKEN_PARAM='/ha-site/site/worker-token'
ADDRESS_PARAM='/ha-site/site/manager-address'
PLACEHOLDER='unset'
WAIT_SECONDS=900
POLL_SECONDS=5
ADDRESS_REFRESH_SECONDS=60
# @settings-end

# Test hook: the instance metadata endpoint.
IMDS=$(printenv HA_SITE_IMDS || echo http://169.254.169.254)
# Test hook: root directory for the files the script writes outside its temporary directory.
ROOT=$(printenv HA_SITE_ROOT || true)
# Written when this node is in the swarm (read by the service and lifecycle scripts before they act).
READY_MARKER=/var/lib/ha-site/bootstrap-done

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

# mark_ready: record that this node is in the swarm (the marker holds the role).
mark_ready() {
  mkdir -p "$(dirname "$ROOT$READY_MARKER")"
  printf '%s\n' "$ROLE" >"$ROOT$READY_MARKER"
}

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
    active) mark_ready; say "this node is already part of a swarm: nothing to do"; exit 0 ;;
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

# @manager-begin
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

# @refresher-begin
INSTALLED=/usr/local/sbin/ha-site-swarm-bootstrap
UNIT_DIR=/etc/systemd/system

# install_address_refresher: keep a copy of this script and a systemd timer that runs its
# refresh-manager-address mode every ADDRESS_REFRESH_SECONDS seconds.
install_address_refresher() {
  if [ ! -f "$0" ]; then
    warn "cannot copy this script ($0): the manager-address refresh timer is not installed"
    return 0
  fi
  mkdir -p "$ROOT$UNIT_DIR" "$(dirname "$ROOT$INSTALLED")"
  cp "$0" "$ROOT$INSTALLED"
  chmod 0700 "$ROOT$INSTALLED"
  cat >"$ROOT$UNIT_DIR/ha-site-manager-address.service" <<EOF
[Unit]
Description=ha-site: point the swarm's manager-address SSM parameter at the swarm leader
Wants=docker.service
After=docker.service network-online.target

[Service]
Type=oneshot
ExecStart=/bin/sh $INSTALLED refresh-manager-address
EOF
  cat >"$ROOT$UNIT_DIR/ha-site-manager-address.timer" <<EOF
[Unit]
Description=ha-site: refresh the swarm's manager-address SSM parameter every $ADDRESS_REFRESH_SECONDS seconds

[Timer]
OnBootSec=$ADDRESS_REFRESH_SECONDS
OnUnitActiveSec=$ADDRESS_REFRESH_SECONDS

[Install]
WantedBy=timers.target
EOF
  if systemctl daemon-reload && systemctl enable --now ha-site-manager-address.timer; then
    say "installed ha-site-manager-address.timer"
  else
    warn "could not enable ha-site-manager-address.timer"
  fi
}
# @refresher-end

manager_main() {
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

manager_entry() {
  case $# in
    0) manager_main ;;
    *)
      if [ "$1" = refresh-manager-address ]; then refresh_manager_address; else die "unknown argument: $1"; fi
      ;;
  esac
}
# @manager-end
# @worker-begin
worker_main() {
  start_docker
  check_swarm_state
  imds_get local-ipv4
  PRIVATE_IP=$METADATA
  join_swarm worker "$WORKER_TOKEN_PARAM"
  mark_ready
  say "done: this node is a swarm worker"
}
# @worker-end

if [ "$ROLE" = manager ]; then manager_entry "$@"; else worker_main; fi
