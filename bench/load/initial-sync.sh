#!/usr/bin/env bash
# Initial /sync benchmark of issue #11 (see bench/load/README.md): a fresh all-in-one, one user in
# LATTICE_IS_ROOMS rooms (300) of LATTICE_IS_MEMBERS members (300), then that user's initial sync with lazy-loaded
# members and a timeline of one event, LATTICE_IS_RUNS times (5). Prints the tool's JSON line.
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_server initial-sync
"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" initial-sync \
  --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" --rooms "${LATTICE_IS_ROOMS:-300}" \
  --members "${LATTICE_IS_MEMBERS:-300}" --runs "${LATTICE_IS_RUNS:-5}" --concurrency "${LATTICE_IS_CONCURRENCY:-32}"
