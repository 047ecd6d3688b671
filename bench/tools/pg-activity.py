"""Samples what a PostgreSQL server's client backends are doing, for finding where a request's time goes.

Every few milliseconds it reads pg_stat_activity and writes one tab-separated line per non-idle backend:
time, state, wait event, the statement (whitespace folded, 300 characters). A backend "idle in transaction"
waiting on ClientRead is waiting for its client between two statements of an open transaction.

    python pg-activity.py OUT.tsv PORT [USER PASSWORD DATABASE]

Needs psycopg2 (the federation suite's virtualenv has it: e2e/federation/.venv/bin/python). Summarise with
    cut -f2,4 OUT.tsv | sed -E 's/\\$[0-9]+/?/g' | cut -c1-150 | sort | uniq -c | sort -rn | head -25
"""

import sys
import time

import psycopg2

INTERVAL_S = 0.005


def main():
    out_path, port = sys.argv[1], int(sys.argv[2])
    # the all-in-one's embedded database, unless given
    user, password, database = sys.argv[3:6] if len(sys.argv) >= 6 else ("lattice", "lattice", "lattice")
    conn = psycopg2.connect(host="127.0.0.1", port=port, user=user, password=password, dbname=database)
    conn.autocommit = True
    cursor = conn.cursor()
    with open(out_path, "w") as out:
        while True:
            try:
                cursor.execute(
                    "SELECT state, coalesce(wait_event_type, '') || ':' || coalesce(wait_event, ''), left(query, 300)"
                    " FROM pg_stat_activity WHERE state <> 'idle' AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend'")
            except psycopg2.Error:
                return  # the server went away: the run is over
            now = time.time()
            stamp = time.strftime("%H:%M:%S", time.localtime(now)) + ("%.3f" % (now % 1))[1:]
            for state, wait, query in cursor.fetchall():
                out.write(f"{stamp}\t{state}\t{wait}\t{' '.join(query.split())}\n")
            out.flush()
            time.sleep(INTERVAL_S)


if __name__ == "__main__":
    main()
