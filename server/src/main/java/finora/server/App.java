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
import finora.server.cost.CostService;
import finora.server.crypto.CredentialCipher;
import finora.server.db.Database;
import finora.server.grpc.GrpcMetricsInterceptor;
import finora.server.integration.ConnectionRepository;
import finora.server.integration.Connections;
import finora.server.notify.ConnectionAlerts;
import finora.server.notify.Notifier;
import finora.server.provider.ProviderCosts;
import finora.server.provider.ProviderMetrics;
import finora.server.provider.anthropic.AnthropicAdminClient;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.provider.anthropic.AnthropicCosts;
import finora.server.provider.openai.OpenAiAdminClient;
import finora.server.provider.openai.OpenAiClientConfig;
import finora.server.provider.openai.OpenAiCosts;
import finora.server.sync.CostSync;
import finora.server.sync.SyncConfig;
import finora.server.sync.SyncMetrics;
import finora.server.sync.SyncScheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;

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
 * @param costs spend queries (the rules behind {@code CostService})
 */
public record App(
        ServerConfig config,
        DSLContext dsl,
        DataSource dataSource,
        Clock clock,
        AuditLog audit,
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
        CostExports exports,
        CostService costs) {

    /** bcrypt cost for production passwords. */
    public static final int BCRYPT_COST = 12;

    /**
     * What {@link #create} wires the application from: the open database, the clock and the tuning, in
     * one record instead of a constructor per combination. {@link #of} gives production defaults; the
     * {@code with…} methods change the export pool or the tuning.
     *
     * @param exportDataSource the pool exports read from; null: the pool of {@code dsl}
     * @param cipher encrypts stored provider keys; null: from {@code config} ({@link CredentialCipher#fromConfig})
     */
    public record Config(
            ServerConfig server,
            DSLContext dsl,
            DataSource dataSource,
            DataSource exportDataSource,
            Clock clock,
            int bcryptCost,
            AnthropicClientConfig anthropic,
            CredentialCipher cipher,
            SyncConfig sync,
            PrometheusRegistry metrics) {

        /** Production defaults over an open database; exports share the pool of {@code dsl}. */
        public static Config of(ServerConfig server, DSLContext dsl, DataSource dataSource, Clock clock) {
            return new Config(
                    server,
                    dsl,
                    dataSource,
                    null,
                    clock,
                    BCRYPT_COST,
                    AnthropicClientConfig.defaults(server.anthropicBaseUrl())
                            .withMaxConcurrentRequests(server.anthropicMaxConcurrentRequests()),
                    null,
                    server.sync(),
                    new PrometheusRegistry());
        }

        /** Provider keys are encrypted with {@code keys}, already loaded (the server loads them while its database starts). */
        public Config withCipher(CredentialCipher keys) {
            return new Config(
                    server, dsl, dataSource, exportDataSource, clock, bcryptCost, anthropic, keys, sync, metrics);
        }

        /** Exports read from a pool of their own (null: the pool of {@code dsl}). */
        public Config withExportDataSource(DataSource exports) {
            return new Config(server, dsl, dataSource, exports, clock, bcryptCost, anthropic, cipher, sync, metrics);
        }

        /**
         * Other tuning: tests use bcrypt cost 4, fast retries, an in-memory key set
         * ({@link CredentialCipher#ephemeral()}) and a fast-polling scheduler.
         */
        public Config withTuning(int bcrypt, AnthropicClientConfig client, CredentialCipher keys, SyncConfig syncs) {
            return new Config(server, dsl, dataSource, exportDataSource, clock, bcrypt, client, keys, syncs, metrics);
        }
    }

    /** Wires the application. */
    public static App create(Config wiring) {
        ServerConfig config = wiring.server();
        DSLContext dsl = wiring.dsl();
        Clock clock = wiring.clock();
        PrometheusRegistry metrics = wiring.metrics();
        SyncConfig syncConfig = wiring.sync();
        CredentialCipher cipher = wiring.cipher() != null ? wiring.cipher() : CredentialCipher.fromConfig(config);
        DataSource exportDataSource = wiring.exportDataSource();
        AuditLog audit = new AuditLog(clock);
        AccountRepository accountRepository = new AccountRepository();
        Accounts accounts = new Accounts(
                dsl,
                accountRepository,
                new PasswordHasher(wiring.bcryptCost()),
                audit,
                clock,
                new LoginThrottle(LoginThrottle.Limits.defaults(), clock),
                new AuthMetrics(metrics));
        ProviderMetrics providerMetrics = new ProviderMetrics(metrics);
        AnthropicAdminClient anthropic = new AnthropicAdminClient(
                wiring.anthropic(),
                status -> providerMetrics.retry("anthropic", status),
                (path, status, elapsed) -> providerMetrics.request("anthropic", path, status, elapsed));
        ConnectionRepository connectionRepository = new ConnectionRepository();
        AnthropicClientConfig anthropicConfig = wiring.anthropic();
        // OpenAI's client takes the Anthropic client's timeouts and retries (tests tune both at once).
        OpenAiAdminClient openai = new OpenAiAdminClient(
                new OpenAiClientConfig(
                        config.openaiBaseUrl(),
                        anthropicConfig.connectTimeout(),
                        anthropicConfig.requestTimeout(),
                        anthropicConfig.maxRetries(),
                        anthropicConfig.baseDelay(),
                        anthropicConfig.maxDelay()),
                status -> providerMetrics.retry("openai", status),
                (path, status, elapsed) -> providerMetrics.request("openai", path, status, elapsed));
        // The provider seam: one ProviderCosts per provider, in display order.
        List<ProviderCosts> providers = List.of(new AnthropicCosts(anthropic), new OpenAiCosts(openai));
        Connections connections = new Connections(dsl, connectionRepository, cipher, providers, audit, clock);
        Notifier notifier = new Notifier(dsl, cipher, config.alerts(), clock);
        ConnectionAlerts connectionAlerts = new ConnectionAlerts(dsl, notifier, config.alerts(), clock);
        SpendWatch spendWatch = new SpendWatch(dsl, notifier, clock);
        CostSync costSync = new CostSync(
                dsl,
                connectionRepository,
                connections,
                providers,
                new SyncMetrics(metrics),
                clock,
                syncConfig.leaseDuration(),
                List.of(spendWatch, connectionAlerts));
        SyncScheduler scheduler = new SyncScheduler(dsl, costSync, syncConfig, config.syncEnabled(), clock);
        CostQueryCache costCache = new CostQueryCache(64L << 20, Duration.ofMinutes(30)); // 64 MiB of answers
        DSLContext exportDsl = exportDataSource == null ? dsl : Database.dsl(exportDataSource);
        CostExports exports = new CostExports(exportDsl, config.exports(), metrics);
        CostService costs = new CostService(dsl, exports, clock);
        return new App(
                config,
                dsl,
                wiring.dataSource(),
                clock,
                audit,
                accounts,
                anthropic,
                connections,
                costCache,
                metrics,
                new GrpcMetricsInterceptor(metrics),
                costSync,
                scheduler,
                notifier,
                connectionAlerts,
                spendWatch,
                exports,
                costs);
    }
}
