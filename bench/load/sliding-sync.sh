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

bench_lattice_then_synapse sliding-sync "${LATTICE_SS_SYNAPSE:-1}" "${ARGS[@]}"
