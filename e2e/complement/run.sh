#!/usr/bin/env bash
# Runs Complement (github.com/matrix-org/complement, the Matrix homeserver black-box suite) against Lattice,
# without Docker: Complement's test packages run with their main_test.go replaced (go test -overlay) by one that
# deploys Lattice all-in-one processes through ./deployer. See README.md.
#   run.sh passlist                 the tests in passing.txt; exits 1 if any of them does not pass
#   run.sh all [PACKAGE…]           every package (or those named, e.g. tests/csapi); prints pass/fail/skip per
#                                   package, writes a report; exits 0
#   run.sh test PACKAGE [REGEX]     one package (e.g. tests/csapi), optionally only tests matching REGEX
#   run.sh selftest                 the deployer's own tests, including one that stops and restarts a server
# Environment:
#   COMPLEMENT_SRC=DIR              use this Complement checkout instead of the pinned module version
#   LATTICE_COMPLEMENT_WORKDIR=DIR  work directory (default e2e/complement/.work): extracted jar, server data and
#                                   logs (servers/<namespace>/hsN/lattice.log), results/
#   LATTICE_COMPLEMENT_JAVA_OPTS    JVM options of each server (default: 512 MB heap, class-data-sharing archive)
#   COMPLEMENT_DEBUG=1              Complement's verbose request/response logging
#   LATTICE_COMPLEMENT_ALL_BUDGET=S `all` starts no package after S seconds and gives each only what is left
#   LATTICE_COMPLEMENT_OPTIONAL=1   if Complement cannot be fetched, say so and exit 0 instead of 3
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# The Complement version the pass list was made with (its commit 50044edb68c3, 2026-07-01). Move it forward
# deliberately: run `run.sh all`, then update passing.txt in the same change.
COMPLEMENT_MODULE=github.com/matrix-org/complement
COMPLEMENT_VERSION=v0.0.0-20260701165844-50044edb68c3

log() { echo "complement: $*" >&2; }
usage() { sed -n '5,10p' "$0" | sed 's/^# //' >&2; exit 2; }

MODE=${1:-}
case "$MODE" in
  passlist|selftest) [ "$#" -eq 1 ] || usage;;
  all) ;;
  test) [ "$#" -ge 2 ] && [ "$#" -le 3 ] || usage;;
  *) usage;;
esac

cd "$ROOT"
source .ci/lib/jdk.sh
JAVA_HOME=$(find_jdk 21) || { log "no JDK 21 or newer found"; exit 1; }
export JAVA_HOME
command -v go >/dev/null || { log "Go is not installed"; exit 1; }

WORK=${LATTICE_COMPLEMENT_WORKDIR:-$HERE/.work}
mkdir -p "$WORK/results" "$WORK/overlay" "$WORK/servers"
WORK=$(cd "$WORK" && pwd)

# --- the server: the all-in-one jar, extracted, with a class-data-sharing archive per server (as ./lattice run)
JAR="$ROOT/deploy/all-in-one/target/lattice.jar"
if [ ! -f "$JAR" ]; then
  log "building $JAR (first run takes a few minutes)…"
  PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests package >&2
fi
RUN_JAR="$WORK/jar/lattice.jar"
if [ ! -f "$WORK/jar/.extracted" ] || [ "$JAR" -nt "$WORK/jar/.extracted" ]; then
  rm -rf "$WORK/jar"
  "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/jar" >/dev/null
  touch "$WORK/jar/.extracted"
fi

# --- Complement's source: the pinned module through the Go module proxy, or a checkout
cd "$HERE"
if [ -n "${COMPLEMENT_SRC:-}" ]; then
  COMPLEMENT_DIR=$(cd "$COMPLEMENT_SRC" && pwd)
  cat >"$WORK/go.work" <<EOF
go $(sed -n 's/^go //p' go.mod)

use $HERE

replace $COMPLEMENT_MODULE $COMPLEMENT_VERSION => $COMPLEMENT_DIR
EOF
  export GOWORK="$WORK/go.work"
  log "using the Complement checkout $COMPLEMENT_DIR"
else
  # -mod=mod: go.sum cannot hold Complement's own checksum until the proxy serves it; go adds it, checked
  # against the checksum database
  export GOWORK=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
  if ! go mod download "$COMPLEMENT_MODULE@$COMPLEMENT_VERSION" >&2; then
    log "cannot fetch $COMPLEMENT_MODULE@$COMPLEMENT_VERSION from the Go module proxy;"
    log "set COMPLEMENT_SRC to a Complement checkout to run without it"
    if [ "${LATTICE_COMPLEMENT_OPTIONAL:-}" = 1 ]; then
      log "NOT RUN: Complement is unavailable here (LATTICE_COMPLEMENT_OPTIONAL=1)"
      exit 0
    fi
    exit 3
  fi
  COMPLEMENT_DIR=$(go list -m -f '{{.Dir}}' "$COMPLEMENT_MODULE")
fi
go build -o "$WORK/bin/" ./cmd/report ./cmd/dockeronly

