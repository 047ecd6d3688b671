# find_jdk MIN — print the home of a JDK whose feature version is at least MIN:
# JAVA_HOME if it qualifies, else the `java` on the PATH, else the newest under /usr/lib/jvm.
jdk_version() { # $1 = path to a java binary; prints the feature version (17, 21, 25…)
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
find_jdk() {
  local min=$1 candidate version best="" best_version=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version=$(jdk_version "$JAVA_HOME/bin/java"); [ "${version:-0}" -ge "$min" ] && { echo "$JAVA_HOME"; return 0; }
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    version=$(jdk_version "$candidate/bin/java"); [ "${version:-0}" -ge "$min" ] && { echo "$candidate"; return 0; }
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$(jdk_version "$candidate/bin/java")
    [ "${version:-0}" -gt "$best_version" ] && { best=$candidate; best_version=$version; }
  done
  [ "$best_version" -ge "$min" ] && { echo "$best"; return 0; }
  return 1
}

# lattice_java_opts JAVA_HOME — the all-in-one server's default JVM options for that JDK (LATTICE_JAVA_OPTS replaces
# them). A 1 GB heap at most, given back to the system when idle: G1 keeps the heap 10–30 % above what is live after
# a collection, and a periodic collection after 15 s of quiet makes that happen at rest; native memory freed by malloc
# is trimmed every 5 s (every 30 s left 20-40 MB more resident between trims at rest: bench/RESULTS.md). On JDK 25, compact object headers (8 bytes an object less). Together about 150 MB less at
# rest than -Xmx1g alone, at the same throughput (bench/RESULTS.md, memory at rest); a tighter 5–20 % cost a fifth of
# the throughput (more collections under load).
lattice_java_opts() {
  local opts="-Xmx1g -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -XX:G1PeriodicGCInterval=15000"
  opts="$opts -XX:TrimNativeHeapInterval=5000"
  [ "$(jdk_version "$1/bin/java")" -ge 25 ] && opts="$opts -XX:+UseCompactObjectHeaders"
  echo "$opts"
}
