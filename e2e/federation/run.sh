#!/usr/bin/env bash
# The federation interop suite (e2e/federation/README.md): real Synapse and Lattice side by side on loopback, real
# matrix-js-sdk clients on both.
#   bash e2e/federation/run.sh [node --test ARGS / test files]
# Installs Synapse (install-synapse.sh), the js-sdk (e2e/js's node_modules) and builds the jar when missing.
#   LATTICE_FED_KEEP=1   keep the run's directory (logs, data) after the run
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh
source .ci/lib/server-jar.sh

JAVA_HOME=$(find_jdk 21) || { echo "federation: no JDK 21 or newer found" >&2; exit 1; }
export JAVA_HOME
JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
server_jar_build_if_stale "$JAR"
bash "$HERE/install-synapse.sh"
if [ ! -x "$ROOT/e2e/js/node_modules/.bin/node" ] || [ "$ROOT/e2e/js/package-lock.json" -nt "$ROOT/e2e/js/node_modules/.package-lock.json" ]; then
  (cd "$ROOT/e2e/js" && npm ci --no-audit --no-fund --prefer-offline >&2)
fi
NODE="$ROOT/e2e/js/node_modules/.bin/node"

cd "$HERE"
if [ "$#" -gt 0 ]; then ARGS=("$@"); else ARGS=(test/synapse.test.mjs test/encryption.test.mjs test/lattice.test.mjs test/faults.test.mjs test/adversarial.test.mjs test/backfill.test.mjs test/split.test.mjs); fi
exec "$NODE" --test --test-force-exit --test-concurrency=1 --test-timeout="${LATTICE_FED_TEST_TIMEOUT:-600000}" "${ARGS[@]}"
