#!/usr/bin/env bash
# End-to-end tests of Lattice with the real matrix-js-sdk (see e2e/js/README.md).
#   bash e2e/js/run.sh [node --test ARGS / test files]
# Builds the all-in-one jar if it is missing or older than the sources, starts it in a temp dir with free ports,
# runs the tests against it, and stops it (and its embedded PostgreSQL) at exit. Exit code = the tests' exit code.
#   LATTICE_BASE_URL=…    skip starting a server and test that one instead
#   LATTICE_E2E_KEEP=1    keep the server's temp dir (logs, data) after the run; the log is always copied to
#                         e2e/js/lattice-e2e.log
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh
source .ci/lib/server-jar.sh

log() { echo "e2e: $*" >&2; }

if [ -z "${LATTICE_BASE_URL:-}" ]; then
  JAVA_HOME=$(find_jdk 21) || { log "no JDK 21 or newer found"; exit 1; }
  export JAVA_HOME
  JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
  server_jar_build_if_stale "$JAR"
fi

cd "$HERE"
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --prefer-offline >&2
fi
NODE="$HERE/node_modules/.bin/node"

source "$ROOT/.ci/lib/test-server.sh"
if [ -z "${LATTICE_BASE_URL:-}" ]; then
  # URL previews may reach the pages media.test.mjs serves on 127.0.0.2, and nothing else on loopback or private
  # networks: the test checks that 127.0.0.1 and localhost stay refused.
  export LATTICE_MEDIA_URLPREVIEW_IPRANGEALLOWLIST=127.0.0.2/32
  test_server_start_temp "$JAR" lattice-e2e "$HERE/lattice-e2e.log"
  export LATTICE_BASE_URL=$TEST_SERVER_URL
  # What the hostile-media test checks the server's health with: its process (open files), metrics (heap), data.
  export LATTICE_E2E_SERVER_PID=$TEST_SERVER_PID LATTICE_E2E_METRICS_URL=$TEST_SERVER_METRICS_URL \
    LATTICE_E2E_DATA_DIR=$TEST_SERVER_WORK/data
fi

if [ "$#" -gt 0 ]; then
  ARGS=("$@")
else
  ARGS=(test/accounts.test.mjs test/rooms.test.mjs test/keys.test.mjs test/verification.test.mjs test/dehydration.test.mjs test/ephemeral.test.mjs test/relations.test.mjs test/pushrules.test.mjs test/media.test.mjs test/sliding.test.mjs)
fi
set +e
"$NODE" --test --test-force-exit --test-concurrency=1 --test-timeout="${LATTICE_E2E_TEST_TIMEOUT:-120000}" "${ARGS[@]}"
rc=$?
set -e
exit "$rc"
