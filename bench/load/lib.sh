# What bench/load's one-shot scripts (initial-sync.sh, media.sh) share: the JDK, the build, and a fresh all-in-one
# in a temp dir that is stopped (with a Synapse of bench/load/synapse.sh, if one runs), and its dir removed, when the
# script exits.
#   source bench/load/lib.sh; bench_server NAME    sets JAVA_HOME, HERE, SECRET (the shared registration secret),
#                                                 TEST_SERVER_URL and TEST_SERVER_METRICS_URL
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
# Settings exported before bench_server (LATTICE_*) reach the server.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh
source .ci/lib/test-server.sh

# bench_build NAME: sets and exports JAVA_HOME, and builds the all-in-one and the load tool unless
# LATTICE_LOAD_SKIP_BUILD is set.
bench_build() {
  JAVA_HOME=$(find_jdk 21) || { echo "$1: no JDK 21 or newer found" >&2; exit 1; }
  export JAVA_HOME
  if [ -z "${LATTICE_LOAD_SKIP_BUILD:-}" ]; then
    echo "$1: building the server and the load tool…" >&2
    PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests package -pl deploy/all-in-one,bench/load -am >&2
  fi
}

bench_server() {
  BENCH_NAME=$1
  bench_build "$BENCH_NAME"
  BENCH_WORK=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-$BENCH_NAME.XXXXXX")
  SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  export LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET=$SECRET
  test_server_start "$ROOT/deploy/all-in-one/target/lattice.jar" "$BENCH_WORK"
  echo "$BENCH_NAME: server up at $TEST_SERVER_URL; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

# Stops what the script started: the all-in-one and, when the script sourced synapse.sh, its Synapse.
bench_cleanup() {
  local rc=$?
  if declare -F synapse_stop >/dev/null; then synapse_stop; fi
  test_server_stop "$HERE/target/lattice-$BENCH_NAME-server.log"
  if [ -n "$BENCH_WORK" ]; then rm -rf "$BENCH_WORK"; fi
  exit "$rc"
}
