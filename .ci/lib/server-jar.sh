# server_jar_stale JAR — true when JAR is missing or any source (Java, a POM, a main resource) under the current
# directory is newer than it, so that scripts never run or test a stale server. Source from the repository root.
server_jar_stale() {
  local jar=$1
  [ -f "$jar" ] || return 0
  [ -n "$(find . \( -path ./data -o -path ./.git -o -name node_modules -o -name target \) -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}
