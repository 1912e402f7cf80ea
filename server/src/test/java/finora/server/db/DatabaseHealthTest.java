package finora.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import finora.server.App;
import finora.server.FinoraServer;
import finora.server.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health follows the database: stop PostgreSQL and it turns NOT_SERVING, start it and it is back. */
class DatabaseHealthTest {

    @Test
    void health_flipsWhileTheDatabaseIsDownAndRecovers(@TempDir Path dir) throws Exception {
        var pg = start(dir, 0);
        int port = pg.getPort();
        try (Database db = Database.open("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "", null)) {
            App app = finora.server.testing.TestApps.create(
                    ServerConfig.fromEnv(Map.of("FINORA_METRICS_PORT", "0")),
                    db.dsl(),
                    db.sideDataSource(),
                    Clock.systemUTC()); // an ephemeral metrics port: the suite runs beside ./run.sh
            String name = UUID.randomUUID().toString();
            FinoraServer server = FinoraServer.create(
                            InProcessServerBuilder.forName(name).directExecutor(), app)
                    .start(Duration.ofHours(1));
            ManagedChannel channel =
                    InProcessChannelBuilder.forName(name).directExecutor().build();
            try {
                assertThat(status(channel, "")).isEqualTo(ServingStatus.SERVING);
                assertThat(status(channel, "finora.v1.IntegrationService")).isEqualTo(ServingStatus.SERVING);

                pg.close();
                server.probeHealth();
                assertThat(status(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(status(channel, "finora.v1.CostService")).isEqualTo(ServingStatus.NOT_SERVING);

                pg = start(dir, port);
                // The pool drops its dead connections on the first probes; wait until one validates.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (status(channel, "") != ServingStatus.SERVING && System.nanoTime() < deadline) {
                    server.probeHealth();
                    Thread.sleep(100);
                }
                assertThat(status(channel, "")).isEqualTo(ServingStatus.SERVING);
                assertThat(status(channel, "finora.v1.CostService")).isEqualTo(ServingStatus.SERVING);
            } finally {
                channel.shutdownNow();
                server.shutdown(Duration.ofSeconds(2));
            }
        } finally {
            pg.close();
        }
    }

    @Test
    void shutdown_turnsHealthNotServingFirst(@TempDir Path dir) throws Exception {
        try (var pg = start(dir, 0);
                Database db = Database.open(
                        "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "", null)) {
            App app = finora.server.testing.TestApps.create(
                    ServerConfig.fromEnv(Map.of("FINORA_METRICS_PORT", "0")),
                    db.dsl(),
                    db.sideDataSource(),
                    Clock.systemUTC()); // an ephemeral metrics port: the suite runs beside ./run.sh
            var health = new io.grpc.protobuf.services.HealthStatusManager();
            var monitor = new DatabaseHealthMonitor(app.dataSource(), health, FinoraServer.SERVICES);
            monitor.probe();
            String name = UUID.randomUUID().toString();
            var server = InProcessServerBuilder.forName(name)
                    .directExecutor()
                    .addService(health.getHealthService())
                    .build()
                    .start();
            ManagedChannel channel =
                    InProcessChannelBuilder.forName(name).directExecutor().build();
            assertThat(status(channel, "")).isEqualTo(ServingStatus.SERVING);
            monitor.enterShutdown();
            assertThat(status(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres start(Path dir, int port) throws Exception {
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    private static ServingStatus status(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }
}
