# A throwaway Dendrite, the second reference of issue #16's comparison (bench/compare/run.sh): the pinned
# github.com/matrix-org/dendrite from the Go module proxy, built once into ~/.cache/lattice/dendrite-VERSION (needs
# Go and a C compiler: it links go-sqlite3), on loopback with its own PostgreSQL. Source bench/load/synapse.sh
# first: its PostgreSQL (synapse_postgres_start), free ports and /versions check are used here too.
#
#   source bench/load/synapse.sh; source bench/load/dendrite.sh
#   dendrite_start DIR    initdb + PostgreSQL on a free port, a database `dendrite`, the configuration Dendrite's own
#                         generate-config writes, changed for a benchmark (below), a signing key, then Dendrite on
#                         one plain-HTTP port on 127.0.0.1; waits until GET /_matrix/client/versions answers 200.
#                         Sets DENDRITE_URL, DENDRITE_SECRET (registration_shared_secret), DENDRITE_PID,
#                         DENDRITE_PG_PID (the postmaster), DENDRITE_DIR.
#   dendrite_stop [LOGCOPY]   SIGTERM (SIGKILL after 30 s), then its PostgreSQL; copies its log. Safe to call twice.
#
# The changes to the generated configuration: client-api rate limiting off, registration only by shared secret,
# bcrypt cost 4 (as Lattice's test server), no server-notices room, federation off, and the PostgreSQL pool kept
# open (max_idle_conns raised to max_open_conns: with the generated 2, Dendrite reopens connections under load).

DENDRITE_VERSION=v0.13.8
DENDRITE_BIN="$HOME/.cache/lattice/dendrite-$DENDRITE_VERSION/bin"
DENDRITE_PID=""
DENDRITE_PG_PID=""
DENDRITE_DIR=""
DENDRITE_URL=""
DENDRITE_SECRET=""

dendrite_log() { echo "dendrite: $*" >&2; }

dendrite_install() {
  [ -x "$DENDRITE_BIN/dendrite" ] && [ -x "$DENDRITE_BIN/generate-config" ] && [ -x "$DENDRITE_BIN/generate-keys" ] \
    && return 0
  command -v go >/dev/null || { dendrite_log "Go is needed to build Dendrite"; return 1; }
  dendrite_log "building Dendrite $DENDRITE_VERSION from the Go module proxy into $DENDRITE_BIN (a few minutes, once)"
  mkdir -p "$DENDRITE_BIN"
  (cd / && GOBIN="$DENDRITE_BIN" go install \
    "github.com/matrix-org/dendrite/cmd/dendrite@$DENDRITE_VERSION" \
    "github.com/matrix-org/dendrite/cmd/generate-config@$DENDRITE_VERSION" \
    "github.com/matrix-org/dendrite/cmd/generate-keys@$DENDRITE_VERSION") >&2
}

dendrite_start() {
  local dir=$1 pg_port client_port started
  DENDRITE_DIR=$dir
  mkdir -p "$dir"
  dendrite_install
  synapse_install # its Python (with PyYAML and psycopg2) edits the configuration and creates the database

  synapse_postgres_start "$dir" dendrite || return 1
  pg_port=$SYNAPSE_PG_PORT
  DENDRITE_PG_PID=$SYNAPSE_PG_PID
  SYNAPSE_PG_PID="" # Dendrite's: synapse_stop must not stop it

  client_port=$(synapse_free_port)
  DENDRITE_URL="http://127.0.0.1:$client_port"
  DENDRITE_SECRET=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  "$DENDRITE_BIN/generate-config" -dir "$dir" -server dendrite.bench \
    -db "postgres://postgres@127.0.0.1:$pg_port/dendrite?sslmode=disable" >"$dir/generated.yaml"
  "$SYNAPSE_PYTHON" - "$dir" "$DENDRITE_SECRET" <<'PY'
import os, sys, yaml
home, secret = sys.argv[1], sys.argv[2]
with open(os.path.join(home, "generated.yaml")) as f:
    config = yaml.safe_load(f)
database = config["global"]["database"]
database["max_open_conns"] = 90  # as generated; PostgreSQL allows 100
database["max_idle_conns"] = 90
config["global"]["private_key"] = os.path.join(home, "matrix_key.pem")
config["global"]["disable_federation"] = True
config["global"]["server_notices"]["enabled"] = False
config["client_api"]["registration_shared_secret"] = secret
config["client_api"]["registration_disabled"] = True
config["client_api"]["rate_limiting"]["enabled"] = False
config["user_api"]["bcrypt_cost"] = 4
config["logging"] = [{"type": "file", "level": "info", "params": {"path": os.path.join(home, "log")}}]
with open(os.path.join(home, "dendrite.yaml"), "w") as f:
    yaml.safe_dump(config, f)
PY
  "$DENDRITE_BIN/generate-keys" -private-key "$dir/matrix_key.pem" >/dev/null
  dendrite_log "starting Dendrite $DENDRITE_VERSION in $dir on $DENDRITE_URL (PostgreSQL on port $pg_port)"
  (cd "$dir" && exec "$DENDRITE_BIN/dendrite" -config dendrite.yaml -http-bind-address "127.0.0.1:$client_port" \
    -https-bind-address "") >"$dir/stdout.log" 2>&1 &
  DENDRITE_PID=$!
  started=$(date +%s)
  until synapse_answers "$client_port"; do
    if ! kill -0 "$DENDRITE_PID" 2>/dev/null; then
      dendrite_log "Dendrite exited before answering:"; tail -n 40 "$dir/stdout.log" >&2; return 1
    fi
    if [ $(( $(date +%s) - started )) -ge 180 ]; then
      dendrite_log "Dendrite did not answer /versions within 180 s"; tail -n 40 "$dir/stdout.log" >&2; return 1
    fi
    sleep 0.2
  done
  dendrite_log "Dendrite (pid $DENDRITE_PID) answered /versions after $(( $(date +%s) - started )) s"
}

dendrite_stop() {
  local log_copy=${1:-}
  if [ -n "$DENDRITE_PID" ] && kill -0 "$DENDRITE_PID" 2>/dev/null; then
    kill -TERM "$DENDRITE_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$DENDRITE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DENDRITE_PID" 2>/dev/null || true
    wait "$DENDRITE_PID" 2>/dev/null || true
  fi
  DENDRITE_PID=""
  if [ -n "$DENDRITE_PG_PID" ] && kill -0 "$DENDRITE_PG_PID" 2>/dev/null; then
    kill -INT "$DENDRITE_PG_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DENDRITE_PG_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DENDRITE_PG_PID" 2>/dev/null || true
  fi
  DENDRITE_PG_PID=""
  if [ -n "$log_copy" ] && [ -n "$DENDRITE_DIR" ] && [ -f "$DENDRITE_DIR/log/dendrite.log" ]; then
    mkdir -p "$(dirname "$log_copy")" && cp "$DENDRITE_DIR/log/dendrite.log" "$log_copy" 2>/dev/null || true
  fi
}
