#!/usr/bin/env bash
# Simplified Sliding Sync benchmark of issue #14 (see bench/load/README.md): a fresh all-in-one, one user in
# LATTICE_SS_ROOMS rooms (1000), the first response of a new connection for Element X's room list ([0, 19], timeline
# of one event) LATTICE_SS_RUNS times (10), and the incremental response when a room in the window gets a message,
# LATTICE_SS_MESSAGES times (50). Then the same against a fresh Synapse (bench/load/synapse.sh), one server at a
# time. Prints each server's JSON line.
#   LATTICE_SS_SYNAPSE=0       Lattice alone
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$HERE/synapse.sh"
ARGS=(--rooms "${LATTICE_SS_ROOMS:-1000}" --runs "${LATTICE_SS_RUNS:-10}" --messages "${LATTICE_SS_MESSAGES:-50}")

bench_server sliding-sync
echo "sliding-sync: lattice: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T') UTC" >&2
"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" sliding-sync \
  --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" "${ARGS[@]}" | tail -1 | sed 's/^{/{"server":"lattice",/'
test_server_stop "$HERE/target/lattice-sliding-sync-server.log"
[ "${LATTICE_SS_SYNAPSE:-1}" != 0 ] || exit 0

synapse_start "$BENCH_WORK/synapse"
echo "sliding-sync: synapse: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T') UTC" >&2
"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" sliding-sync \
  --base-url "$SYNAPSE_URL" --shared-secret "$SYNAPSE_SECRET" "${ARGS[@]}" | tail -1 | sed 's/^{/{"server":"synapse",/'
synapse_stop "$HERE/target/synapse-sliding-sync-server.log"
