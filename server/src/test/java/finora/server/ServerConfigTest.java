package finora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaults_useEmbeddedDatabaseAndDocumentedPorts() {
        ServerConfig c = ServerConfig.fromEnv(Map.of());
        assertThat(c.grpcPort()).isEqualTo(9090);
        assertThat(c.metricsPort()).isEqualTo(9091);
        assertThat(c.embeddedDatabase()).isTrue();
        assertThat(c.devBootstrap()).isTrue();
        assertThat(c.syncEnabled()).isTrue();
        assertThat(c.dataDir().getFileName().toString()).isEqualTo(".finora");
        assertThat(c.dataDir().isAbsolute()).isTrue();
        assertThat(c.anthropicBaseUrl().toString()).isEqualTo("https://api.anthropic.com");
    }

    @Test
    void externalDatabase_turnsDevBootstrapOffAndHidesPassword() {
        ServerConfig c = ServerConfig.fromEnv(Map.of(
                "FINORA_DATABASE_URL", "jdbc:postgresql://db:5432/finora",
                "FINORA_DATABASE_USER", "app",
                "FINORA_DATABASE_PASSWORD", "s3cret-pw"));
        assertThat(c.embeddedDatabase()).isFalse();
        assertThat(c.devBootstrap()).isFalse();
        assertThat(c.database().orElseThrow().toString()).doesNotContain("s3cret-pw");
        assertThat(c.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void concurrency_defaultsToThePoolSize_andFollowsIt() {
        assertThat(ServerConfig.fromEnv(Map.of()).concurrency())
                .isEqualTo(new ServerConfig.Concurrency(10, 10, Duration.ofSeconds(1)));
        assertThat(ServerConfig.fromEnv(Map.of("FINORA_DATABASE_POOL_SIZE", "24"))
                        .concurrency())
                .isEqualTo(new ServerConfig.Concurrency(24, 24, Duration.ofSeconds(1)));
        assertThat(ServerConfig.fromEnv(Map.of(
                                "FINORA_DATABASE_POOL_SIZE",
                                "24",
                                "FINORA_GRPC_MAX_CONCURRENT_CALLS",
                                "40",
                                "FINORA_GRPC_QUEUE_TIMEOUT_MS",
                                "250"))
                        .concurrency())
                .isEqualTo(new ServerConfig.Concurrency(24, 40, Duration.ofMillis(250)));
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_DATABASE_POOL_SIZE", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_DATABASE_POOL_SIZE");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_GRPC_QUEUE_TIMEOUT_MS", "soon")))
                .hasMessageContaining("FINORA_GRPC_QUEUE_TIMEOUT_MS")
                .hasMessageContaining("soon");
    }

    @Test
    void exportsAndShutdown_haveDefaults_andFailNamingTheVariable() {
        ServerConfig c = ServerConfig.fromEnv(Map.of());
        assertThat(c.exports())
                .isEqualTo(new ServerConfig.Exports(4, 2, 4, Duration.ofSeconds(30), Duration.ofSeconds(120)));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(50));
        assertThat(ServerConfig.fromEnv(Map.of(
                        "FINORA_EXPORT_MAX_CONCURRENT",
                        "8",
                        "FINORA_EXPORT_MAX_PER_TENANT",
                        "3",
                        "FINORA_EXPORT_STALL_TIMEOUT_SECONDS",
                        "10",
                        "FINORA_EXPORT_STATEMENT_TIMEOUT_SECONDS",
                        "60",
                        "FINORA_SHUTDOWN_TIMEOUT_SECONDS",
                        "25")))
                .satisfies(e -> assertThat(e.exports())
                        .isEqualTo(new ServerConfig.Exports(8, 3, 8, Duration.ofSeconds(10), Duration.ofSeconds(60))))
                .satisfies(e -> assertThat(e.shutdownTimeout()).isEqualTo(Duration.ofSeconds(25)));
        assertThatThrownBy(() -> ServerConfig.fromEnv(
                        Map.of("FINORA_EXPORT_MAX_CONCURRENT", "8", "FINORA_EXPORT_POOL_SIZE", "4")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_EXPORT_POOL_SIZE")
                .hasMessageContaining("FINORA_EXPORT_MAX_CONCURRENT");
        for (String name : new String[] {
            "FINORA_EXPORT_MAX_CONCURRENT",
            "FINORA_EXPORT_MAX_PER_TENANT",
            "FINORA_EXPORT_POOL_SIZE",
            "FINORA_EXPORT_STALL_TIMEOUT_SECONDS",
            "FINORA_EXPORT_STATEMENT_TIMEOUT_SECONDS",
            "FINORA_SHUTDOWN_TIMEOUT_SECONDS"
        }) {
            assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of(name, "0")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(name);
        }
    }

    @Test
    void badPort_failsNamingTheVariable() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_GRPC_PORT", "ninety")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_GRPC_PORT")
                .hasMessageContaining("ninety");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_GRPC_PORT", "70000")))
                .hasMessageContaining("FINORA_GRPC_PORT");
    }

    @Test
    void badValues_failNamingTheVariable() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_DATABASE_URL", "postgres://x/y")))
                .hasMessageContaining("FINORA_DATABASE_URL");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_SYNC_ENABLED", "maybe")))
                .hasMessageContaining("FINORA_SYNC_ENABLED");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_ANTHROPIC_BASE_URL", "ftp://x")))
                .hasMessageContaining("FINORA_ANTHROPIC_BASE_URL");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_KEYSET", "{}", "FINORA_KEYSET_FILE", "/k")))
                .hasMessageContaining("FINORA_KEYSET");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_DATABASE_USER", "app")))
                .hasMessageContaining("FINORA_DATABASE_URL");
    }

    @Test
    void anthropicBaseUrl_dropsTrailingSlash() {
        ServerConfig c = ServerConfig.fromEnv(Map.of("FINORA_ANTHROPIC_BASE_URL", "http://127.0.0.1:8089/"));
        assertThat(c.anthropicBaseUrl().toString()).isEqualTo("http://127.0.0.1:8089");
    }

    @Test
    void replicaIdAndSyncTuning_comeFromTheEnvironment_withDefaultsThatTakeOverWithin30Seconds() {
        ServerConfig d = ServerConfig.fromEnv(Map.of());
        assertThat(d.sync().replicaId()).isNotBlank();
        assertThat(ServerConfig.fromEnv(Map.of()).sync().replicaId())
                .as("a random suffix per process")
                .isNotEqualTo(d.sync().replicaId());
        assertThat(d.sync().workers()).isEqualTo(4);
        assertThat(d.sync().leaseDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.sync().heartbeatExpiry().plus(d.sync().pollInterval()))
                .as("worst-case takeover")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(d.anthropicMaxConcurrentRequests()).isEqualTo(8);

        ServerConfig c = ServerConfig.fromEnv(Map.of(
                "FINORA_REPLICA_ID",
                "finora-1",
                "FINORA_SYNC_WORKERS",
                "16",
                "FINORA_SYNC_POLL_INTERVAL_MS",
                "1000",
                "FINORA_SYNC_LEASE_SECONDS",
                "120",
                "FINORA_SYNC_HEARTBEAT_INTERVAL_MS",
                "2000",
                "FINORA_SYNC_HEARTBEAT_EXPIRY_MS",
                "10000",
                "FINORA_SYNC_STOP_TIMEOUT_SECONDS",
                "20",
                "FINORA_ANTHROPIC_MAX_CONCURRENT_REQUESTS",
                "32"));
        assertThat(c.sync())
                .isEqualTo(new finora.server.sync.SyncConfig(
                        "finora-1",
                        Duration.ofSeconds(1),
                        16,
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(10)));
        assertThat(c.anthropicMaxConcurrentRequests()).isEqualTo(32);

        assertThatThrownBy(() -> ServerConfig.fromEnv(
                        Map.of("FINORA_SYNC_HEARTBEAT_INTERVAL_MS", "5000", "FINORA_SYNC_HEARTBEAT_EXPIRY_MS", "6000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_SYNC_HEARTBEAT_EXPIRY_MS")
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_REPLICA_ID", "a b")))
                .hasMessageContaining("FINORA_REPLICA_ID");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_SYNC_WORKERS", "0")))
                .hasMessageContaining("FINORA_SYNC_WORKERS");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("FINORA_ANTHROPIC_MAX_CONCURRENT_REQUESTS", "many")))
                .hasMessageContaining("FINORA_ANTHROPIC_MAX_CONCURRENT_REQUESTS");
    }
}
