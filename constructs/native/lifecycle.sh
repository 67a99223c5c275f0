#!/bin/sh
set -eu
# ha-site: keeps a native swarm's membership in step with its Auto Scaling groups. Runs through SSM (as root):
#   prepare ID  (swarm leader) a terminating manager is demoted (quorum guard), a terminating worker drained;
#   leave       (the terminating instance itself) `docker swarm leave` once it is no longer a manager;
#   remove ID   (swarm leader) `docker node rm` of the departed node;
#   cleanup     (swarm leader, periodic) the same for every Down node whose instance no longer exists.
# Nodes are named by their instances: the launch templates give them resource-based host names
# (i-0123456789abcdef0.<region>.compute.internal), which is what `docker node ls` shows as HOSTNAME.
# Source: constructs/native/lifecycle.sh, filled in by lifecycleScript() (constructs/native/lifecycle.ts).
# No dollar-brace, percent-brace or double curly brace: Terraform and SSM read those as their own syntax.

# @settings-begin (replaced by lifecycleScript(); these values only make the file lint and run as is)
REGION='eu-west-1'
DRAIN_WAIT_SECONDS=300
POLL_SECONDS=5
# @settings-end
# @parameters-begin (replaced by the SSM document: its Action and InstanceId parameters, pattern-checked)
ACTION=$(printenv HA_SITE_ACTION || echo cleanup)
INSTANCE_ID=$(printenv HA_SITE_INSTANCE_ID || echo none)
# @parameters-end

# Test hook: root directory of the readiness marker (empty on EC2).
ROOT=$(printenv HA_SITE_ROOT || true)
READY_MARKER=/var/lib/ha-site/bootstrap-done
B='{'
NODE_FORMAT="$B$B.ID}} $B$B.Hostname}} $B$B.Status}} $B$B.ManagerStatus}}"

say() { printf '%s\n' "ha-site lifecycle [$ACTION]: $*"; }
die() { printf '%s\n' "ha-site lifecycle [$ACTION]: ERROR: $*" >&2; exit 1; }

is_leader() {
  leader=$(docker node inspect self --format "$B$B.ManagerStatus.Leader}}" 2>/dev/null) || leader=false
  [ "$leader" = true ]
}

# nodes: one line per swarm node: ID HOSTNAME STATUS MANAGER-STATUS (MANAGER-STATUS: Leader, Reachable,
# Unreachable, or "-" for a worker).
nodes() {
  docker node ls --format "$NODE_FORMAT" | while read -r id host status manager; do
    printf '%s %s %s %s\n' "$id" "$host" "$status" "$manager"
  done | sed 's/ $/ -/'
}

# find_node INSTANCE: set NODE_ID and NODE_MANAGER of the node whose host name is the instance's.
find_node() {
  NODE_ID='' NODE_MANAGER=''
  line=$(nodes | awk -v i="$1" '{ h = $2; sub(/\..*/, "", h) } h == i { print; exit }')
  if [ -z "$line" ]; then return 1; fi
  read -r NODE_ID _ _ NODE_MANAGER <<EOF
$line
EOF
}

# quorum_allows_demotion: true if, after one manager (not reachable, or leaving) is demoted, the reachable
# managers other than it still form a majority of the remaining managers. Never demote the last manager.
quorum_allows_demotion() {
  read -r total others <<EOF
$(nodes | awk -v id="$1" '$4 != "-" { m++; if ($1 != id && ($4 == "Leader" || $4 == "Reachable")) r++ } END { print m + 0, r + 0 }')
EOF
  remaining=$((total - 1))
  reachable=$(nodes | awk '$4 == "Leader" || $4 == "Reachable"' | wc -l)
  if [ "$reachable" -lt $((total / 2 + 1)) ]; then
    say "quorum guard: only $reachable of $total managers are reachable (no majority): demoting nothing"
    return 1
  fi
  if [ "$remaining" -lt 1 ]; then
    say "quorum guard: it is the only manager; not demoting it"
    return 1
  fi
  if [ "$others" -lt $((remaining / 2 + 1)) ]; then
    say "quorum guard: $others reachable manager(s) would remain of $remaining; a majority is $((remaining / 2 + 1)): not demoting"
    return 1
  fi
  return 0
}

