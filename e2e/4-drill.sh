#!/usr/bin/env bash
# Part 4: the failover drill (cli/drill.ts) against a real authoritative DNS server (Knot, dynamic updates)
# on 127.0.0.153:15353 and two "regions" answering HTTP (busybox httpd on 127.0.0.2:8080 and 127.0.0.3:8080).
# The suite breaks the primary and moves the record with knsupdate, as Route 53 would; the drill must report
# the switch, the gap and both backends within one poll interval of what the suite did. A run where the
# record never moves must exit 1.
# shellcheck source=e2e/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
e2e_init 4-drill
need knotd "apt-get install knot"
need knsupdate "apt-get install knot-dnsutils"
need kdig "apt-get install knot-dnsutils"
need busybox "apt-get install busybox"
need jq "apt-get install jq"
need curl "apt-get install curl"

DNS_ADDR=127.0.0.153
DNS_PORT=15353
SITE=nosqlsearch.com
PRIMARY=127.0.0.2
SECONDARY=127.0.0.3
INTERVAL=1

start_knot() {
  mkdir -p "$T/knot/run" "$T/knot/db"
  cat >"$T/knot/zone" <<EOF
\$ORIGIN $SITE.
\$TTL 1
@    SOA ns1.$SITE. hostmaster.$SITE. 1 60 60 60 1
@    NS  ns1.$SITE.
ns1  A   $DNS_ADDR
@    A   $PRIMARY
EOF
  cat >"$T/knot/knot.conf" <<EOF
server:
    rundir: "$T/knot/run"
    listen: $DNS_ADDR@$DNS_PORT
database:
    storage: "$T/knot/db"
control:
    listen: "$T/knot/run/knot.sock"
log:
  - target: stderr
    any: info
acl:
  - id: upd
    address: 127.0.0.0/8
    action: update
zone:
  - domain: $SITE
    storage: "$T/knot"
    file: "zone"
    acl: upd
    zonefile-sync: -1
EOF
  knotd -c "$T/knot/knot.conf" >"$T/knot/knotd.log" 2>&1 &
  track_pid $! knotd
  wait_until 20 "knotd to answer" answer_is "$PRIMARY"
}

answer() { kdig +short +timeout=1 +retry=0 -p "$DNS_PORT" "@$DNS_ADDR" "$SITE" A; }
answer_is() { [ "$(answer)" = "$1" ]; }

# set_record ADDRESS: what Route 53 does on failover, as a dynamic update.
set_record() {
  printf 'server %s %s\nzone %s.\ndel %s. A\nadd %s. 1 A %s\nsend\n' "$DNS_ADDR" "$DNS_PORT" "$SITE" "$SITE" "$SITE" "$1" | timeout 10 knsupdate
}

# start_region NAME ADDRESS: busybox httpd on ADDRESS:8080 serving a tutum/hello-world-like page (the drill
# names the backend by "My hostname is NAME"). Its pid goes to $T/NAME.pid.
start_region() {
  mkdir -p "$T/www-$1"
  printf '<html><body><h1>Hello world!</h1><h3>My hostname is %s</h3></body></html>\n' "$1" >"$T/www-$1/index.html"
  busybox httpd -f -p "$2:8080" -h "$T/www-$1" &
  echo $! >"$T/$1.pid"
  track_pid "$(cat "$T/$1.pid")" "httpd $1"
  wait_until 10 "httpd $1 on $2:8080" curl -fsS --max-time 1 -o /dev/null "http://$2:8080/"
}

start_all() {
  start_knot
  start_region us-west-2-a "$PRIMARY"
  start_region us-east-2-a "$SECONDARY"
}

# drill OUT ARGS...: the drill in the background (JSON lines into OUT); its pid in $T/drill.pid.
drill() {
  local out=$1
  shift
  (cd "$REPO" && exec timeout 120 npx --no-install tsx cli/drill.ts --resolver "$DNS_ADDR:$DNS_PORT" --domain "$SITE" --port 8080 \
    --interval "$INTERVAL" --timeout 0.5 --json "$@") >"$out" 2>"$out.err" &
  echo $! >"$T/drill.pid"
  track_pid "$(cat "$T/drill.pid")" drill
}

# drill_clock OUT: seconds on the drill's own clock now. The drill prints a poll line just after the poll
# (localhost answers in milliseconds), so "wall time seen - atSeconds" of its latest poll line bounds the
# drill's start from above; the smallest bound seen so far (kept in $T/drill.epoch) is the estimate. Called
# every 0.1 s, it is within ~0.1 s of the drill's clock. Waits (bounded) for the first poll line.
drill_clock() {
  local at t epoch
  wait_until 60 "the drill's first poll" grep -q '"type":"poll"' "$1"
  at=$(grep '"type":"poll"' "$1" | tail -n 1 | jq -r .atSeconds)
  t=$(now)
  epoch=$(awk -v t="$t" -v at="$at" -v old="$(cat "$T/drill.epoch" 2>/dev/null)" \
    'BEGIN { e = t - at; if (old != "" && old < e) e = old; printf "%.3f\n", e }')
  echo "$epoch" >"$T/drill.epoch"
  awk -v t="$t" -v e="$epoch" 'BEGIN { printf "%.3f\n", t - e }'
}

