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
