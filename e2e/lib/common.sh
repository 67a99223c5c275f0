# shellcheck shell=bash
# Shared by every part of the end-to-end suite (sourced, bash). What it gives a part:
# - e2e_init NAME: a private temporary folder $T (short path: unix sockets have a 108-byte limit) and an EXIT
#   trap that stops every daemon the part started, by its pid, and removes what the part created (network
#   namespaces, users, mounts, $T), also when a step fails or the part is interrupted;
# - step "what it shows" COMMAND...: runs one step, prints "PASS|FAIL  <part>.<n> what  (<seconds> s)"; on
#   FAIL, the end of the step's output, and the part stops (later steps depend on earlier ones);
# - need: a missing prerequisite is a FAIL under CI=true, else the part is skipped, saying why;
# - bounded waits (wait_until), daemons (track_pid, start_dockerd), the busybox image.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(dirname "$E2E_DIR")
TF_VALIDATE_DIR=${HA_SITE_TF_VALIDATE_DIR:-$REPO/../shared/tools/tf-validate}
E2E_PART=${E2E_PART:-e2e}
E2E_STEP_NO=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '      %s\n' "$*"; }

e2e_init() {
  E2E_PART=$1
  T=$(mktemp -d "/tmp/hse-$E2E_PART.XXXXXX")
  chmod 755 "$T"
  export T
  E2E_PART_START=$(now)
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Steps run in subshells, so what cleanup must undo is recorded in files under $T, not in variables.
# at_exit COMMAND: run COMMAND (one line, eval'd) at cleanup, last registered first.
at_exit() { printf '%s\n' "$1" >>"$T/.cleanups"; }

# track_pid PID NAME: stop PID at cleanup (TERM, KILL after 30 s), before the at_exit commands.
track_pid() { printf '%s %s\n' "$1" "$2" >>"$T/.pids"; }

stop_pid() {
  local pid=$1 name=$2 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "      cleanup: $name (pid $pid) still running after 30 s: KILL" >&2
  kill -KILL "$pid" 2>/dev/null || :
}

e2e_cleanup() {
  local status=$? pid name cmd
  set +e
  if [ -n "${T:-}" ] && [ -d "$T" ]; then
    if [ -f "$T/.pids" ]; then
      tac "$T/.pids" | while read -r pid name; do stop_pid "$pid" "$name"; done
    fi
    # What those daemons left running (containerd shims, their containers' processes): every process
    # whose command line names a path under $T is this part's own.
    for pid in $(pgrep -f -- "$T/"); do stop_pid "$pid" "leftover $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80)"; done
    if [ -f "$T/.cleanups" ]; then
      tac "$T/.cleanups" | while IFS= read -r cmd; do eval "$cmd" >/dev/null 2>&1; done
    fi
    # Mounts a daemon left behind (overlay, netns bind mounts) under $T, deepest first.
    findmnt -rn -o TARGET | grep -F "$T/" | sort -r | while read -r m; do umount -l "$m"; done
    if [ "${E2E_KEEP:-}" = 1 ]; then echo "      kept $T"; else rm -rf "$T"; fi
  fi
  if [ "$status" -eq 0 ]; then
    printf 'PASS  %s  (all steps, %s s)\n' "$E2E_PART" "$(elapsed "$E2E_PART_START")"
  elif [ "$status" -eq 3 ]; then
    printf 'SKIP  %s\n' "$E2E_PART"
    status=0
  else
    printf 'FAIL  %s  (%s s)\n' "$E2E_PART" "$(elapsed "$E2E_PART_START")"
  fi
  exit "$status"
}

# step TITLE COMMAND [ARG]...: one PASS/FAIL line with the time it took.
step() {
  local title=$1 start out status=0
  shift
  E2E_STEP_NO=$((E2E_STEP_NO + 1))
  start=$(now)
  out="$T/step-$E2E_STEP_NO.log"
  # A subshell outside any `||`/`if`, so that `set -e` holds inside the step (it is off in such contexts).
  set +e
  (
    set -e
    "$@"
  ) >"$out" 2>&1
  status=$?
  set -e
  if [ "$status" -eq 0 ]; then
    printf 'PASS  %s.%d %s  (%s s)\n' "$E2E_PART" "$E2E_STEP_NO" "$title" "$(elapsed "$start")"
    if [ "${E2E_VERBOSE:-}" = 1 ]; then sed 's/^/      | /' "$out"; fi
    # E2E_UNTIL=N: stop (successfully) after step N, e.g. to keep a set-up swarm with E2E_KEEP=1.
    if [ "${E2E_UNTIL:-}" = "$E2E_STEP_NO" ]; then exit 0; fi
  else
    printf 'FAIL  %s.%d %s  (%s s, exit status %d)\n' "$E2E_PART" "$E2E_STEP_NO" "$title" "$(elapsed "$start")" "$status"
    tail -n 40 "$out" | sed 's/^/      | /'
    exit 1
  fi
}

# fail MESSAGE: inside a step, stop it with MESSAGE.
fail() {
  echo "e2e: $*" >&2
  exit 1
}

# need COMMAND WHY: a prerequisite. Missing: FAIL in CI (CI=true), else skip the whole part.
need() {
  local cmd=$1 why=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ "${CI:-}" = true ]; then
    printf 'FAIL  %s  prerequisite missing: %s (%s)\n' "$E2E_PART" "$cmd" "$why"
    exit 1
  fi
  printf 'SKIP  %s: %s not found (%s); CI=true makes this a failure\n' "$E2E_PART" "$cmd" "$why"
  exit 3
}

