#!/usr/bin/env bash
# Media benchmark of issue #13 (see bench/load/README.md): a fresh all-in-one, then `lattice-load.jar media`:
# upload and download throughput of 10 MB files with 16 clients, thumbnails per second of 4000 × 3000 JPEGs, and
# the server's heap during a 500 MB upload. Prints the tool's JSON line.
#   LATTICE_MEDIA_FILES (64)  LATTICE_MEDIA_PHOTOS (20)  LATTICE_MEDIA_BIG_MB (500)
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh

log() { echo "media: $*" >&2; }

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
  test_server_stop "$HERE/target/lattice-media-server.log"
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BIG_MB=${LATTICE_MEDIA_BIG_MB:-500}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-media.XXXXXX")
SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export LATTICE_CLIENTAPI_REGISTRATION_SHAREDSECRET=$SECRET
# The big upload must fit the limit; one user uploads everything, so the per-user upload rate is lifted.
export LATTICE_MEDIA_MAXUPLOADSIZE="$(( BIG_MB + 10 ))MB"
export LATTICE_MEDIA_UPLOADRATE_PERSECOND=100000 LATTICE_MEDIA_UPLOADRATE_BURST=100000
test_server_start "$ROOT/deploy/all-in-one/target/lattice.jar" "$WORK"
log "server up at $TEST_SERVER_URL; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" media \
  --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" --metrics-url "$TEST_SERVER_METRICS_URL" \
  --files "${LATTICE_MEDIA_FILES:-64}" --photos "${LATTICE_MEDIA_PHOTOS:-20}" --big-mb "$BIG_MB"