wait_drained() {
  deadline=$(($(date +%s) + DRAIN_WAIT_SECONDS))
  while [ -n "$(docker node ps "$1" --filter desired-state=running -q 2>/dev/null)" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "node $1 still runs tasks after $DRAIN_WAIT_SECONDS seconds; going ahead"
      return 0
    fi
    sleep "$POLL_SECONDS"
  done
}

# instance_gone ID: true if EC2 no longer has the instance (terminated, shutting down, or unknown).
instance_gone() {
  err=$(mktemp)
  if state=$(aws --region "$REGION" --cli-connect-timeout 10 --cli-read-timeout 20 ec2 describe-instances \
    --instance-ids "$1" --query 'Reservations[].Instances[].State.Name' --output text 2>"$err"); then
    rm -f "$err"
    case $state in
      terminated | shutting-down | '') return 0 ;;
      *) return 1 ;;
    esac
  fi
  # Unknown to EC2 (long gone): InvalidInstanceID.NotFound. Any other error: assume it still exists.
  if grep -q InvalidInstanceID "$err"; then rm -f "$err"; return 0; fi
  cat "$err" >&2
  rm -f "$err"
  return 1
}

prepare() {
  if ! find_node "$INSTANCE_ID"; then say "no swarm node for $INSTANCE_ID: nothing to prepare"; return 0; fi
  if [ "$NODE_MANAGER" != - ]; then
    if quorum_allows_demotion "$NODE_ID"; then
      say "demoting manager $NODE_ID ($INSTANCE_ID)"
      docker node demote "$NODE_ID" >/dev/null
    fi
  else
    say "draining worker $NODE_ID ($INSTANCE_ID)"
    docker node update --availability drain "$NODE_ID" >/dev/null
    wait_drained "$NODE_ID"
  fi
}

leave() {
  state=$(docker info --format "$B$B.Swarm.LocalNodeState}}" 2>/dev/null) || state=unknown
  control=$(docker info --format "$B$B.Swarm.ControlAvailable}}" 2>/dev/null) || control=false
  if [ "$state" != active ]; then say "not in a swarm: nothing to leave"; return 0; fi
  if [ "$control" = true ]; then say "still a manager (not demoted): not leaving, the leader removes it later"; return 0; fi
  docker swarm leave >/dev/null
  say "left the swarm"
}

remove() {
  if ! find_node "$INSTANCE_ID"; then say "no swarm node for $INSTANCE_ID: nothing to remove"; return 0; fi
  if [ "$NODE_MANAGER" != - ]; then say "node $NODE_ID is still a manager: not removing it"; return 0; fi
  docker node rm --force "$NODE_ID" >/dev/null
  say "removed node $NODE_ID ($INSTANCE_ID)"
}

cleanup() {
  nodes | while read -r id host status manager; do
    if [ "$status" != Down ]; then continue; fi
    instance=$(printf '%s\n' "$host" | sed 's/\..*//')
    case $instance in i-*) ;; *) say "node $id ($host) is Down but not named after an instance: left alone"; continue ;; esac
    if ! instance_gone "$instance"; then say "node $id is Down but $instance still exists: left alone"; continue; fi
    if [ "$manager" != - ]; then
      if ! quorum_allows_demotion "$id"; then continue; fi
      say "demoting departed manager $id ($instance)"
      if ! docker node demote "$id" >/dev/null; then say "could not demote $id: left for the next run"; continue; fi
    fi
    if docker node rm --force "$id" >/dev/null; then
      say "removed departed node $id ($instance)"
    else
      say "could not remove $id: left for the next run"
    fi
  done
}

if [ "$ACTION" = leave ]; then
  leave
  exit 0
fi
if [ ! -f "$ROOT$READY_MARKER" ]; then say "this node is not (yet) in the swarm: nothing to do"; exit 0; fi
if ! is_leader; then say "this manager is not the swarm leader: nothing to do (the leader acts)"; exit 0; fi
case $ACTION in
  prepare) prepare ;;
  remove) remove ;;
  cleanup) cleanup ;;
  *) die "unknown action: $ACTION" ;;
esac
