#!/usr/bin/env bash
# Builds Finora and starts the whole local system on this machine:
#   anthropic-sim (a stand-in for the Anthropic Admin API) on :8089,
#   the gRPC server on :9090 with an embedded PostgreSQL (data in ./.finora),
#   the admin UI on :8080.
# Prints the URL, the login and the API token, then runs until Ctrl-C, which stops all three.
#
#   ./run.sh        build and start everything (above)
#   ./run.sh test   the whole test suite: ./mvnw -B verify (what CI runs)
#   ./run.sh bench [options]   build and run the CostService benchmark (--help lists its options)
#   ./run.sh bench scale [options]   two sync replicas, 10,000 connections on the 15-min plan (--help)
#   ./run.sh bench soak [options]    N minutes of syncs with faults, a PostgreSQL restart, a replica kill (--help)
# Both pick a JDK 25 themselves (JAVA_HOME if it is one, else the machine's Temurin 25; see .mvn/jdk.sh).
#
# Options (environment):
#   SKIP_BUILD=1                  reuse the jars already in */target
#   FINORA_ANTHROPIC_BASE_URL=…   point the server at another Admin API (e.g. https://api.anthropic.com);
#                                 the simulator is then not started
#   FINORA_OPENAI_BASE_URL=…      point the server at another OpenAI API (e.g. https://api.openai.com);
#                                 unset: the simulator's OpenAI face when the simulator runs
#   FINORA_DATA_DIR=…             where the embedded database, key set and dev credentials live (./.finora)
set -euo pipefail
cd "$(dirname "$0")"
. .mvn/jdk.sh
finora_use_jdk25

case "${1:-}" in
  "") ;;
  test) shift; exec ./mvnw -B verify "$@" ;;
  bench)
    shift
    ./mvnw -B -q -DskipTests -pl bench -am package
    main=finora.bench.CostBenchmark
    case "${1:-}" in
      scale) shift; main=finora.bench.ScaleBenchmark ;;
      soak) shift; main=finora.bench.SoakRun ;;
    esac
    # ZGC and a fixed heap, as the server image runs: G1's pauses dominate the tail on two cores.
    exec java -XX:+UseZGC -Xms2g -Xmx2g -cp bench/target/finora-bench.jar "$main" "$@" ;;
  *) echo "usage: ./run.sh [test | bench [options]]" >&2; exit 2 ;;
esac

export FINORA_DATA_DIR="${FINORA_DATA_DIR:-$PWD/.finora}"
logs="$FINORA_DATA_DIR/logs"
# The data dir holds the database, the dev key set and dev-credentials: this user only.
umask 077
mkdir -p "$logs"
chmod 700 "$FINORA_DATA_DIR" "$logs"

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "Building (the first time takes a few minutes while Maven fetches dependencies)..."
  ./mvnw -B -q -DskipTests install
fi

pids=()
stop() {
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

wait_for() { # name, command to poll, log file
  for _ in $(seq 1 120); do
    if eval "$2" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "$1 did not start; see $3" >&2
  exit 1
}

if [ -z "${FINORA_ANTHROPIC_BASE_URL:-}" ]; then
  java -jar anthropic-sim/target/anthropic-sim.jar --port 8089 >"$logs/anthropic-sim.log" 2>&1 &
  pids+=($!)
  wait_for "anthropic-sim" "grep -q 'http://' '$logs/anthropic-sim.log'" "$logs/anthropic-sim.log"
  export FINORA_ANTHROPIC_BASE_URL="http://127.0.0.1:8089"
  export FINORA_OPENAI_BASE_URL="${FINORA_OPENAI_BASE_URL:-http://127.0.0.1:8089}"
  demo_key=$(grep -o 'sk-ant-admin01-demo-org-a-[A-Za-z0-9_-]*' "$logs/anthropic-sim.log" | head -n 1)
  demo_openai_key=$(grep -o 'sk-admin-demo-openai-org-a-[A-Za-z0-9_-]*' "$logs/anthropic-sim.log" | head -n 1)
fi

# A JDK AOT cache (JDK 25, JEP 483/514/515) of the server's classes, loaded and linked, with method
# profiles: the first start after a build records it (written when the server stops), later starts
# map it and reach SERVING sooner (README, Cold start). A cache older than the jar is recorded again.
aot="$FINORA_DATA_DIR/finora-server.aot"
if [ -f "$aot" ] && [ "$aot" -nt server/target/finora-server.jar ]; then
  aot_opt="-XX:AOTCache=$aot"
else
  rm -f "$aot"
  aot_opt="-XX:AOTCacheOutput=$aot"
fi
java -XX:+UseZGC "$aot_opt" -jar server/target/finora-server.jar >"$logs/server.log" 2>&1 &
pids+=($!)
wait_for "The server" "grep -q 'listening for gRPC' '$logs/server.log'" "$logs/server.log"

java -jar admin-ui/target/finora-admin-ui.jar >"$logs/admin-ui.log" 2>&1 &
pids+=($!)
wait_for "The admin UI" "curl -fsS -o /dev/null http://localhost:8080/login" "$logs/admin-ui.log"

prop() { grep "^$1=" "$FINORA_DATA_DIR/dev-credentials" | cut -d= -f2-; }
cat <<INFO

Finora is running.
  Admin UI:   http://localhost:8080
  Login:      $(prop user)
  Password:   $(prop password)
  gRPC:       localhost:9090   (token: $(prop token))
  Anthropic:  $FINORA_ANTHROPIC_BASE_URL
INFO
if [ -n "${demo_key:-}" ]; then
  echo "  Demo Admin API key (anthropic-sim): $demo_key"
fi
if [ -n "${demo_openai_key:-}" ]; then
  echo "  OpenAI:     ${FINORA_OPENAI_BASE_URL:-https://api.openai.com}"
  echo "  Demo OpenAI Admin key (anthropic-sim): $demo_openai_key"
fi
cat <<INFO
  Logs:       $logs
  Try:        grpcurl -plaintext -H "authorization: Bearer \$(grep ^token= $FINORA_DATA_DIR/dev-credentials | cut -d= -f2)" localhost:9090 finora.v1.AuthService/WhoAmI

Press Ctrl-C to stop.
INFO
wait -n "${pids[@]}"
