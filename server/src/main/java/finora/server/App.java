package finora.server;

import finora.server.audit.AuditLog;
import finora.server.auth.AccountRepository;
import finora.server.auth.Accounts;
import finora.server.auth.AuthMetrics;
import finora.server.auth.LoginThrottle;
import finora.server.auth.PasswordHasher;
import finora.server.budget.SpendWatch;
import finora.server.cost.CostExports;
import finora.server.cost.CostQueryCache;
import finora.server.crypto.CredentialCipher;
import finora.server.grpc.GrpcMetricsInterceptor;
import finora.server.integration.ConnectionRepository;
import finora.server.integration.Connections;
import finora.server.notify.ConnectionAlerts;
import finora.server.notify.Notifier;
import finora.server.provider.ProviderMetrics;
import finora.server.provider.ProviderCosts;
import finora.server.provider.anthropic.AnthropicAdminClient;
import finora.server.provider.anthropic.AnthropicCosts;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.provider.openai.OpenAiAdminClient;
import finora.server.provider.openai.OpenAiClientConfig;
import finora.server.provider.openai.OpenAiCosts;
import finora.server.sync.CostSync;
import finora.server.sync.SyncConfig;
import finora.server.sync.SyncMetrics;
import finora.server.sync.SyncScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The object graph of the server, built with constructors in one place so that {@link Main}, the
 * command line and the tests all run the same wiring.
 *
 * @param dsl the database every repository works through
 * @param dataSource connections apart from the ones {@code dsl} uses: health probes and the cost-change
 *     listener (tests may pass the same pool)
 * @param clock the only source of "now"
 * @param metrics this application's own registry (never the static default, so test servers in
 *     one JVM do not collide); served by {@link FinoraServer} on {@link ServerConfig#metricsPort()}
 * @param scheduler runs due syncs once started; idle until then
 * @param notifier notification channels and alert delivery
 * @param connectionAlerts alerts about connections that stopped syncing; its periodic check starts with the server
 * @param spendWatch budgets and anomalies, evaluated after every sync
 * @param exports runs {@code ExportCosts} within its limits, on a pool of its own in production
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
        CostQueryCache costCache,
        PrometheusRegistry metrics,
        GrpcMetricsInterceptor grpcMetrics,
        CostSync costSync,
        SyncScheduler scheduler,
        Notifier notifier,
        ConnectionAlerts connectionAlerts,
        SpendWatch spendWatch,
        CostExports exports) {

    /** bcrypt cost for production passwords. */
    public static final int BCRYPT_COST = 12;

    /** Wires the production application over an open database; exports share the pool of {@code dsl}. */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock) {
        return create(config, dsl, dataSource, null, clock);
    }

    /**
     * Wires the production application over an open database whose exports read from a pool of their
     * own ({@code exportDataSource}; null: the pool of {@code dsl}).
     */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, DataSource exportDataSource,
            Clock clock) {
        return create(config, dsl, dataSource, exportDataSource, clock, CredentialCipher.fromConfig(config));
    }

    /** As above with the key set already loaded (the server loads it while its database starts). */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, DataSource exportDataSource,
            Clock clock, CredentialCipher cipher) {
        return create(config, dsl, dataSource, clock, BCRYPT_COST,
                AnthropicClientConfig.defaults(config.anthropicBaseUrl())
                        .withMaxConcurrentRequests(config.anthropicMaxConcurrentRequests()),
                cipher, config.sync(), new PrometheusRegistry(), exportDataSource);
    }

    /** Wires the application with explicit tuning (tests use a low bcrypt cost and fast retries). */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock,
            int bcryptCost, AnthropicClientConfig anthropicConfig, CredentialCipher cipher) {
        return create(config, dsl, dataSource, clock, bcryptCost, anthropicConfig, cipher, config.sync(),
                new PrometheusRegistry());
    }

    /** Wires the application with explicit tuning of syncs and a given metrics registry. */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock,
            int bcryptCost, AnthropicClientConfig anthropicConfig, CredentialCipher cipher, SyncConfig syncConfig,
            PrometheusRegistry metrics) {
        return create(config, dsl, dataSource, clock, bcryptCost, anthropicConfig, cipher, syncConfig, metrics, null);
    }

    /** As above, with exports on {@code exportDataSource} (null: the pool of {@code dsl}). */
    public static App create(ServerConfig config, DSLContext dsl, DataSource dataSource, Clock clock,
            int bcryptCost, AnthropicClientConfig anthropicConfig, CredentialCipher cipher, SyncConfig syncConfig,
            PrometheusRegistry metrics, DataSource exportDataSource) {
        AuditLog audit = new AuditLog(clock);
        AccountRepository accountRepository = new AccountRepository();
        Accounts accounts = new Accounts(dsl, accountRepository, new PasswordHasher(bcryptCost), audit, clock,
                new LoginThrottle(LoginThrottle.Limits.defaults(), clock), new AuthMetrics(metrics));
        ProviderMetrics providerMetrics = new ProviderMetrics(metrics);
        AnthropicAdminClient anthropic = new AnthropicAdminClient(anthropicConfig,
                status -> providerMetrics.retry("anthropic", status),
                (path, status, elapsed) -> providerMetrics.request("anthropic", path, status, elapsed));
        ConnectionRepository connectionRepository = new ConnectionRepository();
        // OpenAI's client takes the Anthropic client's timeouts and retries (tests tune both at once).
        OpenAiAdminClient openai = new OpenAiAdminClient(new OpenAiClientConfig(config.openaiBaseUrl(),
                anthropicConfig.connectTimeout(), anthropicConfig.requestTimeout(), anthropicConfig.maxRetries(),
                anthropicConfig.baseDelay(), anthropicConfig.maxDelay()),
                status -> providerMetrics.retry("openai", status),
                (path, status, elapsed) -> providerMetrics.request("openai", path, status, elapsed));
        // The provider seam: one ProviderCosts per provider, in display order.
        List<ProviderCosts> providers = List.of(new AnthropicCosts(anthropic), new OpenAiCosts(openai));
        Connections connections = new Connections(dsl, connectionRepository, cipher, providers, audit, clock);
        Notifier notifier = new Notifier(dsl, cipher, config.alerts(), clock);
        ConnectionAlerts connectionAlerts = new ConnectionAlerts(dsl, notifier, config.alerts(), clock);
        SpendWatch spendWatch = new SpendWatch(dsl, notifier, clock);
        CostSync costSync = new CostSync(dsl, connectionRepository, connections, providers, new SyncMetrics(metrics),
                clock, syncConfig.leaseDuration(), List.of(spendWatch, connectionAlerts));
        SyncScheduler scheduler = new SyncScheduler(dsl, costSync, syncConfig, config.syncEnabled(), clock);
        CostQueryCache costCache = new CostQueryCache(64L << 20, Duration.ofMinutes(30)); // 64 MiB of answers
        DSLContext exportDsl = exportDataSource == null ? dsl : DSL.using(exportDataSource, SQLDialect.POSTGRES);
        CostExports exports = new CostExports(exportDsl, config.exports(), metrics);
        return new App(config, dsl, dataSource, clock, audit, accountRepository, accounts, anthropic, connections,
                costCache, metrics, new GrpcMetricsInterceptor(metrics), costSync, scheduler, notifier, connectionAlerts,
                spendWatch, exports);
    }
}
