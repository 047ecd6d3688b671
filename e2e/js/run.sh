#!/usr/bin/env bash
# End-to-end tests of Lattice with the real matrix-js-sdk (see e2e/js/README.md).
#   bash e2e/js/run.sh [node --test ARGS / test files]
# Builds the all-in-one jar if missing, starts it in a temp dir with free ports, runs the tests against it,
# and stops it (and its embedded PostgreSQL) at exit. Exit code = the tests' exit code.
#   LATTICE_E2E_ROOMS=1   also run test/rooms.test.mjs (needs the room endpoints)
#   LATTICE_BASE_URL=…    skip starting a server and test that one instead
#   LATTICE_E2E_KEEP=1    keep the server's temp dir (logs, data) after the run; the log is always copied to
#                         e2e/js/lattice-e2e.log
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
source .ci/lib/jdk.sh

log() { echo "e2e: $*" >&2; }

if [ -z "${LATTICE_BASE_URL:-}" ]; then
  JAVA_HOME=$(find_jdk 21) || { log "no JDK 21 or newer found"; exit 1; }
  export JAVA_HOME
  JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
  if [ ! -f "$JAR" ]; then
    log "building $JAR (first run takes a few minutes)…"
    PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests install >&2
  fi
fi

cd "$HERE"
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --prefer-offline >&2
fi
NODE="$HERE/node_modules/.bin/node"

free_port() { "$NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

SERVER_PID=""
WORK=""
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "lattice did not stop within 30 s; killing it and its children"
      pkill -KILL -P "$SERVER_PID" 2>/dev/null || true
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # the embedded PostgreSQL is the server's child; if it outlived the server, stop it by its own pid file
  if [ -n "$WORK" ] && [ -f "$WORK/data/postgres/postmaster.pid" ]; then
    local pg; pg=$(head -1 "$WORK/data/postgres/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null; then
      log "stopping leftover embedded PostgreSQL (pid $pg)"
      kill -TERM "$pg" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pg" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pg" 2>/dev/null || true
    fi
  fi
  if [ -n "$WORK" ]; then
    # kept quietly beside the tests (ignored by git): the tests' summary stays the last lines of the output
    [ -f "$WORK/lattice.log" ] && cp "$WORK/lattice.log" "$HERE/lattice-e2e.log" 2>/dev/null || true
    if [ -n "${LATTICE_E2E_KEEP:-}" ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${LATTICE_BASE_URL:-}" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/lattice-e2e.XXXXXX")
  CLIENT_PORT=$(free_port); FEDERATION_PORT=$(free_port); METRICS_PORT=$(free_port)
  export LATTICE_BASE_URL="http://127.0.0.1:$CLIENT_PORT"
  log "starting lattice in $WORK on $LATTICE_BASE_URL"
  (
    cd "$WORK"
    export LATTICE_CLIENT_PORT=$CLIENT_PORT LATTICE_CLIENT_BINDADDRESS=127.0.0.1 \
      LATTICE_FEDERATION_PORT=$FEDERATION_PORT LATTICE_FEDERATION_BINDADDRESS=127.0.0.1 \
      LATTICE_METRICS_PORT=$METRICS_PORT
    # a test server: cheap password hashes and no per-IP throttling of logins and registrations
    export LATTICE_CLIENTAPI_BCRYPTCOST=4 \
      LATTICE_CLIENTAPI_RATELIMITS_LOGIN_PERSECOND=1000 LATTICE_CLIENTAPI_RATELIMITS_LOGIN_BURST=1000 \
      LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_PERSECOND=1000 LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_BURST=1000
    # shellcheck disable=SC2086
    exec "$JAVA_HOME/bin/java" ${LATTICE_JAVA_OPTS:--Xmx1g} --enable-native-access=ALL-UNNAMED -jar "$JAR" run
  ) >"$WORK/lattice.log" 2>&1 &
  SERVER_PID=$!
  started=$(date +%s)
  answers() { # no curl on a bare CI machine: ask with Node's fetch
    "$NODE" -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' \
      "$LATTICE_BASE_URL/_matrix/client/versions"
  }
  until answers; do
    kill -0 "$SERVER_PID" 2>/dev/null || { log "lattice exited before answering:"; tail -n 40 "$WORK/lattice.log" >&2; exit 1; }
    [ $(( $(date +%s) - started )) -lt "${LATTICE_E2E_START_TIMEOUT:-300}" ] || {
      log "lattice did not answer /versions within ${LATTICE_E2E_START_TIMEOUT:-300} s"; tail -n 40 "$WORK/lattice.log" >&2; exit 1; }
    sleep 0.2
  done
  log "lattice answered /versions after $(( $(date +%s) - started )) s"
fi

if [ "$#" -gt 0 ]; then
  ARGS=("$@")
else
  ARGS=(test/accounts.test.mjs)
  if [ "${LATTICE_E2E_ROOMS:-}" = 1 ]; then ARGS+=(test/rooms.test.mjs); fi
fi
set +e
"$NODE" --test --test-force-exit --test-concurrency=1 --test-timeout="${LATTICE_E2E_TEST_TIMEOUT:-120000}" "${ARGS[@]}"
rc=$?
set -e
exit "$rc"
