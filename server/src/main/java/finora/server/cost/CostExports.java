package finora.server.cost;

import finora.server.ServerConfig;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.grpc.FlowControlledStream;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where exports run, within limits, so that no client can hold the server hostage: each export reads
 * on a pool of its own ({@code dsl}), at most {@link ServerConfig.Exports#maxConcurrent()} run on this
 * replica and {@link ServerConfig.Exports#maxPerTenant()} per tenant (more are refused with
 * {@link ErrorReason#EXPORTS_BUSY} and a retry delay), each on a thread of its own so that gRPC's
 * flow-control callbacks reach it, with a stall timeout and a statement timeout.
 */
public final class CostExports implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CostExports.class);
    /** What RetryInfo tells a refused client: a short export frees its slot within seconds. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    private final DSLContext dsl;
    private final ServerConfig.Exports limits;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("export-", 0).factory());
    private final Map<UUID, Integer> runningPerTenant = new HashMap<>();
    private int running;
    private final Gauge runningGauge;
    private final Counter rejected;
    private final Counter stalled;

    /**
     * @param dsl reads exports; in production over the export pool, apart from the main pool
     * @param limits how many at once, how long a client may stall, how long the query may run
     */
    public CostExports(DSLContext dsl, ServerConfig.Exports limits, PrometheusRegistry registry) {
        this.dsl = dsl;
        this.limits = limits;
        this.runningGauge = Gauge.builder()
                .name("finora_exports_running")
                .help("ExportCosts streams running on this replica")
                .register(registry);
        this.rejected = Counter.builder()
                .name("finora_exports_rejected_total")
                .help("Exports refused with EXPORTS_BUSY, by the limit that was full (replica or tenant)")
                .labelNames("limit")
                .register(registry);
        this.stalled = Counter.builder()
                .name("finora_exports_stalled_total")
                .help("Exports cancelled because their client read nothing for the stall timeout")
                .register(registry);
    }

    DSLContext dsl() {
        return dsl;
    }

    ServerConfig.Exports limits() {
        return limits;
    }

    /** A running export's place; {@link #release} exactly once. */
    final class Slot {
        private final UUID tenant;
        private boolean released;

        private Slot(UUID tenant) {
            this.tenant = tenant;
        }

        void release() {
            synchronized (CostExports.this) {
                if (released) {
                    return;
                }
                released = true;
                running--;
                runningPerTenant.computeIfPresent(tenant, (t, n) -> n <= 1 ? null : n - 1);
                runningGauge.set(running);
            }
        }
    }

    /** Takes a place for an export of {@code tenant}, or throws {@link ErrorReason#EXPORTS_BUSY}. */
    synchronized Slot acquire(UUID tenant) {
        if (running >= limits.maxConcurrent()) {
            rejected.labelValues("replica").inc();
            throw busy("The server is running as many exports as it allows (" + limits.maxConcurrent() + ")");
        }
        int ofTenant = runningPerTenant.getOrDefault(tenant, 0);
        if (ofTenant >= limits.maxPerTenant()) {
            rejected.labelValues("tenant").inc();
            throw busy("Your organization already has " + ofTenant + " exports running, the most allowed at once");
        }
        running++;
        runningPerTenant.put(tenant, ofTenant + 1);
        runningGauge.set(running);
        return new Slot(tenant);
    }

    private static FinoraException busy(String why) {
        return new FinoraException(
                ErrorReason.EXPORTS_BUSY,
                why + "; try again in " + RETRY_DELAY.toSeconds() + " s, when one has finished.",
                Map.of(),
                null,
                RETRY_DELAY);
    }

    /** Runs {@code export} on a thread of its own; the slot is released when it ends, however it ends. */
    void run(Slot slot, FlowControlledStream<?> stream, Runnable export) {
        try {
            workers.execute(() -> {
                Throwable failure = null;
                try {
                    export.run();
                } catch (Throwable t) {
                    failure = t;
                    if (t instanceof FinoraException fe && fe.reason() == ErrorReason.EXPORT_STALLED) {
                        stalled.inc();
                        log.info(
                                "Export cancelled: its client read nothing for {} s",
                                limits.stallTimeout().toSeconds());
                    }
                } finally {
                    slot.release(); // first: the connection is back in the pool by now
                }
                stream.finish(failure);
            });
        } catch (RejectedExecutionException e) {
            slot.release();
            throw new FinoraException(
                    ErrorReason.EXPORTS_BUSY,
                    "The server is shutting down; try again shortly.",
                    Map.of(),
                    e,
                    RETRY_DELAY);
        }
    }

    /** How many exports run now. */
    public synchronized int running() {
        return running;
    }

    /**
     * Stops running exports (their clients see CANCELLED) and waits up to {@code wait} for their
     * transactions to roll back and their connections to return.
     */
    public void close(Duration wait) {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} exports still running {} ms after they were told to stop", running(), wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
