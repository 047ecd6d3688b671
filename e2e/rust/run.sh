#!/usr/bin/env bash
# End-to-end test of Simplified Sliding Sync (MSC4186) with the real matrix-rust-sdk (see e2e/rust/README.md).
#   bash e2e/rust/run.sh
# Builds the all-in-one jar if it is missing or older than the sources, the test program (cargo, debug profile, target
# dir outside the clone), starts the jar in a temp dir with free ports, runs the test against it, and stops it (and
# its embedded PostgreSQL) at exit. Exit code = the test's exit code.
#   LATTICE_BASE_URL=…        skip starting a server and test that one instead
#   LATTICE_E2E_KEEP=1        keep the server's temp dir (logs, data) after the run; the log is always copied to
#                             e2e/rust/lattice-e2e.log
#   LATTICE_CARGO_TARGET=dir  cargo's target dir (default ~/.cache/lattice/cargo-target, shared by runs on a machine)
#   LATTICE_E2E_SYNC_LOG=file where the sliding sync requests and responses go (default e2e/rust/sliding-sync.jsonl;
#                             empty: no recording proxy)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh
source .ci/lib/server-jar.sh

log() { echo "e2e-rust: $*" >&2; }

CARGO=$(command -v cargo || true)
[ -n "$CARGO" ] || { [ -x "$HOME/.cargo/bin/cargo" ] && CARGO=$HOME/.cargo/bin/cargo; }
[ -n "$CARGO" ] || { log "no cargo found (Rust 1.93 or newer is needed: https://rustup.rs)"; exit 1; }

if [ -z "${LATTICE_BASE_URL:-}" ]; then
  JAVA_HOME=$(find_jdk 21) || { log "no JDK 21 or newer found"; exit 1; }
  export JAVA_HOME
  JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
  server_jar_build_if_stale "$JAR"
fi

# bob is a matrix-js-sdk client: js-peer.mjs runs on e2e/js's Node 22 and SDK.
JS="$ROOT/e2e/js"
if [ ! -x "$JS/node_modules/.bin/node" ] || [ "$JS/package-lock.json" -nt "$JS/node_modules/.package-lock.json" ]; then
  log "npm ci in e2e/js"
  (cd "$JS" && npm ci --no-audit --no-fund --prefer-offline >&2)
fi
export LATTICE_E2E_NODE="$JS/node_modules/.bin/node"

export CARGO_TARGET_DIR=${LATTICE_CARGO_TARGET:-$HOME/.cache/lattice/cargo-target}
log "cargo build (target dir $CARGO_TARGET_DIR; the first build takes minutes)"
started=$(date +%s)
(cd "$HERE" && nice "$CARGO" build --locked --quiet >&2)
log "built in $(( $(date +%s) - started )) s"
BIN="$CARGO_TARGET_DIR/debug/lattice-e2e-rust"

source "$ROOT/.ci/lib/test-server.sh"
if [ -z "${LATTICE_BASE_URL:-}" ]; then
  test_server_start_temp "$JAR" lattice-e2e-rust "$HERE/lattice-e2e.log"
  export LATTICE_BASE_URL=$TEST_SERVER_URL
fi

export LATTICE_E2E_SYNC_LOG=${LATTICE_E2E_SYNC_LOG-$HERE/sliding-sync.jsonl}
[ -z "$LATTICE_E2E_SYNC_LOG" ] || log "recording the sliding sync requests and responses in $LATTICE_E2E_SYNC_LOG"
set +e
"$BIN"
rc=$?
set -e
exit "$rc"
