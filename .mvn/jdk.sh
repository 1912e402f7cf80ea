# Sourced by run.sh and .ci/run: points JAVA_HOME (and PATH) at a JDK 25, which the build requires.
# Order: JAVA_HOME when it already holds a JDK 25, then the machine's Temurin 25, then any JDK 25
# under /usr/lib/jvm, then `java` on the PATH; otherwise it stops with what to install.
finora_java_major() { # prints the feature version of the java binary $1, e.g. 25
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

finora_use_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(finora_java_major "$candidate/bin/java")" = "25" ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "Finora needs a JDK 25 and found none (JAVA_HOME='${JAVA_HOME:-}', java on PATH: $(command -v java || echo none))." >&2
  echo "Install one (e.g. Eclipse Temurin 25: apt-get install temurin-25-jdk) or set JAVA_HOME to it." >&2
  return 1
}