need_root() {
  [ "$(id -u)" -eq 0 ] && return 0
  if [ "${CI:-}" = true ]; then
    printf 'FAIL  %s  must run as root (daemons, network namespaces, users)\n' "$E2E_PART"
    exit 1
  fi
  printf 'SKIP  %s: not root (daemons, network namespaces, users need it); CI=true makes this a failure\n' "$E2E_PART"
  exit 3
}

# wait_until SECONDS WHAT COMMAND [ARG]...: retry COMMAND every 0.5 s until it succeeds, at most SECONDS.
wait_until() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s) + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "e2e: timed out after $limit s waiting for: $what" >&2
      "$@" >&2 || :
      return 1
    fi
    sleep 0.5
  done
}

# make_netns NAME: a network namespace of this run (deleted at cleanup) with its loopback up. Its name gets
# this run's pid, so that parallel runs do not collide. Prints the name.
make_netns() {
  local ns="hse$$-$1"
  ip netns add "$ns"
  at_exit "ip netns del $ns"
  ip -n "$ns" link set lo up
  echo "$ns"
}

# start_dockerd NAME NETNS: a private dockerd under $T/NAME (socket $T/NAME/docker.sock) in network namespace
# NETNS (nsenter --net, not `ip netns exec`, which remounts /sys: "Devices cgroup isn't mounted"); waits
# (bounded) until it answers. In its own namespace, dockerd's bridges and iptables rules stay out of the
# host's, and its attempts to reach Docker Hub (for `service create`) fail at once: no route leaves it.
start_dockerd() {
  local name=$1 netns=$2 dir="$T/$1" pid
  mkdir -p "$dir/data" "$dir/exec"
  chmod 755 "$dir"
  nsenter "--net=/var/run/netns/$netns" dockerd --data-root "$dir/data" --exec-root "$dir/exec" \
    -H "unix://$dir/docker.sock" --pidfile "$dir/dockerd.pid" --bridge=none >"$dir/dockerd.log" 2>&1 &
  pid=$!
  track_pid "$pid" "dockerd $name"
  if ! wait_until 60 "dockerd $name to answer" docker -H "unix://$dir/docker.sock" info; then
    tail -n 20 "$dir/dockerd.log" >&2
    return 1
  fi
}

# busybox_rootfs DIR: a root file system with busybox-static's busybox (sh, httpd, ...) and /www/index.html.
# busybox-static comes from Debian: `apt-get download` (no install: it conflicts with the busybox package).
busybox_rootfs() {
  local dir=$1 bb
  bb=$(busybox_static)
  mkdir -p "$dir/bin" "$dir/www" "$dir/tmp"
  cp "$bb" "$dir/bin/busybox"
  for app in sh httpd ls cat sleep wget hostname; do ln -sf busybox "$dir/bin/$app"; done
  echo "hello from the ha-site e2e image" >"$dir/www/index.html"
}

# busybox_static: path of a statically linked busybox (from $E2E_BUSYBOX_STATIC, the cache, or Debian's
# busybox-static package fetched with `apt-get download` into the cache).
busybox_static() {
  local cache=${E2E_CACHE:-$REPO/.cache/e2e} deb
  if [ -n "${E2E_BUSYBOX_STATIC:-}" ]; then echo "$E2E_BUSYBOX_STATIC"; return; fi
  if [ ! -x "$cache/busybox-static/bin/busybox" ]; then
    mkdir -p "$cache"
    (cd "$cache" && rm -f busybox-static_*.deb && timeout 120 apt-get download busybox-static >&2)
    deb=$(ls "$cache"/busybox-static_*.deb)
    rm -rf "$cache/busybox-static"
    dpkg-deb -x "$deb" "$cache/busybox-static"
  fi
  echo "$cache/busybox-static/bin/busybox"
}

# import_image SOCKET NAME...: the busybox root file system as image NAME (and every further NAME), whose
# default command serves /www over HTTP on port 80 (what tutum/hello-world does). httpd runs under a sh that
# exits on TERM: as PID 1, httpd itself would ignore TERM and every task stop would wait out the 10 s grace.
import_image() {
  local sock=$1 first=$2 name
  local cmd='CMD ["/bin/sh","-c","trap '"'exit 0'"' TERM; /bin/httpd -f -p 80 -h /www & wait"]'
  shift
  if [ ! -d "$T/rootfs" ]; then busybox_rootfs "$T/rootfs"; fi
  tar -C "$T/rootfs" -c . | docker -H "unix://$sock" import -c "$cmd" - "$first" >/dev/null
  shift
  for name in "$@"; do docker -H "unix://$sock" tag "$first" "$name"; done
}

# synth CONFIG OUTDIR: the repository's own synth (npm run synth) of CONFIG into OUTDIR.
synth() {
  HA_SITE_CONFIG=$1 CDKTF_OUTDIR=$2 timeout 300 node "$REPO/scripts/synth.mjs"
}

# extract_scripts STACK_DIR OUT_DIR: the scripts the stack's provisioners run (e2e/lib/extract-scripts.mjs).
extract_scripts() {
  HA_SITE_TF_VALIDATE_DIR=$TF_VALIDATE_DIR timeout 300 node "$E2E_DIR/lib/extract-scripts.mjs" "$1" "$2"
}

# script_for OUT_DIR CONSTRUCT_SUFFIX WHEN: the extracted file whose construct path ends in CONSTRUCT_SUFFIX.
script_for() {
  local f
  # The node wait that runs before a deployment (its first SSH session) is not the create script.
  f=$(jq -r --arg s "$2" --arg w "$3" '.[] | select((.constructPath | endswith($s)) and .when == $w and .entry != "wait_for_node") | .file' "$1/index.json")
  if [ -z "$f" ] || [ "$(printf '%s\n' "$f" | wc -l)" -ne 1 ]; then fail "no single $3 script for $2 in $1/index.json"; fi
  echo "$1/$f"
}
