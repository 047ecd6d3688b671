#!/usr/bin/env bash
# E2EE server-side benchmarks (issue #10): to-device fan-out to 100 devices and /keys/claim for 100 users, against a
# fresh all-in-one (see keys-bench.mjs for what is measured). Needs bash, a JDK >= 21 and Node >= 18.
#   bash bench/keys/run.sh
#   BENCH_USERS (100) BENCH_ROUNDS (30) BENCH_WARMUP (5); LATTICE_LOAD_SKIP_BUILD=1 uses the jar already built
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh
JAVA_HOME=$(find_jdk 21) || { echo "keys-bench: no JDK 21 or newer found" >&2; exit 1; }
export JAVA_HOME
JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
if [ -z "${LATTICE_LOAD_SKIP_BUILD:-}" ]; then
  PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests package -pl deploy/all-in-one -am >&2
fi
source .ci/lib/test-server.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-keys-bench.XXXXXX")
trap 'test_server_stop "$HERE/keys-bench-server.log"; rm -rf "$WORK"' EXIT
test_server_start "$JAR" "$WORK"
LATTICE_BASE_URL=$TEST_SERVER_URL LATTICE_SERVER_PID=$TEST_SERVER_PID node "$HERE/keys-bench.mjs"
