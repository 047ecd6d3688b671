#!/usr/bin/env bash
# Issue #16's side-by-side comparison: the same load, by the same tool (bench/load's lattice-load.jar), against a
# fresh Synapse (bench/load/synapse.sh: the federation suite's pinned version from PyPI, its own PostgreSQL, rate
# limits lifted, registration by shared secret), optionally a fresh Dendrite (bench/load/dendrite.sh, from the Go
# module proxy), and then a fresh Lattice all-in-one, one server at a time on this machine, and one table with their
# results and Lattice's ratios. See bench/compare/README.md.
#
#   bash bench/compare/run.sh
#
# Per server: idle LATTICE_COMPARE_IDLE s (40) after start, memory (PSS of the server's processes and its
# PostgreSQL's, counted once); the sustained throughput (closed loop, LATTICE_LOAD_CONCURRENCY senders, 32) across
# LATTICE_LOAD_ROOMS rooms (100) of LATTICE_LOAD_USERS users (200) while every member long-polls /sync; send→sync
# latency and CPU per message at one open-loop rate both sustain (LATTICE_COMPARE_FRACTION, 0.5, of Synapse's
# throughput, so Synapse runs first); Lattice also at half its own throughput (issue #16's latency goal); memory at
# the end of the load; then the initial lazy /sync of one user in LATTICE_COMPARE_IS_ROOMS rooms of
# LATTICE_COMPARE_IS_MEMBERS members (100 × 100; 300 × 300 is the issue's shape, about 90,000 joins per server:
# well over an hour; 0 skips it).
#   LATTICE_LOAD_DURATION (60s) LATTICE_LOAD_WARMUP (10s)   each load phase
#   LATTICE_COMPARE_SERVERS ("synapse lattice")   which, in the order synapse, dendrite, lattice; the table comes
#                               after lattice. Dendrite is not in the default: it does not get through the rooms
#                               load yet (bench/compare/README.md)
#   LATTICE_COMPARE_OUT, LATTICE_COMPARE_RATE   to measure one server again into an earlier run's directory at that
#                               run's common rate (its synapse-rate.json's target_rate)
#   LATTICE_LOAD_SKIP_BUILD=1   use the jars already built;  LATTICE_JAVA_OPTS  the all-in-one's JVM options
# Results: bench/compare/target/<UTC time>/ (each phase's JSON line, the servers' logs, table.md); the table is
# printed at the end. Exit 1 if a load phase lost or duplicated a message.
set -euo pipefail
COMPARE=$(cd "$(dirname "$0")" && pwd)
source "$COMPARE/../load/lib.sh" # cds to the repository root; HERE is bench/load
source "$HERE/synapse.sh"
source "$HERE/dendrite.sh"

bench_build compare
TOOL="$HERE/target/lattice-load.jar"
OUT=${LATTICE_COMPARE_OUT:-"$COMPARE/target/$(date -u +%Y%m%dT%H%M%SZ)"}
mkdir -p "$OUT"
USERS=${LATTICE_LOAD_USERS:-200}
ROOMS=${LATTICE_LOAD_ROOMS:-100}
DURATION=${LATTICE_LOAD_DURATION:-60s}
WARMUP=${LATTICE_LOAD_WARMUP:-10s}
CONCURRENCY=${LATTICE_LOAD_CONCURRENCY:-32}
FRACTION=${LATTICE_COMPARE_FRACTION:-0.5}
IS_ROOMS=${LATTICE_COMPARE_IS_ROOMS:-100}
IS_MEMBERS=${LATTICE_COMPARE_IS_MEMBERS:-100}

log() { echo "compare: $*" >&2; }

