# server_jar_stale JAR — true when JAR is missing or any source (Java, a POM, a main resource) under the current
# directory is newer than it, so that scripts never run or test a stale server. Source from the repository root.
server_jar_stale() {
  local jar=$1
  [ -f "$jar" ] || return 0
  [ -n "$(find . \( -path ./data -o -path ./.git -o -name node_modules -o -name target \) -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}

# server_jar_build_if_stale JAR — builds and installs the project (with JAVA_HOME's JDK, tests skipped) when
# server_jar_stale JAR, so the end-to-end scripts test the current sources. Source from the repository root.
server_jar_build_if_stale() {
  local jar=$1
  if server_jar_stale "$jar"; then
    echo "building $jar (missing, or older than the sources)…" >&2
    PATH="$JAVA_HOME/bin:$PATH" ./mvnw -B -q -DskipTests -Dspotless.check.skip=true install >&2
  fi
}
