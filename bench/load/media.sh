#!/usr/bin/env bash
# Media benchmark of issue #13 (see bench/load/README.md): a fresh all-in-one, then `lattice-load.jar media` against
# it; then a fresh Synapse (bench/load/synapse.sh, the federation suite's pinned version, on its own PostgreSQL) and
# the same tool with the same parameters against that. One server at a time, the other stopped. Measures upload and
# download throughput of 10 MB files with 16 clients, thumbnails per second of 4000 × 3000 JPEGs, and the memory of
# each server's process tree (and Lattice's heap) during a large upload. Prints each server's JSON line, a table
# with the ratios, and last one JSON line holding both.
#   LATTICE_MEDIA_FILES (64)  LATTICE_MEDIA_PHOTOS (20)  LATTICE_MEDIA_BIG_MB (500)
#   LATTICE_MEDIA_SYNAPSE=0   Lattice alone
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$HERE/synapse.sh"
BIG_MB=${LATTICE_MEDIA_BIG_MB:-500}
ARGS=(--files "${LATTICE_MEDIA_FILES:-64}" --photos "${LATTICE_MEDIA_PHOTOS:-20}" --big-mb "$BIG_MB")
# The large upload must fit the limit; one user uploads everything, so the per-user upload rate is lifted.
export LATTICE_MEDIA_MAXUPLOADSIZE="$(( BIG_MB + 10 ))MB"
export LATTICE_MEDIA_UPLOADRATE_PERSECOND=100000 LATTICE_MEDIA_UPLOADRATE_BURST=100000
# Thumbnails made on request only, as Synapse is configured below: pregeneration at upload would make the photo
# uploads pay for thumbnails in the background, and the thumbnail requests find them made.
export LATTICE_MEDIA_THUMBNAILS_PREGENERATE=false
# Synapse: the same upload limit (its M is MiB, as Lattice's MB); thumbnails made on request in the size asked
# (dynamic_thumbnails) and none at upload (thumbnail_sizes empty), which is what Lattice does, so both servers make
# exactly one 320 × 240 scale thumbnail per thumbnail request and none per upload. Synapse's default instead makes
# five sizes during every image upload and serves thumbnail requests from those.
SYNAPSE_MEDIA_CONFIG="{\"max_upload_size\": \"$(( BIG_MB + 10 ))M\", \"dynamic_thumbnails\": true, \"thumbnail_sizes\": []}"

media_tool() { # LABEL, then the tool's options for that server
  local label=$1
  shift
  echo "media: $label: load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, $(date -u '+%F %T') UTC" >&2
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" media --label "$label" "$@" "${ARGS[@]}" \
    | tail -1 | tee "$BENCH_WORK/$label.json"
}

bench_server media
# the embedded PostgreSQL is not a child of the JVM (pg_ctl daemonises it): its postmaster is sampled as a root too
media_tool lattice --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" --metrics-url "$TEST_SERVER_METRICS_URL" \
  --mem-pids "$TEST_SERVER_PID,$(head -1 "$BENCH_WORK/data/postgres/postmaster.pid")"
test_server_stop "$HERE/target/lattice-media-server.log"
[ "${LATTICE_MEDIA_SYNAPSE:-1}" != 0 ] || exit 0

synapse_start "$BENCH_WORK/synapse" "$SYNAPSE_MEDIA_CONFIG"
media_tool synapse --base-url "$SYNAPSE_URL" --shared-secret "$SYNAPSE_SECRET" \
  --mem-pids "$SYNAPSE_PID,$SYNAPSE_PG_PID"
synapse_stop "$HERE/target/synapse-media-server.log"
echo "media: done at $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$SYNAPSE_PYTHON" - "$BENCH_WORK/lattice.json" "$BENCH_WORK/synapse.json" <<'PY'
import json, sys
lattice, synapse = (json.load(open(path)) for path in sys.argv[1:3])
def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "—"
rows = [
    ("upload MB/s, %d × %d MB, %d clients" % (lattice["files"], lattice["file_mb"], lattice["clients"]),
     "upload_mb_per_s"),
    ("download MB/s, same files", "download_mb_per_s"),
    ("photo uploads/s, %d × %.1f MB JPEG" % (lattice["photos"], lattice["photo_mb"]), "photo_uploads_per_s"),
    ("thumbnails/s, 320×240 scale, each one made", "thumbnails_per_s"),
    ("large upload, %d MB, seconds (lower is better)" % lattice["big_upload_mb"], "big_upload_s"),
]
print("| | Lattice | Synapse | Lattice / Synapse |")
print("|---|---|---|---|")
for name, key in rows:
    print(f"| {name} | {lattice[key]} | {synapse[key]} | {ratio(lattice[key], synapse[key])} |")
for name, prefix in [("server process tree RSS, MB", "server_rss"), ("server process tree PSS, MB", "server_pss"),
                     ("its PostgreSQL PSS, MB", "db_pss"), ("server + PostgreSQL PSS, MB", "total_pss")]:
    print(f"| {name}, before → peak during the large upload | {lattice[prefix + '_before_mb']} → "
          f"{lattice[prefix + '_peak_mb']} | {synapse[prefix + '_before_mb']} → {synapse[prefix + '_peak_mb']} | "
          f"{ratio(lattice[prefix + '_peak_mb'], synapse[prefix + '_peak_mb'])} (peaks) |")
print(f"| Lattice's JVM heap in use, MB, before → peak | {lattice['heap_before_mb']:.0f} → "
      f"{lattice['heap_peak_during_big_upload_mb']:.0f} | (no heap) | |")
print("thumbnail sizes answered: Lattice %s, Synapse %s" % (lattice["thumbnail_sizes"], synapse["thumbnail_sizes"]))
print(json.dumps({"lattice": lattice, "synapse": synapse}))
PY
