# A throwaway all-in-one server for the scripts that test or measure one (e2e/js/run.sh, bench/load/run.sh).
# Source it after .ci/lib/jdk.sh, with JAVA_HOME set; it needs only bash and coreutils (a bare CI machine has no curl).
#
#   test_server_start JAR WORKDIR   starts `java -jar JAR run` in WORKDIR on free loopback ports and waits until
#                                   GET /_matrix/client/versions answers 200 (TEST_SERVER_START_TIMEOUT s, 300).
#                                   Sets TEST_SERVER_PID, TEST_SERVER_URL and TEST_SERVER_METRICS_URL. Settings the caller exports
#                                   (LATTICE_*) reach the server. It is a test server: bcrypt cost 4 and client-api's
#                                   per-IP login and registration limits lifted.
#   test_server_stop [LOGCOPY]      SIGTERM (the server stops its embedded PostgreSQL), SIGKILL after 30 s, then
#                                   stops a PostgreSQL that outlived it; copies the server's log to LOGCOPY.
#
#   test_server_start_temp JAR NAME LOGCOPY
#                                   test_server_start in a new temp dir ${TMPDIR:-/tmp}/NAME.XXXXXX, with an EXIT trap
#                                   (INT and TERM exit through it) that stops the server, copies its log to LOGCOPY
#                                   and removes the dir, unless LATTICE_E2E_KEEP is set. Sets TEST_SERVER_WORK too; the
#                                   start timeout is LATTICE_E2E_START_TIMEOUT (300 s). For the end-to-end suites.
#
# The server's log is WORKDIR/lattice.log; LATTICE_JAVA_OPTS replaces its JVM options (default lattice_java_opts,
# .ci/lib/jdk.sh, as ./lattice run).

TEST_SERVER_PID=""
TEST_SERVER_URL=""
TEST_SERVER_DIR=""

test_server_log() { echo "test-server: $*" >&2; }

# A random high port nothing answers on.
test_server_free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

test_server_answers() { # $1 = client port
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /_matrix/client/versions HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    head -1 <&3 | grep -q " 200 "' answers "$1" 2>/dev/null
}

test_server_start() {
  local jar=$1 dir=$2 client_port federation_port metrics_port started
  TEST_SERVER_DIR=$dir
  client_port=$(test_server_free_port)
  # Three different ports: two free ones drawn at random may be the same one.
  until federation_port=$(test_server_free_port); [ "$federation_port" != "$client_port" ]; do :; done
  until metrics_port=$(test_server_free_port); [ "$metrics_port" != "$client_port" ] && [ "$metrics_port" != "$federation_port" ]; do :; done
  TEST_SERVER_URL="http://127.0.0.1:$client_port"
  TEST_SERVER_METRICS_URL="http://127.0.0.1:$metrics_port/metrics"
  test_server_log "starting lattice in $dir on $TEST_SERVER_URL"
  (
    cd "$dir"
    export LATTICE_CLIENT_PORT=$client_port LATTICE_CLIENT_BINDADDRESS=127.0.0.1 \
      LATTICE_FEDERATION_PORT=$federation_port LATTICE_FEDERATION_BINDADDRESS=127.0.0.1 \
      LATTICE_METRICS_PORT=$metrics_port
    export LATTICE_CLIENTAPI_BCRYPTCOST=4 \
      LATTICE_CLIENTAPI_RATELIMITS_LOGIN_PERSECOND=100000 LATTICE_CLIENTAPI_RATELIMITS_LOGIN_BURST=100000 \
      LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_PERSECOND=100000 LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_BURST=100000
    # shellcheck disable=SC2086
    exec "$JAVA_HOME/bin/java" ${LATTICE_JAVA_OPTS:-$(lattice_java_opts "$JAVA_HOME")} --enable-native-access=ALL-UNNAMED \
      -jar "$jar" run
  ) >"$dir/lattice.log" 2>&1 &
  TEST_SERVER_PID=$!
  started=$(date +%s)
  until test_server_answers "$client_port"; do
    if ! kill -0 "$TEST_SERVER_PID" 2>/dev/null; then
      test_server_log "lattice exited before answering:"; tail -n 40 "$dir/lattice.log" >&2; return 1
    fi
    if [ $(( $(date +%s) - started )) -ge "${TEST_SERVER_START_TIMEOUT:-300}" ]; then
      test_server_log "lattice did not answer /versions within ${TEST_SERVER_START_TIMEOUT:-300} s"
      tail -n 40 "$dir/lattice.log" >&2; return 1
    fi
    sleep 0.2
  done
  test_server_log "lattice (pid $TEST_SERVER_PID) answered /versions after $(( $(date +%s) - started )) s"
}

test_server_stop() {
  local log_copy=${1:-} pg
  if [ -n "$TEST_SERVER_PID" ] && kill -0 "$TEST_SERVER_PID" 2>/dev/null; then
    kill -TERM "$TEST_SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$TEST_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$TEST_SERVER_PID" 2>/dev/null; then
      test_server_log "lattice did not stop within 30 s; killing it and its children"
      pkill -KILL -P "$TEST_SERVER_PID" 2>/dev/null || true
      kill -KILL "$TEST_SERVER_PID" 2>/dev/null || true
    fi
    wait "$TEST_SERVER_PID" 2>/dev/null || true
  fi
  TEST_SERVER_PID=""
  [ -n "$TEST_SERVER_DIR" ] || return 0
  if [ -f "$TEST_SERVER_DIR/data/postgres/postmaster.pid" ]; then
    pg=$(head -1 "$TEST_SERVER_DIR/data/postgres/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null; then
      test_server_log "stopping leftover embedded PostgreSQL (pid $pg)"
      kill -TERM "$pg" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pg" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pg" 2>/dev/null || true
    fi
  fi
  if [ -n "$log_copy" ] && [ -f "$TEST_SERVER_DIR/lattice.log" ]; then
    mkdir -p "$(dirname "$log_copy")" && cp "$TEST_SERVER_DIR/lattice.log" "$log_copy" 2>/dev/null || true
  fi
}

TEST_SERVER_WORK=""
TEST_SERVER_LOGCOPY=""

test_server_start_temp() {
  local jar=$1 name=$2
  TEST_SERVER_LOGCOPY=$3
  TEST_SERVER_WORK=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
  trap test_server_temp_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  TEST_SERVER_START_TIMEOUT=${LATTICE_E2E_START_TIMEOUT:-300} test_server_start "$jar" "$TEST_SERVER_WORK"
}

test_server_temp_cleanup() {
  local rc=$?
  # the log is kept quietly beside the tests (ignored by git): the tests' summary stays the last lines of the output
  test_server_stop "$TEST_SERVER_LOGCOPY"
  if [ -n "$TEST_SERVER_WORK" ]; then
    if [ -n "${LATTICE_E2E_KEEP:-}" ]; then test_server_log "kept $TEST_SERVER_WORK"; else rm -rf "$TEST_SERVER_WORK"; fi
  fi
  exit "$rc"
}