WORK=""
cleanup() {
  local rc=$?
  synapse_stop "$OUT/synapse.log"
  dendrite_stop "$OUT/dendrite.log"
  test_server_stop "$OUT/lattice.log"
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-compare.XXXXXX")

# PSS in MB of these processes and all their descendants, each counted once (the tool's ProcessMemory).
pss_tree() {
  "$JAVA_HOME/bin/java" -jar "$TOOL" memory "$@" | sed -nE 's/.*"pss_mb":([0-9]+).*/\1/p'
}

# load SERVER PHASE URL SECRET WATCH_PIDS TOOL_OPTIONS...: one run of the rooms tool; its JSON line in
# OUT/SERVER-PHASE.json
load() {
  local server=$1 phase=$2 url=$3 secret=$4 watch=$5
  shift 5
  log "$server $phase: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%T') UTC"
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$TOOL" --base-url "$url" --shared-secret "$secret" --users "$USERS" \
    --rooms "$ROOMS" --warmup "$WARMUP" --duration "$DURATION" --watch-pids "$watch" \
    --json "$OUT/$server-$phase.json" "$@" >"$OUT/$server-$phase.txt" || true
  [ -f "$OUT/$server-$phase.json" ] \
    || { log "$server $phase produced no result (see $OUT/$server-$phase.txt)"; exit 1; }
}

throughput_of() { sed -nE 's/.*"throughput":([0-9.]+).*/\1/p' "$1"; }

# measure SERVER URL SECRET PIDS...: every phase against one running server
measure() {
  local server=$1 url=$2 secret=$3
  shift 3
  local pids="$*" watch
  watch=$(echo "$pids" | tr ' ' ',')
  sleep "${LATTICE_COMPARE_IDLE:-40}"
  echo "{\"idle_pss_mb\":$(pss_tree $pids)}" >"$OUT/$server-memory-idle.json"
  load "$server" max "$url" "$secret" "$watch" --max --concurrency "$CONCURRENCY"
  if [ -z "${RATE:-}" ]; then
    RATE=$(awk -v t="$(throughput_of "$OUT/$server-max.json")" -v f="$FRACTION" 'BEGIN { printf "%.1f", t * f }')
    log "the common open-loop rate: $FRACTION × $server's throughput = $RATE msg/s"
  fi
  load "$server" rate "$url" "$secret" "$watch" --rate "$RATE"
  if [ "$server" = lattice ]; then
    load "$server" half "$url" "$secret" "$watch" \
      --rate "$(awk -v t="$(throughput_of "$OUT/$server-max.json")" 'BEGIN { printf "%.1f", t / 2 }')"
  fi
  echo "{\"end_pss_mb\":$(pss_tree $pids)}" >"$OUT/$server-memory-end.json"
  if [ "$IS_ROOMS" -gt 0 ]; then
    log "$server initial-sync: $IS_ROOMS rooms × $IS_MEMBERS members, $(date -u '+%T') UTC"
    "$JAVA_HOME/bin/java" -Xmx1g -jar "$TOOL" initial-sync --base-url "$url" --shared-secret "$secret" \
      --rooms "$IS_ROOMS" --members "$IS_MEMBERS" --runs 5 | tail -1 >"$OUT/$server-initial-sync.json"
  fi
}

RATE=${LATTICE_COMPARE_RATE:-}
SERVERS=${LATTICE_COMPARE_SERVERS:-synapse lattice}
if [[ " $SERVERS " == *" synapse "* ]]; then
  synapse_start "$WORK/synapse"
  measure synapse "$SYNAPSE_URL" "$SYNAPSE_SECRET" "$SYNAPSE_PID" "$SYNAPSE_PG_PID"
  synapse_stop "$OUT/synapse.log"
fi

if [[ " $SERVERS " == *" dendrite "* ]]; then
  dendrite_start "$WORK/dendrite"
  measure dendrite "$DENDRITE_URL" "$DENDRITE_SECRET" "$DENDRITE_PID" "$DENDRITE_PG_PID"
  dendrite_stop "$OUT/dendrite.log"
fi

[[ " $SERVERS " == *" lattice "* ]] || exit 0
SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET=$SECRET
mkdir -p "$WORK/lattice"
test_server_start "$ROOT/deploy/all-in-one/target/lattice.jar" "$WORK/lattice"
LATTICE_PG=$(head -1 "$WORK/lattice/data/postgres/postmaster.pid" 2>/dev/null || true)
measure lattice "$TEST_SERVER_URL" "$SECRET" "$TEST_SERVER_PID" $LATTICE_PG
test_server_stop "$OUT/lattice.log"

{
  echo "Lattice $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo ' (with changes)') against Synapse $(cd / && "$SYNAPSE_PYTHON" -c 'import synapse; print(synapse.__version__.split()[0])')$([ -f "$OUT/dendrite-max.json" ] && echo " and Dendrite $DENDRITE_VERSION"), $(date -u '+%F %H:%M') UTC, $(nproc) cores"
  echo
  python3 "$COMPARE/table.py" "$OUT" "$RATE"
} | tee "$OUT/table.md"
grep -L '"exactly_once":true' "$OUT"/*-max.json "$OUT"/*-rate.json "$OUT"/*-half.json | grep . >&2 \
  && { log "a phase above did not deliver every message exactly once"; exit 1; }
exit 0
