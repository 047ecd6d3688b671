#!/usr/bin/env bash
# Media benchmark of issue #13 (see bench/load/README.md): a fresh all-in-one, then `lattice-load.jar media`:
# upload and download throughput of 10 MB files with 16 clients, thumbnails per second of 4000 × 3000 JPEGs, and
# the server's heap during a large upload. Prints the tool's JSON line.
#   LATTICE_MEDIA_FILES (64)  LATTICE_MEDIA_PHOTOS (20)  LATTICE_MEDIA_BIG_MB (500)
#   LATTICE_LOAD_SKIP_BUILD=1  use the jars already built;  LATTICE_JAVA_OPTS  the server's JVM options
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BIG_MB=${LATTICE_MEDIA_BIG_MB:-500}
# The large upload must fit the limit; one user uploads everything, so the per-user upload rate is lifted.
export LATTICE_MEDIA_MAXUPLOADSIZE="$(( BIG_MB + 10 ))MB"
export LATTICE_MEDIA_UPLOADRATE_PERSECOND=100000 LATTICE_MEDIA_UPLOADRATE_BURST=100000
bench_server media
"$JAVA_HOME/bin/java" -Xmx1g -jar "$HERE/target/lattice-load.jar" media \
  --base-url "$TEST_SERVER_URL" --shared-secret "$SECRET" --metrics-url "$TEST_SERVER_METRICS_URL" \
  --files "${LATTICE_MEDIA_FILES:-64}" --photos "${LATTICE_MEDIA_PHOTOS:-20}" --big-mb "$BIG_MB"
