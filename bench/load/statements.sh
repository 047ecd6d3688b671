#!/usr/bin/env bash
# Statements per message (issue #16: a message costs what its statements cost). A fresh all-in-one whose embedded
# PostgreSQL is restarted with pg_stat_statements loaded; the load tool sends at a fixed open-loop rate (users and
# rooms as bench/load/run.sh), and the statement counts of the sending window (from the first message to the end of
# the drain) are divided by the messages sent. Prints the total, then the statements by calls per message, each with
# its mean time in PostgreSQL and the length of its text (the driver tokenizes every statement's text client-side).
#   LATTICE_STATEMENTS_RATE (15) msg/s   LATTICE_LOAD_DURATION (40s)   LATTICE_STATEMENTS_TOP (40) lines
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
# Needs psql (Debian: postgresql-client) besides what bench/load/run.sh needs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v psql >/dev/null || { echo "statements: needs psql (apt-get install postgresql-client)" >&2; exit 1; }
bench_server statements
# Restarted with the extension's library loaded (it can only be loaded at start).
test_server_stop /dev/null
conf="$BENCH_WORK/data/postgres/postgresql.conf"
printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n" >> "$conf"
test_server_start "$ROOT/deploy/all-in-one/target/lattice.jar" "$BENCH_WORK"
port=$(sed -n 4p "$BENCH_WORK/data/postgres/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$BENCH_WORK/data/postgres/lattice-superuser.secret")
sql() { psql -h 127.0.0.1 -p "$port" -U postgres -d lattice -At -F'|' -c "$1"; }
sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null

"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" --base-url "$TEST_SERVER_URL" \
  --shared-secret "$SECRET" --users "${LATTICE_LOAD_USERS:-200}" --rooms "${LATTICE_LOAD_ROOMS:-100}" \
  --warmup 5s --duration "${LATTICE_LOAD_DURATION:-40s}" --rate "${LATTICE_STATEMENTS_RATE:-15}" \
  --json "$BENCH_WORK/rate.json" > "$BENCH_WORK/tool.log" 2>&1 &
tool=$!
# The users and rooms are set up first; only the sending window is counted.
until grep -q "sending open loop" "$BENCH_WORK/tool.log"; do
  kill -0 "$tool" 2>/dev/null || { cat "$BENCH_WORK/tool.log" >&2; exit 1; }
  sleep 0.2
done
sql "SELECT pg_stat_statements_reset()" >/dev/null
wait "$tool" || { cat "$BENCH_WORK/tool.log" >&2; exit 1; }
sleep 2 # the last statements of the drain
sent=$(sed -nE 's/.*"sent":([0-9]+).*/\1/p' "$BENCH_WORK/rate.json")
echo "statements: $sent messages sent at ${LATTICE_STATEMENTS_RATE:-15} msg/s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
sql "SELECT calls, round(mean_exec_time::numeric, 3), length(query), regexp_replace(left(query, 110), '\\s+', ' ', 'g')
     FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'lattice')
     ORDER BY calls DESC" \
  | awk -F'|' -v n="$sent" -v top="${LATTICE_STATEMENTS_TOP:-40}" '
      { calls += $1; line[NR] = sprintf("%7.2f %8.3f %6d  %s", $1 / n, $2, $3, $4) }
      END {
        printf "per message: %.1f statements\n", calls / n
        printf "%7s %8s %6s  %s\n", "per msg", "mean ms", "chars", "statement (the text the driver sent, normalized)"
        for (i = 1; i <= NR && i <= top; i++) print line[i]
      }'
