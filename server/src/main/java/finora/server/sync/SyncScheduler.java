package finora.server.sync;

import finora.server.sync.SyncRepository.Claim;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due syncs on this replica (DESIGN.md §5.3, §5.4).
 *
 * <p>Every {@link SyncConfig#pollInterval()} (fixed delay) it claims as many due connections as it
 * has free workers, in a short transaction with {@code SELECT … FOR UPDATE SKIP LOCKED}: due means
 * ACTIVE, {@code next_sync_at <= now} and no live lease. A claim writes {@code lease_owner} (this
 * replica), a fresh {@code lease_token} and {@code lease_expires_at = now + lease}; the run extends
 * the lease with every page and day, and every write checks the token, so a replica that stalls past
 * its lease is taken over by another and can never write again. Time comes only from the clock.
 *
 * <p>{@link #stop} is the "stop background work" step of a graceful shutdown: no new claims;
 * running syncs end after their current day (or are interrupted after the timeout) and release
 * their leases, leaving the connections due for another replica.
 */
public final class SyncScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);
    /** Safety cap of {@link #runDueNow()}. */
    private static final int MAX_RUNS_NOW = 10_000;

    private final DSLContext dsl;
    private final SyncRepository repository = new SyncRepository();
    private final CostSync sync;
    private final SyncConfig config;
    private final boolean enabled;
    private final Clock clock;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Set<Claim> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore freeWorkers;
    private ScheduledExecutorService poller;
    private ExecutorService workers;

    /** Creates an idle scheduler; {@code enabled} false ({@code FINORA_SYNC_ENABLED=false}) makes {@link #start} a no-op. */
    public SyncScheduler(DSLContext dsl, CostSync sync, SyncConfig config, boolean enabled, Clock clock) {
        this.dsl = dsl;
        this.sync = sync;
        this.config = config;
        this.enabled = enabled;
        this.clock = clock;
        this.freeWorkers = new Semaphore(config.workers());
    }

    /** Starts polling; the threads are daemons, created here and not before. */
    public synchronized void start() {
        if (!enabled) {
            log.info("Syncs are disabled on this replica (FINORA_SYNC_ENABLED=false)");
            return;
        }
        if (poller != null || stopping.get()) {
            throw new IllegalStateException("The sync scheduler was already started");
        }
        workers = Executors.newFixedThreadPool(config.workers(), threads("sync-worker-"));
        poller = Executors.newSingleThreadScheduledExecutor(threads("sync-poller-"));
        poller.scheduleWithFixedDelay(this::poll, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Sync scheduler started as replica {}: {} workers, polling every {} ms", config.replicaId(),
                config.workers(), config.pollInterval().toMillis());
    }

    /** The id this replica writes into leases and sync runs. */
    public String replicaId() {
        return config.replicaId();
    }

    /**
     * Claims and runs due connections one at a time on the calling thread until none is due; for
     * tests and tools. Returns how many syncs ran.
     */
    public int runDueNow() {
        int runs = 0;
        while (runs < MAX_RUNS_NOW && !stopping.get()) {
            List<Claim> claims = claim(1);
            if (claims.isEmpty()) {
                break;
            }
            sync.run(claims.get(0), stopping::get);
            runs++;
        }
        return runs;
    }

    /** Claims up to {@code max} due connections for this replica. */
    List<Claim> claim(int max) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return dsl.transactionResult(c -> repository.claimDue(c.dsl(), now, config.replicaId(),
                now.plus(config.leaseDuration()), max));
    }

    /** One look for due connections; never throws, or the executor would cancel the schedule. */
    private void poll() {
        try {
            if (stopping.get()) {
                return;
            }
            int free = freeWorkers.availablePermits();
            if (free == 0) {
                return;
            }
            for (Claim claim : claim(free)) {
                freeWorkers.acquireUninterruptibly(); // only this thread acquires, and it claimed at most `free`
                inFlight.add(claim);
                try {
                    workers.execute(() -> {
                        try {
                            sync.run(claim, stopping::get);
                        } finally {
                            inFlight.remove(claim);
                            freeWorkers.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.remove(claim);
                    freeWorkers.release();
                    sync.finish(claim, SyncFailure.STOPPED, CostSync.STOPPED_DETAIL);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Looking for due syncs failed; trying again in {} ms: {}", config.pollInterval().toMillis(),
                    e.toString());
        }
    }

    /** {@link #stop(Duration)} with {@link SyncConfig#stopTimeout()}. */
    public void stop() {
        stop(config.stopTimeout());
    }

    /**
     * Stops claiming, lets running syncs finish their current day, interrupts those still running at
     * four fifths of {@code timeout} and waits the last fifth for them to let go; leases still held after
     * that are released so other replicas continue at once. Returns within {@code timeout} plus the few
     * writes that release the leases.
     */
    public synchronized void stop(Duration timeout) {
        if (!stopping.compareAndSet(false, true) || poller == null) {
            return;
        }
        long start = System.nanoTime();
        long interruptAt = start + timeout.toNanos() / 5 * 4;
        long deadline = start + timeout.toNanos();
        try {
            poller.shutdown();
            poller.awaitTermination(nanosUntil(interruptAt), TimeUnit.NANOSECONDS);
            workers.shutdown();
            if (!workers.awaitTermination(nanosUntil(interruptAt), TimeUnit.NANOSECONDS)) {
                log.warn("{} syncs still running after {} ms; interrupting them", inFlight.size(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                workers.shutdownNow();
                workers.awaitTermination(nanosUntil(deadline), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        } finally {
            for (Claim claim : inFlight) {
                sync.finish(claim, SyncFailure.STOPPED, CostSync.STOPPED_DETAIL);
            }
            log.info("Sync scheduler of replica {} stopped", config.replicaId());
        }
    }

    private static long nanosUntil(long when) {
        return Math.max(0, when - System.nanoTime());
    }

    @Override
    public void close() {
        stop();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
