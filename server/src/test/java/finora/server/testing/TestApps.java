package finora.server.testing;

import finora.server.App;
import finora.server.ServerConfig;
import finora.server.crypto.CredentialCipher;
import finora.server.provider.anthropic.AnthropicClientConfig;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/** The production wiring with test tuning: bcrypt cost 4, millisecond retries, an in-memory key set. */
public final class TestApps {
    private TestApps() {}

    /** Wires the application; the Anthropic base URL comes from {@code config}. */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock) {
        return App.create(config, dsl, dataSource, clock, 4, fastRetries(config), CredentialCipher.ephemeral());
    }

    /** Client settings that retry quickly so fault tests stay fast. */
    public static AnthropicClientConfig fastRetries(ServerConfig config) {
        return new AnthropicClientConfig(config.anthropicBaseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(2), 3,
                Duration.ofMillis(5), Duration.ofMillis(50));
    }
}
