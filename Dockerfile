# syntax=docker/dockerfile:1.7
# One build stage for every image of Finora; pick the image with --target:
#   docker build --target server        -t finora-server .
#   docker build --target admin-ui      -t finora-admin-ui .
#   docker build --target anthropic-sim -t finora-anthropic-sim .   # the demo's Admin API stand-in only
# docker-compose.yml builds the same targets. The suite checks this file (e2e DockerfileBuildIT): it lays
# out a build context holding only what the build stage copies and runs the stage's Maven command on it
# offline, so a module added to the root pom without being copied here fails the tests, not the release.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# Every module's pom first (Maven reads the whole reactor): the dependency layer stays cached until a pom changes.
COPY pom.xml ./
COPY .mvn .mvn
COPY proto/pom.xml proto/
COPY db/pom.xml db/
COPY anthropic-sim/pom.xml anthropic-sim/
COPY server/pom.xml server/
COPY admin-ui/pom.xml admin-ui/
COPY bench/pom.xml bench/
COPY e2e/pom.xml e2e/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl server,admin-ui,anthropic-sim -am dependency:go-offline -DexcludeReactor=true || true
COPY proto/src proto/src
COPY db/src db/src
COPY anthropic-sim/src anthropic-sim/src
COPY server/src server/src
COPY admin-ui/src admin-ui/src
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl server,admin-ui,anthropic-sim -am -DskipTests package

FROM eclipse-temurin:25-jre AS server
RUN useradd --system --uid 10001 --home-dir /var/lib/finora --create-home finora \
    && mkdir -p /opt/finora && chown finora /opt/finora
USER finora
WORKDIR /var/lib/finora
COPY --from=build /src/server/target/finora-server.jar /opt/finora/finora-server.jar
# A JDK AOT cache (JDK 25): one training start of the server on a throw-away embedded database, stopped
# once it serves; the cache is written as it exits. Starts map it and reach SERVING sooner (README,
# Cold start). Same JVM options as the ENTRYPOINT; without the file the JVM starts as before.
RUN FINORA_DATA_DIR=/tmp/aot-training FINORA_GRPC_PORT=0 FINORA_METRICS_PORT=-1 FINORA_SYNC_ENABLED=false \
    sh -c 'java -XX:+UseZGC -XX:MaxRAMPercentage=75 -XX:AOTCacheOutput=/opt/finora/finora-server.aot \
             -jar /opt/finora/finora-server.jar >/tmp/aot-training.log 2>&1 & pid=$!; \
           for i in $(seq 1 180); do grep -q "listening for gRPC" /tmp/aot-training.log && break; sleep 1; done; \
           kill $pid; wait $pid; rm -rf /tmp/aot-training /tmp/aot-training.log' || true
ENV FINORA_DATA_DIR=/var/lib/finora
# gRPC (TLS when FINORA_TLS_* are set), Prometheus metrics (bound to FINORA_METRICS_BIND, 127.0.0.1 by default)
EXPOSE 9090 9091
# ZGC keeps pauses sub-millisecond: with G1 the p99 of QueryCosts doubled on two cores (README, Benchmark).
ENTRYPOINT ["java", "-XX:+UseZGC", "-XX:MaxRAMPercentage=75", "-XX:AOTCache=/opt/finora/finora-server.aot", "-jar", "/opt/finora/finora-server.jar"]

FROM eclipse-temurin:25-jre AS admin-ui
RUN useradd --system --uid 10001 finora
USER finora
COPY --from=build /src/admin-ui/target/finora-admin-ui.jar /opt/finora/finora-admin-ui.jar
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/finora/finora-admin-ui.jar"]

FROM eclipse-temurin:25-jre AS anthropic-sim
RUN useradd --system --uid 10001 finora
USER finora
COPY --from=build /src/anthropic-sim/target/anthropic-sim.jar /opt/finora/anthropic-sim.jar
EXPOSE 8089
ENTRYPOINT ["java", "-jar", "/opt/finora/anthropic-sim.jar", "--host", "0.0.0.0", "--port", "8089"]
