package finora.server;

import finora.server.audit.AuditLog;
import finora.server.auth.AccountRepository;
import finora.server.auth.Accounts;
import finora.server.auth.PasswordHasher;
import finora.server.cost.CostQueryCache;
import finora.server.crypto.CredentialCipher;
import finora.server.integration.ConnectionRepository;
import finora.server.integration.Connections;
import finora.server.provider.anthropic.AnthropicAdminClient;
import finora.server.provider.anthropic.AnthropicClientConfig;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The object graph of the server, built with constructors in one place so that {@link Main}, the
 * command line and the tests all run the same wiring.
 *
 * @param dsl the database every repository works through
 * @param dataSource the pool behind {@code dsl}, for health checks
 * @param clock the only source of "now"
 */
public record App(
        ServerConfig config,
        DSLContext dsl,
        DataSource dataSource,
        Clock clock,
        AuditLog audit,
        AccountRepository accountRepository,
        Accounts accounts,
        AnthropicAdminClient anthropic,
        Connections connections,
        CostQueryCache costCache) {

    /** bcrypt cost for production passwords. */
    public static final int BCRYPT_COST = 12;

    /** Wires the production application over an open database. */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock) {
        return create(config, dsl, dataSource, clock, BCRYPT_COST,
                AnthropicClientConfig.defaults(config.anthropicBaseUrl()), CredentialCipher.fromConfig(config));
    }

    /** Wires the application with explicit tuning (tests use a low bcrypt cost and fast retries). */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock,
            int bcryptCost, AnthropicClientConfig anthropicConfig, CredentialCipher cipher) {
        AuditLog audit = new AuditLog(clock);
        AccountRepository accountRepository = new AccountRepository();
        Accounts accounts = new Accounts(dsl, accountRepository, new PasswordHasher(bcryptCost), audit, clock);
        AnthropicAdminClient anthropic = new AnthropicAdminClient(anthropicConfig);
        Connections connections = new Connections(dsl, new ConnectionRepository(), cipher, anthropic, audit, clock);
        CostQueryCache costCache = new CostQueryCache(10_000, Duration.ofMinutes(30));
        return new App(config, dsl, dataSource, clock, audit, accountRepository, accounts, anthropic, connections,
                costCache);
    }
}
