#!/usr/bin/env bash
# Rooms-and-messages benchmark of the all-in-one server (see bench/load/README.md).
#   bash bench/load/run.sh [extra lattice-load options for both phases]
# Builds the server and the tool, starts a fresh all-in-one in a temp dir with free ports, then runs the tool twice
# against it (fresh users and rooms each time):
#   1. --max: closed loop, the sustained throughput across LATTICE_LOAD_ROOMS rooms;
#   2. --rate: open loop at LATTICE_LOAD_FRACTION (default 0.5) of that throughput, for the send→sync latency.
# Prints both results and stops the server (and its embedded PostgreSQL) at exit. Needs only bash, coreutils and a
# JDK >= 21 (.ci/lib/jdk.sh); exit 0 when both phases delivered every message exactly once.
#   LATTICE_LOAD_USERS (200) LATTICE_LOAD_ROOMS (100) LATTICE_LOAD_DURATION (60s) LATTICE_LOAD_WARMUP (10s)
#   LATTICE_LOAD_CONCURRENCY (32)  closed-loop senders of phase 1
#   LATTICE_LOAD_SKIP_BUILD=1      use the jars already built
#   LATTICE_LOAD_KEEP=1            keep the server's temp dir (log, data); the log is always copied to
#                                  bench/load/target/lattice-load-server.log
#   LATTICE_JAVA_OPTS              the server's JVM options (default lattice_java_opts, .ci/lib/jdk.sh, as ./lattice run)
# The server is started by .ci/lib/test-server.sh: bcrypt cost 4 and no per-IP limits on login and registration (the
# only rate limits client-api has); users are made through the shared-secret admin registration anyway.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh

log() { echo "load: $*" >&2; }

JAVA_HOME=$(find_jdk 21) || { log "no JDK 21 or newer found"; exit 1; }
export JAVA_HOME
SERVER_JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
TOOL_JAR="$HERE/target/lattice-load.jar"
if [ -z "${LATTICE_LOAD_SKIP_BUILD:-}" ]; then
  log "building the server and the load tool…"
  # package, not install: nothing is written to ~/.m2, so other checkouts' SNAPSHOTs are left alone
  PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests package -pl deploy/all-in-one,bench/load -am >&2
fi

USERS=${LATTICE_LOAD_USERS:-200}
ROOMS=${LATTICE_LOAD_ROOMS:-100}
DURATION=${LATTICE_LOAD_DURATION:-60s}
WARMUP=${LATTICE_LOAD_WARMUP:-10s}
CONCURRENCY=${LATTICE_LOAD_CONCURRENCY:-32}
FRACTION=${LATTICE_LOAD_FRACTION:-0.5}

source .ci/lib/test-server.sh
WORK=""
cleanup() {
  local rc=$?
  test_server_stop "$HERE/target/lattice-load-server.log"
  if [ -n "$WORK" ]; then
    if [ -n "${LATTICE_LOAD_KEEP:-}" ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-load.XXXXXX")
SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET=$SECRET
test_server_start "$SERVER_JAR" "$WORK"
SERVER_PID=$TEST_SERVER_PID
BASE_URL=$TEST_SERVER_URL
WATCH=$SERVER_PID
if [ -f "$WORK/data/postgres/postmaster.pid" ]; then WATCH="$WATCH,$(head -1 "$WORK/data/postgres/postmaster.pid")"; fi

run_tool() { # $1 = phase name, rest = options; the JSON line goes to $WORK/$1.json
  local phase=$1; shift
  log "phase $phase: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  set +e
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$TOOL_JAR" --base-url "$BASE_URL" --shared-secret "$SECRET" \
    --users "$USERS" --rooms "$ROOMS" --warmup "$WARMUP" --duration "$DURATION" --watch-pids "$WATCH" \
    --json "$WORK/$phase.json" "$@"
  local rc=$?
  set -e
  log "phase $phase: exit $rc, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  [ -f "$WORK/$phase.json" ] || { log "phase $phase produced no result"; exit 1; }
  return 0
}

echo "== phase 1: sustained throughput (closed loop, $CONCURRENCY senders, $ROOMS rooms, $USERS users)"
run_tool max --max --concurrency "$CONCURRENCY" "$@"
json_number() { sed -nE "s/.*\"$1\":([0-9.]+).*/\1/p" "$2"; } # the tool's JSON line is flat for these keys
THROUGHPUT=$(json_number throughput "$WORK/max.json")
[ -n "$THROUGHPUT" ] || { log "no throughput in $WORK/max.json"; exit 1; }
RATE=$(awk -v t="$THROUGHPUT" -v f="$FRACTION" 'BEGIN { printf "%.1f", t * f }')
echo "== phase 2: latency at $FRACTION × $THROUGHPUT = $RATE msg/s (open loop)"
run_tool rate --rate "$RATE" "$@"

echo "== summary (JSON lines: max, rate)"
cat "$WORK/max.json" "$WORK/rate.json"
grep -q '"exactly_once":true' "$WORK/max.json" && grep -q '"exactly_once":true' "$WORK/rate.json" \
  || { log "a phase did not deliver every message exactly once (see above)"; exit 1; }
