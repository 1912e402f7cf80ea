package finora.server.testing;

import finora.server.App;
import finora.server.ServerConfig;
import finora.server.crypto.CredentialCipher;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.sync.SyncConfig;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The production wiring with test tuning: bcrypt cost 4, millisecond retries, an in-memory key set,
 * a fast-polling sync scheduler and a registry of its own.
 */
public final class TestApps {
    /**
     * One key set for every test application in this JVM, as the replicas of one deployment share
     * theirs: a second App over the same database (another replica) reads the credentials the first stored.
     */
    private static final CredentialCipher CIPHER = CredentialCipher.ephemeral();

    private TestApps() {}

    /** Wires the application; the Anthropic base URL comes from {@code config}. */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock) {
        return create(config, dsl, dataSource, clock, fastRetries(config), syncConfig("test-replica"));
    }

    /** Wires the application with the given client and sync settings. */
    public static App create(
            ServerConfig config,
            DSLContext dsl,
            DataSource dataSource,
            Clock clock,
            AnthropicClientConfig anthropic,
            SyncConfig sync) {
        return create(config, dsl, dataSource, null, clock, anthropic, sync);
    }

    /** As above, with exports on a pool of their own ({@code exportDataSource}; null: the pool of {@code dsl}). */
    public static App create(
            ServerConfig config,
            DSLContext dsl,
            DataSource dataSource,
            DataSource exportDataSource,
            Clock clock,
            AnthropicClientConfig anthropic,
            SyncConfig sync) {
        return App.create(App.Config.of(config, dsl, dataSource, clock)
                .withExportDataSource(exportDataSource)
                .withTuning(4, anthropic, CIPHER, sync));
    }

    /** Client settings that retry quickly so fault tests stay fast. */
    public static AnthropicClientConfig fastRetries(ServerConfig config) {
        return new AnthropicClientConfig(
                config.anthropicBaseUrl(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                3,
                Duration.ofMillis(5),
                Duration.ofMillis(50));
    }

    /** Sync settings for tests: poll every 20 ms, 2 workers, 5 min leases (moved by the test clock), 5 s to stop. */
    public static SyncConfig syncConfig(String replicaId) {
        return new SyncConfig(replicaId, Duration.ofMillis(20), 2, Duration.ofMinutes(5), Duration.ofSeconds(5));
    }
}
