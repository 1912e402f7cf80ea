package finora.server;

import finora.server.sync.SyncScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful shutdown of a serving process, done within one overall budget that is kept below the
 * orchestrator's grace period (compose's {@code stop_grace_period}), so the process is never killed
 * half-way. In order, each step bounded by its share of the budget:
 *
 * <ol>
 *   <li>health NOT_SERVING, so balancers stop sending calls;
 *   <li>the sync scheduler stops claiming; running syncs finish their current day, are interrupted
 *       when their share (half the budget) runs out, and release their leases for other replicas;
 *   <li>the gRPC server stops accepting calls, lets running ones finish for a fifth of the budget,
 *       then cancels the rest (a stalled export among them) and waits briefly for them to end;
 *   <li>the pools and the embedded database close, in whatever is left (at least a fifth).
 * </ol>
 *
 * Every phase is logged with how long it took.
 */
public final class GracefulShutdown {
    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    /** A phase as it ran: its name and how long it took. */
    public record Phase(String name, Duration took) {}

    private final Duration budget;
    private final FinoraServer server;
    private final SyncScheduler scheduler;
    private final AutoCloseable database;
    private final AtomicBoolean ran = new AtomicBoolean();

    /**
     * @param budget the whole shutdown ({@link ServerConfig#shutdownTimeout()})
     * @param database what closes the pools and the embedded database
     */
    public GracefulShutdown(Duration budget, FinoraServer server, SyncScheduler scheduler, AutoCloseable database) {
        this.budget = budget;
        this.server = server;
        this.scheduler = scheduler;
        this.database = database;
    }

    /** Runs the shutdown once (later calls return nothing) and returns its phases. */
    public List<Phase> run() {
        if (!ran.compareAndSet(false, true)) {
            return List.of();
        }
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        log.info("Shutting down within {} ms", budget.toMillis());
        List<Phase> phases = new ArrayList<>();
        phase(phases, "health NOT_SERVING", server::enterShutdown);
        Duration syncs =
                slice(deadline, budget.dividedBy(2), budget.multipliedBy(2).dividedBy(5));
        phase(phases, "syncs stopped", () -> scheduler.stop(syncs));
        Duration grace =
                slice(deadline, budget.dividedBy(5), budget.dividedBy(5).plus(budget.dividedBy(25)));
        Duration cancelWait = budget.dividedBy(50);
        phase(phases, "gRPC server stopped", () -> {
            try {
                server.shutdown(grace, cancelWait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        phase(phases, "pools and database closed", () -> closeWithin(deadline));
        log.info("Shutdown complete in {} ms (budget {} ms)", elapsedMillis(start), budget.toMillis());
        return phases;
    }

    private static void phase(List<Phase> phases, String name, Runnable step) {
        long t0 = System.nanoTime();
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("Shutdown phase '{}' failed: {}", name, e.toString());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        phases.add(new Phase(name, took));
        log.info("Shutdown: {} in {} ms", name, took.toMillis());
    }

    /** At most {@code cap}, and never so much that less than {@code reserve} is left for the later phases. */
    private static Duration slice(long deadline, Duration cap, Duration reserve) {
        long left = deadline - System.nanoTime() - reserve.toNanos();
        return Duration.ofNanos(Math.max(0, Math.min(cap.toNanos(), left)));
    }

    /** Closes the database on a thread of its own, so a hung close cannot take the process past the budget. */
    private void closeWithin(long deadline) {
        Thread closer = Thread.ofPlatform().name("shutdown-close").daemon().start(() -> {
            try {
                database.close();
            } catch (Exception e) {
                log.warn("Closing the database failed: {}", e.toString());
            }
        });
        try {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (!closer.join(Duration.ofMillis(left))) {
                log.warn("The database did not close within the shutdown budget; exiting anyway (an embedded"
                        + " PostgreSQL left running is stopped at the next start)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
