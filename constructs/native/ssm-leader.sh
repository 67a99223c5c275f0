#!/bin/sh
set -eu
# ha-site: runs on every swarm manager of a native region through SSM (aws:runShellScript, as root); only the
# current swarm leader acts, the other managers exit 0. Source: constructs/native/ssm-leader.sh, filled in by
# ssmLeaderScript() (constructs/ssm-services.ts). No dollar-brace, percent-brace or double curly brace: Terraform
# and SSM would read them as their own template syntax (Go templates are spelled with $B below).

# @settings-begin (replaced by ssmLeaderScript(); these values only make the file lint and run as is)
STACK='site-swarm'
ACTION='deploy'
SERVICE='web'
SERVICE_SCRIPT_B64=''
KEEP_SERVICES=''
READY_WAIT_SECONDS=900
POLL_SECONDS=5
# @settings-end

# Test hook: root directory of the readiness marker (empty on EC2).
ROOT=$(printenv HA_SITE_ROOT || true)
READY_MARKER=/var/lib/ha-site/bootstrap-done
LABEL=ha-site.stack
B='{'

say() { printf '%s\n' "ha-site ssm [$ACTION]: $*"; }
die() { printf '%s\n' "ha-site ssm [$ACTION]: ERROR: $*" >&2; exit 1; }

# This node's bootstrap (EC2 user data) may still be running, e.g. on the first apply: wait for its marker.
deadline=$(($(date +%s) + READY_WAIT_SECONDS))
until [ -f "$ROOT$READY_MARKER" ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    die "this node's swarm bootstrap did not finish within $READY_WAIT_SECONDS seconds (no $READY_MARKER; see /var/log/cloud-init-output.log)"
  fi
  sleep "$POLL_SECONDS"
done

leader=$(docker node inspect self --format "$B$B.ManagerStatus.Leader}}" 2>/dev/null) || leader=false
if [ "$leader" != true ]; then
  say "this manager is not the swarm leader: nothing to do (the leader runs it)"
  exit 0
fi

# @deploy-begin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf '%s' "$SERVICE_SCRIPT_B64" | base64 -d >"$WORK/service.sh"
say "swarm leader: deploying service $SERVICE"
sh "$WORK/service.sh"
# Mark the service as ha-site's (the prune step removes marked services that left the configuration).
# A service label is not part of the task spec: setting it restarts no task.
if [ "$(docker service inspect --format "$B$B index .Spec.Labels \"$LABEL\"}}" "$SERVICE")" != "$STACK" ]; then
  docker service update --detach --quiet --label-add "$LABEL=$STACK" "$SERVICE" >/dev/null
fi
say "service $SERVICE deployed"
# @deploy-end
# @prune-begin
# Remove the services that carry this stack's label but are no longer in the configuration.
removed=0
for name in $(docker service ls --filter "label=$LABEL=$STACK" --format "$B$B.Name}}"); do
  case " $KEEP_SERVICES " in
    *" $name "*) ;;
    *)
      say "removing service $name (no longer in the configuration)"
      docker service rm "$name" >/dev/null
      removed=$((removed + 1))
      ;;
  esac
done
say "swarm leader: $removed service(s) removed; kept: $KEEP_SERVICES"
# @prune-end
