package finora.server.testing;

import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.NotificationServiceGrpc;
import finora.server.App;
import finora.server.FinoraServer;
import finora.server.ServerConfig;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The real server wiring ({@link App#create} + {@link FinoraServer#create}) on an in-process
 * transport over a fresh test database, with a clock the test controls.
 */
public final class TestServer implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final PostgresFixture.TestDatabase db;
    private final MutableClock clock;
    private final App app;
    private final FinoraServer server;
    private final ManagedChannel channel;

    /** Where every test server's clock starts unless the test brings its own. */
    public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

    private TestServer(Map<String, String> env, MutableClock clock) throws Exception {
        this.db = PostgresFixture.newDatabase();
        this.clock = clock;
        Map<String, String> withDefaults = new HashMap<>(env);
        withDefaults.putIfAbsent("FINORA_METRICS_PORT", "-1"); // no fixed port per test server unless asked for
        ServerConfig config = ServerConfig.fromEnv(withDefaults);
        this.app = TestApps.create(config, db.dsl(), db.dataSource(), clock);
        String name = "finora-test-" + UUID.randomUUID();
        this.server =
                FinoraServer.create(InProcessServerBuilder.forName(name), app).start(Duration.ofHours(1));
        this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** Starts a server with the default configuration. */
    public static TestServer start() throws Exception {
        return start(Map.of());
    }

    /** Starts a server with the given environment. */
    public static TestServer start(Map<String, String> env) throws Exception {
        return new TestServer(env, new MutableClock(START));
    }

    /** Starts a server with the given environment on a clock the test shares (e.g. with anthropic-sim). */
    public static TestServer start(Map<String, String> env, MutableClock clock) throws Exception {
        return new TestServer(env, clock);
    }

    /** A tenant created through the real accounts code. */
    public record Tenant(UUID id, String name) {}

    /** Creates a tenant on {@code plan}. */
    public Tenant tenant(String name, Plan plan) {
        var row = app.accounts().createTenant(name, plan);
        return new Tenant(row.id(), row.name());
    }

    /** Creates an API token for the tenant and returns the secret. */
    public String token(Tenant tenant, Role role) {
        return app.accounts()
                .createToken(tenant.id(), role, role + " test token", "test")
                .token();
    }

    /** Call credentials that send {@code authorization: Bearer <token>}. */
    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    /** AuthService stub with a token (null for none). */
    public AuthServiceGrpc.AuthServiceBlockingStub auth(String token) {
        var stub = AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    /** IntegrationService stub with a token (null for none). */
    public IntegrationServiceGrpc.IntegrationServiceBlockingStub integrations(String token) {
        var stub = IntegrationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    /** CostService stub with a token (null for none). */
    public CostServiceGrpc.CostServiceBlockingStub costs(String token) {
        var stub = CostServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    /** BudgetService stub with a token (null for none). */
    public BudgetServiceGrpc.BudgetServiceBlockingStub budgets(String token) {
        var stub = BudgetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    /** NotificationService stub with a token (null for none). */
    public NotificationServiceGrpc.NotificationServiceBlockingStub notifications(String token) {
        var stub = NotificationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        return token == null ? stub : stub.withCallCredentials(bearer(token));
    }

    public ManagedChannel channel() {
        return channel;
    }

    public App app() {
        return app;
    }

    public MutableClock clock() {
        return clock;
    }

    public FinoraServer server() {
        return server;
    }

    public PostgresFixture.TestDatabase database() {
        return db;
    }

    @Override
    public void close() throws Exception {
        app.scheduler().stop();
        app.connectionAlerts().close();
        app.notifier().close();
        channel.shutdownNow();
        server.shutdown(Duration.ofSeconds(5));
        db.close();
    }
}