# until_drill_at OUT SECONDS: wait until the drill's clock reaches SECONDS (bounded by 60 s).
until_drill_at() {
  local i
  for ((i = 0; i < 600; i++)); do
    awk -v a="$(drill_clock "$1")" -v b="$2" 'BEGIN { exit !(a >= b) }' && return 0
    sleep 0.1
  done
  fail "the drill's clock did not reach $2 s"
}

within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

failover_drill() {
  local out=$T/drill1.json status=0 broke switched
  rm -f "$T/drill.epoch"
  drill "$out" --duration 14 --rto 10
  until_drill_at "$out" 3.5
  kill -TERM "$(cat "$T/us-west-2-a.pid")"
  broke=$(drill_clock "$out")
  until_drill_at "$out" 7.5
  set_record "$SECONDARY"
  switched=$(drill_clock "$out")
  answer_is "$SECONDARY"
  wait "$(cat "$T/drill.pid")" || status=$?
  echo "primary broken at ${broke} s, record switched at ${switched} s (drill clock); drill exit status $status"
  jq -c 'select(.type == "summary")' "$out" | tee "$T/summary1.json"
  [ "$status" -eq 0 ] || fail "drill exited $status: $(cat "$out.err")"
  local s=$T/summary1.json tol=$INTERVAL
  [ "$(jq '.switches | length' "$s")" -eq 1 ] || fail "expected one switch"
  [ "$(jq -c '.switches[0] | [.from, .to]' "$s")" = "[[\"$PRIMARY\"],[\"$SECONDARY\"]]" ] || fail "wrong switch"
  within "$(jq '.switches[0].atSeconds' "$s")" "$switched" "$(awk -v a="$switched" -v t="$tol" 'BEGIN { print a + t + 0.3 }')" ||
    fail "switch reported at $(jq '.switches[0].atSeconds' "$s") s, the record moved at $switched s"
  [ "$(jq '.gaps | length' "$s")" -eq 1 ] || fail "expected one gap"
  within "$(jq '.gaps[0].fromSeconds' "$s")" "$(awk -v a="$broke" 'BEGIN { print a - 0.3 }')" "$(awk -v a="$broke" -v t="$tol" 'BEGIN { print a + t + 0.3 }')" ||
    fail "gap starts at $(jq '.gaps[0].fromSeconds' "$s") s, the primary broke at $broke s"
  within "$(jq '.gaps[0].toSeconds' "$s")" "$switched" "$(awk -v a="$switched" -v t="$tol" 'BEGIN { print a + t + 0.3 }')" ||
    fail "gap ends at $(jq '.gaps[0].toSeconds' "$s") s, the record moved at $switched s"
  [ "$(jq -c '[.addresses[] | {address, backends: [.backends[].name]}]' "$s")" = \
    "[{\"address\":\"$PRIMARY\",\"backends\":[\"us-west-2-a\"]},{\"address\":\"$SECONDARY\",\"backends\":[\"us-east-2-a\"]}]" ] ||
    fail "backends: $(jq -c .addresses "$s")"
}

# The record never moves: the primary stays down, the drill must say so and exit 1.
no_failover_drill() {
  local out=$T/drill2.json status=0
  set_record "$PRIMARY"
  start_region us-west-2-a "$PRIMARY"
  rm -f "$T/drill.epoch"
  drill "$out" --duration 6 --rto 2
  until_drill_at "$out" 1.5
  kill -TERM "$(cat "$T/us-west-2-a.pid")"
  wait "$(cat "$T/drill.pid")" || status=$?
  jq -c 'select(.type == "summary")' "$out" | tee "$T/summary2.json"
  [ "$status" -eq 1 ] || fail "drill exited $status, expected 1"
  [ "$(jq '.switches | length' "$T/summary2.json")" -eq 0 ] || fail "a switch was reported"
  jq -e '.longestGap.open == true and .pass == false' "$T/summary2.json" >/dev/null || fail "no open gap reported"
  jq -e '.notes | index("the DNS answer never changed: no failover was seen")' "$T/summary2.json" >/dev/null || fail "no note"
}

step "knotd on $DNS_ADDR:$DNS_PORT serves $SITE A $PRIMARY (TTL 1); httpd regions on $PRIMARY and $SECONDARY" start_all
step "drill --resolver: switch, gap and both backends within one poll interval (${INTERVAL} s) of the suite's actions" failover_drill
step "record never switches: the drill exits 1 (open gap, no failover seen)" no_failover_drill
