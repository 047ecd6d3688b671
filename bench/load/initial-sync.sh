#!/usr/bin/env bash
# Initial /sync benchmark of issue #11 (see bench/load/README.md): a fresh all-in-one, one user in
# LATTICE_IS_ROOMS rooms (300) of LATTICE_IS_MEMBERS members (300), then that user's initial sync with lazy-loaded
# members and a timeline of one event, LATTICE_IS_RUNS times (5). Then the same against a fresh Synapse
# (bench/load/synapse.sh, the federation suite's pinned version on its own PostgreSQL), one server at a time.
# Prints each server's JSON line.
#   LATTICE_IS_SYNAPSE=0       Lattice alone
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$HERE/synapse.sh"
ARGS=(--rooms "${LATTICE_IS_ROOMS:-300}" --members "${LATTICE_IS_MEMBERS:-300}" --runs "${LATTICE_IS_RUNS:-5}"
  --concurrency "${LATTICE_IS_CONCURRENCY:-32}")

bench_lattice_then_synapse initial-sync "${LATTICE_IS_SYNAPSE:-1}" "${ARGS[@]}"