# --- packages: every directory of tests/ with a main_test.go, its main_test.go swapped for ours
ALL_PACKAGES=()
OVERLAY="{\"Replace\":{"
sep=""
# tests/csapi and the MSC packages first: the federation package (tests) is the slowest and fails most today
for main in "$COMPLEMENT_DIR"/tests/*/main_test.go "$COMPLEMENT_DIR"/tests/main_test.go; do
  dir=$(dirname "$main")
  pkg=${dir#"$COMPLEMENT_DIR"/}
  name=$(sed -n 's/^package \([A-Za-z0-9_]*\).*/\1/p' "$main" | head -1)
  namespace=$(sed -n 's/.*complement\.TestMain(m, "\([^"]*\)".*/\1/p' "$main" | head -1)
  [ -n "$name" ] && [ -n "$namespace" ] || { log "cannot read the package and namespace of $main"; exit 1; }
  replacement="$WORK/overlay/${namespace}_main_test.go"
  sed -e "s|@PACKAGE_PATH@|$pkg|; s|@PACKAGE_NAME@|$name|; s|@NAMESPACE@|$namespace|" \
    "$HERE/main_test.go.tmpl" >"$replacement"
  OVERLAY+="$sep\"$main\":\"$replacement\""
  sep=","
  ALL_PACKAGES+=("$pkg")
done
OVERLAY+="}}"
echo "$OVERLAY" >"$WORK/overlay.json"

# tests that call complement.OldDeploy build Docker images: they are listed as skipped, never run
DOCKER_ONLY="$WORK/results/docker-only.txt"
: >"$DOCKER_ONLY"
for pkg in "${ALL_PACKAGES[@]}"; do
  "$WORK/bin/dockeronly" "$COMPLEMENT_DIR/$pkg" | while read -r test; do
    echo "$pkg $test needs Docker: calls complement.OldDeploy (blueprint images)" >>"$DOCKER_ONLY"
  done
done

# --- running
export LATTICE_COMPLEMENT_JAR="$RUN_JAR" LATTICE_COMPLEMENT_JAVA="$JAVA_HOME/bin/java" \
  LATTICE_COMPLEMENT_WORKDIR="$WORK/servers"
# {hs}: the deployer puts the server's name there, so each server has its own archive
DEFAULT_JAVA_OPTS="-Xmx512m -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$WORK/jar/{hs}.jsa -Xlog:cds=off"
DEFAULT_JAVA_OPTS+=" -Xlog:cds+dynamic=off"
export LATTICE_COMPLEMENT_JAVA_OPTS="${LATTICE_COMPLEMENT_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"

# servers of a test binary that died without its cleanup (a panic, -timeout) must not hold 127.0.0.N:8008
sweep() {
  local pidfile pid
  for pidfile in "$WORK"/servers/*/hs*/lattice.pid "$WORK"/servers/*/hs*/data/postgres/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(head -1 "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      log "killing leftover process group $pid ($pidfile)"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
trap sweep EXIT
sweep

regex() { # ^(A|B)$ of the given names
  local IFS="|"
  echo "^($*)\$"
}

# run_package PACKAGE RUN_REGEX TIMEOUT: appends go test -json output to $JSON; packages run one after another
# because every package's hs1 listens on the same 127.0.0.2:8008
run_package() {
  local pkg=$1 run=$2 timeout=$3 skip
  mapfile -t skip < <(awk -v p="$pkg" '$1 == p { print $2 }' "$DOCKER_ONLY")
  local args=(-json -count=1 -timeout "$timeout" -overlay "$WORK/overlay.json")
  [ -n "$run" ] && args+=(-run "$run")
  [ "${#skip[@]}" -gt 0 ] && args+=(-skip "$(regex "${skip[@]}")")
  log "running $pkg${run:+ -run $run}"
  local started=$SECONDS
  go test "${args[@]}" "$COMPLEMENT_MODULE/$pkg" >>"$JSON" 2>>"$WORK/results/go-test.stderr" || true
  log "$pkg took $((SECONDS - started)) s"
  sweep
}

JSON="$WORK/results/$MODE.json"
: >"$JSON"
: >"$WORK/results/go-test.stderr"
REPORT="$WORK/results/$MODE-report.txt"
started=$SECONDS
case "$MODE" in
  passlist)
    mapfile -t PACKAGES < <(grep -v '^\s*#' "$HERE/passing.txt" | awk 'NF { print $1 }' | sort -u)
    for pkg in "${PACKAGES[@]}"; do
      mapfile -t tests < <(awk -v p="$pkg" '$1 == p { print $2 }' "$HERE/passing.txt")
      run_package "$pkg" "$(regex "${tests[@]}")" 15m
    done
    log "pass list ran in $((SECONDS - started)) s; report: $REPORT"
    "$WORK/bin/report" -json "$JSON" -expect "$HERE/passing.txt" -out "$REPORT"
    ;;
  all)
    shift
    [ "$#" -gt 0 ] && ALL_PACKAGES=("$@")
    budget=${LATTICE_COMPLEMENT_ALL_BUDGET:-}
    for pkg in "${ALL_PACKAGES[@]}"; do
      timeout=3600
      if [ -n "$budget" ]; then
        timeout=$((budget - (SECONDS - started)))
        if [ "$timeout" -lt 120 ]; then
          log "time budget of $budget s spent: $pkg and the packages after it not run"
          break
        fi
      fi
      run_package "$pkg" "" "${timeout}s"
    done
    "$WORK/bin/report" -json "$JSON" -skipped "$DOCKER_ONLY" -out "$REPORT" || true
    log "all packages ran in $((SECONDS - started)) s; report: $REPORT (passing tests: grep ^PASS)"
    ;;
  selftest)
    go test -count=1 -v ./... 2>&1 | tee "$WORK/results/selftest.log" | grep -E '^(=== RUN|--- |ok|FAIL|PASS)'
    ;;
  test)
    run_package "$2" "${3:-}" 30m
    "$WORK/bin/report" -print-output -json "$JSON" -out "$REPORT" || true
    log "report: $REPORT; go test -json output: $JSON; server logs under $WORK/servers"
    ;;
esac
