#!/usr/bin/env bash
# Initial /sync benchmark of issue #11 (see bench/load/README.md): a fresh all-in-one, one user in
# LATTICE_IS_ROOMS rooms (300) of LATTICE_IS_MEMBERS members (300), then that user's initial sync with lazy-loaded
# members and a timeline of one event, LATTICE_IS_RUNS times (5). Prints the tool's JSON line.
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh

log() { echo "initial-sync: $*" >&2; }

JAVA_HOME=$(find_jdk 21) || { log "no JDK 21 or newer found"; exit 1; }
export JAVA_HOME
if [ -z "${LATTICE_LOAD_SKIP_BUILD:-}" ]; then
  log "building the server and the load tool…"
  PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests package -pl deploy/all-in-one,bench/load -am >&2
fi

source .ci/lib/test-server.sh
WORK=""
cleanup() {
  local rc=$?
  test_server_stop "$HERE/target/lattice-initial-sync-server.log"
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-initial-sync.XXXXXX")
SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET=$SECRET
test_server_start "$ROOT/deploy/all-in-one/target/lattice.jar" "$WORK"
log "server up at $TEST_SERVER_URL; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" initial-sync \
  --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" --rooms "${LATTICE_IS_ROOMS:-300}" \
  --members "${LATTICE_IS_MEMBERS:-300}" --runs "${LATTICE_IS_RUNS:-5}" --concurrency "${LATTICE_IS_CONCURRENCY:-32}"
