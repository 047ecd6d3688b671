#!/usr/bin/env bash
# Memory at rest of issue #16 (see bench/load/README.md): a fresh all-in-one left idle for LATTICE_MEM_IDLE seconds
# (40), then the proportional set size (PSS, /proc/PID/smaps_rollup) of its JVM and of its embedded PostgreSQL's
# processes (counted once, whatever they share). Prints one JSON line.
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
#                              (default lattice_java_opts, .ci/lib/jdk.sh, as ./lattice run)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_server memory
sleep "${LATTICE_MEM_IDLE:-40}"
pss() { awk '/^Pss:/ {s += $2} END {print s + 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
jvm=$(pss "$TEST_SERVER_PID")
postgres=0
# The embedded PostgreSQL: the postmaster under this server's data directory, and its children.
postmaster=$(pgrep -f "postgres.*$BENCH_WORK" | head -1 || true)
for pid in $postmaster $(pgrep -P "${postmaster:-0}" || true); do
  postgres=$(( postgres + $(pss "$pid") ))
done
echo "{\"jvm_pss_mb\":$(( jvm / 1024 )),\"postgres_pss_mb\":$(( postgres / 1024 )),\"total_pss_mb\":$(( (jvm + postgres) / 1024 )),\"java_opts\":\"${LATTICE_JAVA_OPTS:-$(lattice_java_opts "$JAVA_HOME")}\"}"
