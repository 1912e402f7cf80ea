package finora.server;

import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.NotificationServiceGrpc;
import finora.server.auth.AuthGrpcService;
import finora.server.auth.AuthInterceptor;
import finora.server.cost.CostChangeListener;
import finora.server.cost.CostExports;
import finora.server.cost.CostGrpcService;
import finora.server.db.DatabaseHealthMonitor;
import finora.server.grpc.CallGate;
import finora.server.grpc.RequestLimitsInterceptor;
import finora.server.grpc.StatusMappingInterceptor;
import finora.server.integration.IntegrationGrpcService;
import finora.server.notify.NotificationGrpcService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gRPC server: the finora.v1 services behind the status-mapping and auth interceptors, plus
 * health and reflection (v1 and v1alpha) so {@code grpcurl} works without proto files, and the
 * Prometheus endpoint ({@code http://host:<metricsPort>/metrics}) unless its port is -1.
 *
 * <p>It takes a {@link ServerBuilder}, so {@link Main} passes a Netty builder and tests an
 * in-process one: both run the same wiring.
 */
public final class FinoraServer {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FinoraServer.class);
    /** Services whose health follows the database. */
    public static final List<String> SERVICES = List.of(
            AuthServiceGrpc.SERVICE_NAME,
            IntegrationServiceGrpc.SERVICE_NAME,
            CostServiceGrpc.SERVICE_NAME,
            BudgetServiceGrpc.SERVICE_NAME,
            NotificationServiceGrpc.SERVICE_NAME);

    private final Server server;
    private final HealthStatusManager health;
    private final DatabaseHealthMonitor healthMonitor;
    private final CostChangeListener costChanges;
    private final PrometheusRegistry metrics;
    private final int metricsPort;
    private final String metricsBind;
    private HTTPServer metricsServer;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final ExecutorService executor;
    private final CostExports exports;

    private FinoraServer(
            Server server,
            HealthStatusManager health,
            DatabaseHealthMonitor healthMonitor,
            CostChangeListener costChanges,
            PrometheusRegistry metrics,
            int metricsPort,
            String metricsBind,
            ExecutorService executor,
            CostExports exports) {
        this.executor = executor;
        this.exports = exports;
        this.server = server;
        this.health = health;
        this.healthMonitor = healthMonitor;
        this.costChanges = costChanges;
        this.metrics = metrics;
        this.metricsPort = metricsPort;
        this.metricsBind = metricsBind;
    }

    /**
     * Registers every service and interceptor on {@code builder} and builds the (unstarted) server.
     * Handlers run on virtual threads behind a {@link CallGate} sized by the configuration.
     */
    public static FinoraServer create(ServerBuilder<?> builder, App app) {
        return create(builder, app, Handlers.virtualThreads(app.config().concurrency()));
    }

    /** How handlers run: on virtual threads behind a gate (production), or grpc's default pool (for comparison). */
    public sealed interface Handlers {
        /** Virtual threads, at most {@code concurrency.maxConcurrentCalls()} unary calls at once. */
        static Handlers virtualThreads(ServerConfig.Concurrency concurrency) {
            return new VirtualThreads(concurrency);
        }

        /** grpc-java's default: an unbounded cached pool of platform threads, no gate (the benchmark's baseline). */
        static Handlers platformThreads() {
            return new PlatformThreads();
        }

        /** See {@link #virtualThreads}. */
        record VirtualThreads(ServerConfig.Concurrency concurrency) implements Handlers {}

        /** See {@link #platformThreads}. */
        record PlatformThreads() implements Handlers {}
    }

    /** As {@link #create(ServerBuilder, App)}, with the handler threading chosen by the caller. */
    public static FinoraServer create(ServerBuilder<?> builder, App app, Handlers handlers) {
        HealthStatusManager health = new HealthStatusManager();
        // Interceptors added later run first: status mapping wraps authentication.
        builder.intercept(new AuthInterceptor(app.accounts(), app.config().loginTrustedProxies()));
        builder.intercept(new StatusMappingInterceptor());
        ExecutorService executor = null;
        if (handlers instanceof Handlers.VirtualThreads(ServerConfig.Concurrency c)) {
            // One virtual thread per call costs no platform thread while it waits on the database or a
            // permit; the gate (outside authentication, which may query) keeps the waiting bounded.
            executor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("grpc-", 0).factory());
            builder.executor(executor);
            builder.intercept(
                    new CallGate(c.maxConcurrentCalls(), c.queueTimeout(), Set.copyOf(SERVICES), app.metrics()));
        }
        // Outermost, so RPC latency is recorded with the status the client receives.
        builder.intercept(app.grpcMetrics());
        // Each finora service parses and bounds its requests inside the call (after authentication).
        builder.addService(RequestLimitsInterceptor.guard(new AuthGrpcService(app.accounts())));
        builder.addService(RequestLimitsInterceptor.guard(new IntegrationGrpcService(app.connections())));
        builder.addService(
                RequestLimitsInterceptor.guard(new CostGrpcService(app.costs(), app.costCache(), app.exports())));
        builder.addService(RequestLimitsInterceptor.guard(app.spendWatch().grpcService()));
        builder.addService(RequestLimitsInterceptor.guard(new NotificationGrpcService(app.notifier())));
        builder.addService(health.getHealthService());
        builder.addService(ProtoReflectionServiceV1.newInstance());
        builder.addService(ProtoReflectionService.newInstance());
        DatabaseHealthMonitor monitor = new DatabaseHealthMonitor(app.dataSource(), health, SERVICES);
        CostChangeListener costChanges = new CostChangeListener(app.dataSource(), app.costCache());
        return new FinoraServer(
                builder.build(),
                health,
                monitor,
                costChanges,
                app.metrics(),
                app.config().metricsPort(),
                app.config().metricsBind(),
                executor,
                app.exports());
    }

    /** Starts serving, the metrics endpoint (unless disabled) and probing the database every {@code healthPeriod}. */
    public FinoraServer start(Duration healthPeriod) throws IOException {
        server.start();
        if (metricsPort >= 0) {
            metricsServer = HTTPServer.builder()
                    .hostname(metricsBind)
                    .port(metricsPort)
                    .registry(metrics)
                    .buildAndStart();
        }
        healthMonitor.start(healthPeriod);
        costChanges.start();
        return this;
    }

    /** Every service this server registered, with its methods (tests check each declares its access). */
    public List<ServerServiceDefinition> services() {
        return server.getServices();
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return server.getPort();
    }

    /** The port of the Prometheus endpoint, or -1 when it is disabled. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getPort();
    }

    /**
     * First step of a graceful shutdown: health turns NOT_SERVING so balancers stop sending new
     * calls; calls keep being served until {@link #shutdown}.
     */
    public void enterShutdown() {
        if (shuttingDown.compareAndSet(false, true)) {
            healthMonitor.enterShutdown(); // once: gRPC's health service warns on a second terminal state
        }
    }

    /** Probes the database now instead of waiting for the next period. */
    public void probeHealth() {
        healthMonitor.probe();
    }

    /** {@link #shutdown(Duration, Duration)} with 5 s for cancelled calls to end. */
    public void shutdown(Duration grace) throws InterruptedException {
        shutdown(grace, Duration.ofSeconds(5));
    }

    /**
     * Health turns NOT_SERVING (if {@link #enterShutdown} did not already), then the server stops
     * accepting calls and waits up to {@code grace} for running ones; then it cancels the rest (a
     * stalled export among them) and waits up to {@code cancelWait} for them to end and for the exports'
     * transactions to roll back. The metrics endpoint closes last. At most {@code grace + 2 × cancelWait}
     * plus the cost-change listener's few hundred milliseconds.
     */
    public void shutdown(Duration grace, Duration cancelWait) throws InterruptedException {
        enterShutdown();
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("Calls still running after {} ms; cancelling them", grace.toMillis());
                server.shutdownNow();
                server.awaitTermination(cancelWait.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            exports.close(cancelWait); // export threads left (none once their calls ended) are interrupted
            if (executor != null) {
                executor.shutdownNow(); // the server has terminated: nothing of ours runs on it any more
            }
            costChanges.close();
            if (metricsServer != null) {
                metricsServer.close();
            }
        }
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    HealthStatusManager health() {
        return health;
    }
}
