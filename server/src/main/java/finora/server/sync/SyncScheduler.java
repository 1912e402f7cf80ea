package finora.server.sync;

import finora.server.sync.SyncRepository.Claim;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
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
 * replica), {@code lease_session} (this scheduler's session), a fresh {@code lease_token} and
 * {@code lease_expires_at = now + lease}; the run extends the lease with every page and day, and
 * every write checks the token, so a replica that was taken over can never write again.
 *
 * <p><b>Heartbeat.</b> From its first claim the scheduler renews its session's {@code sync_replica}
 * row every {@link SyncConfig#heartbeatInterval()} on a thread of its own. A lease is live only while
 * its session's row is (by the database's clock) and its {@code lease_expires_at} has not passed, so
 * the connections of a replica that crashed, hung or lost the database are claimed by the others
 * within about {@link SyncConfig#heartbeatExpiry()} plus one poll, while the long lease still frees
 * a sync that hangs on a replica that is otherwise alive. Business time ("due", lease ends) comes
 * from the injected clock.
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
    /** This scheduler's session: a new one per process start, even under the same replica id. */
    private final UUID sessionId = UUID.randomUUID();

    private final AtomicBoolean halted = new AtomicBoolean();
    private ScheduledExecutorService poller;
    private ExecutorService workers;
    private ScheduledExecutorService heartbeat;
    private volatile long lastBeatNanos;

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
        startHeartbeat();
        workers = Executors.newFixedThreadPool(config.workers(), threads("sync-worker-"));
        poller = Executors.newSingleThreadScheduledExecutor(threads("sync-poller-"));
        poller.scheduleWithFixedDelay(this::poll, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info(
                "Sync scheduler started as replica {} (session {}): {} workers, polling every {} ms, heartbeat "
                        + "every {} ms, expiring after {} ms, leases of {} s",
                config.replicaId(),
                sessionId,
                config.workers(),
                config.pollInterval().toMillis(),
                config.heartbeatInterval().toMillis(),
                config.heartbeatExpiry().toMillis(),
                config.leaseDuration().toSeconds());
    }

    /** Starts renewing this session's heartbeat, once; a no-op after a stop. */
    private synchronized void startHeartbeat() {
        if (heartbeat != null || stopping.get()) {
            return;
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(threads("sync-heartbeat-"));
        lastBeatNanos = System.nanoTime();
        heartbeat.scheduleWithFixedDelay(
                this::beat, 0, config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One renewal; never throws, or the executor would cancel the schedule. */
    private void beat() {
        try {
            dsl.transaction(c -> repository.beat(c.dsl(), sessionId, config.replicaId(), config.heartbeatExpiry()));
            long now = System.nanoTime();
            if (now - lastBeatNanos > config.heartbeatExpiry().toNanos()) {
                log.warn(
                        "Heartbeat of replica {} renewed after {} ms: other replicas may have taken over its syncs "
                                + "meanwhile (their writes are fenced)",
                        config.replicaId(),
                        TimeUnit.NANOSECONDS.toMillis(now - lastBeatNanos));
            }
            lastBeatNanos = now;
            if (ThreadLocalRandom.current().nextInt(100) == 0) {
                dsl.transaction(c -> repository.purgeSessions(c.dsl(), Duration.ofHours(1)));
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Renewing the heartbeat of replica {} failed; trying again in {} ms: {}",
                    config.replicaId(),
                    config.heartbeatInterval().toMillis(),
                    e.toString());
        }
    }

    /** This scheduler's session id, as written to {@code sync_replica} and {@code connection.lease_session}. */
    public UUID sessionId() {
        return sessionId;
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
        startHeartbeat();
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

    /**
     * Claims up to {@code max} due connections for this replica; renews the session's heartbeat in the
     * same transaction, so a claim is never made by a session that looks dead.
     */
    List<Claim> claim(int max) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return dsl.transactionResult(c -> {
            repository.beat(c.dsl(), sessionId, config.replicaId(), config.heartbeatExpiry());
            return repository.claimDue(
                    c.dsl(), now, config.replicaId(), sessionId, now.plus(config.leaseDuration()), max);
        });
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
                        } catch (RuntimeException e) {
                            log.error(
                                    "Sync of connection {} ended unexpectedly; its lease runs out",
                                    claim.connectionId(),
                                    e);
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
            log.warn(
                    "Looking for due syncs failed; trying again in {} ms: {}",
                    config.pollInterval().toMillis(),
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
        if (halted.get()) {
            return;
        }
        if (!stopping.compareAndSet(false, true) || poller == null) {
            endHeartbeat(); // a runDueNow-only scheduler has a session too
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
                log.warn(
                        "{} syncs still running after {} ms; interrupting them",
                        inFlight.size(),
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
            endHeartbeat();
            log.info("Sync scheduler of replica {} stopped", config.replicaId());
        }
    }

    /** Stops renewing and deletes the session: every lease it held was released before. */
    private synchronized void endHeartbeat() {
        if (heartbeat == null) {
            return;
        }
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(1, TimeUnit.SECONDS);
            dsl.transaction(c -> repository.endSession(c.dsl(), sessionId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn(
                    "Could not end the session of replica {}; it expires by itself: {}",
                    config.replicaId(),
                    e.toString());
        } finally {
            heartbeat = null;
        }
    }

    /**
     * Simulates a crash, for tests and the soak run: the heartbeat, the poller and the workers stop at
     * once (interrupted), nothing is released and the session is left to expire, as after a kill -9.
     * Close the replica's database pool first, so that nothing its interrupted workers still had in
     * hand reaches the database.
     */
    public synchronized void halt() {
        halted.set(true);
        stopping.set(true);
        for (ExecutorService e : new ExecutorService[] {heartbeat, poller, workers}) {
            if (e != null) {
                e.shutdownNow();
            }
        }
        log.warn(
                "Sync scheduler of replica {} halted (simulated crash): its leases expire with its heartbeat",
                config.replicaId());
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
