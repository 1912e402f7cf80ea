package finora.server.sync;

import finora.db.types.ConnectionStatus;
import finora.server.auth.Plan;
import finora.server.crypto.CredentialCipher;
import finora.server.integration.ConnectionRepository;
import finora.server.integration.ConnectionRepository.ConnectionRow;
import finora.server.integration.Connections;
import finora.server.provider.ProviderCosts;
import finora.server.provider.ProviderCosts.CostLine;
import finora.server.provider.ProviderCosts.DataLevel;
import finora.server.provider.ProviderCosts.Directory;
import finora.server.provider.ProviderException;
import finora.server.provider.ProviderFailure;
import finora.server.sync.SyncRepository.Claim;
import finora.server.sync.SyncRepository.Held;
import finora.server.sync.SyncRepository.ProviderError;
import finora.server.sync.SyncRepository.StoredDay;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One sync of one claimed connection (DESIGN.md §5.2, §8 "Ledger").
 *
 * <p>Cost history belongs to the connection's ledger (the tenant's provider organization), not to
 * the connection: a connection of an organization whose history was kept continues it.
 *
 * <ul>
 *   <li><b>Window.</b> Closed UTC days only: it ends at today 00:00Z (exclusive). It starts at the
 *       earliest day since the plan's backfill start that the ledger does not hold as FINAL (so a
 *       first sync backfills the plan's depth, a reconnected organization fetches only what is
 *       missing or not FINAL, and days a failed run never reached are fetched again), and always
 *       covers at least the last {@value #MIN_REFETCH_DAYS} closed days, so late corrections land.
 *   <li><b>Deep reconciliation.</b> FINAL days can still be corrected. Once every
 *       {@link #DEEP_EVERY} a run also re-checks the last {@value #DEEP_DAYS} closed days (DAILY),
 *       and once after a calendar month closed (from day {@value #MONTH_CHECK_DAY} of the next)
 *       every day of that month (MONTHLY); both within the plan's depth. A changed total is a
 *       restatement, flagged {@code after_final} when the day was FINAL.
 *   <li><b>Fetch.</b> Through the provider seam ({@link ProviderCosts}): the provider decides which
 *       source fills each day (for Anthropic: the Cost Analytics API where it answers and covers the
 *       day, else the legacy cost report) and hands over whole days; names come first. The sync
 *       knows no provider JSON. Legacy pages hold {@value #PAGE_DAYS}
 *       days a page, following {@code next_page}; each day is stored as soon as its bucket arrives,
 *       so memory stays bounded to one page. Workspace names are refreshed first.
 *   <li><b>Store.</b> One transaction per day: delete the day's line items, insert the new ones,
 *       upsert its {@code cost_day} (zero when empty), record a {@code cost_restatement} when its
 *       total changed, publish progress and extend the lease. A failure never leaves half a day.
 *   <li><b>Usage.</b> After the costs, a provider that {@link ProviderCosts#reportsUsage() reports usage}
 *       hands over the token counts of the same window, day by day; each day's usage is replaced in
 *       its own fenced transaction (a changed count is a {@code usage_restatement}), so usage keeps
 *       the cost days' window, re-fetches and finality. Usage pages extend the lease but are not
 *       counted as the run's pages.
 *   <li><b>Fencing.</b> Every transaction first extends the lease under the claim's token; if
 *       another replica took the connection over, or it was removed, the run stops without writing.
 *   <li><b>End.</b> The run's outcome goes to {@code sync_run} and the connection; after a success
 *       the next sync is due one plan interval (read now, so plan changes apply) after the end;
 *       after a failure it is retried sooner: {@link #RETRY_BASE}, doubling with each failure in a
 *       row, never later than the plan interval. A 401/403 marks the connection NEEDS_ATTENTION and
 *       stops its schedule until the key is updated.
 *   <li><b>Odd answers.</b> A 400 on a page is retried once with {@value #SMALL_PAGE_DAYS} days a
 *       page (dense pages are refused by size). A day holding an amount that is not a number is
 *       not stored (it keeps what it had); the other days are, the run fails naming the day, and
 *       every later run tries it again. Failed runs keep Anthropic's request id and message.
 * </ul>
 */
public final class CostSync {
    private static final Logger log = LoggerFactory.getLogger(CostSync.class);

    /** Day buckets per legacy {@code cost_report} page (the provider's rule, named here for the docs). */
    static final int PAGE_DAYS = 31;
    /** Day buckets per legacy page after Anthropic refused a page with 400 (too dense). */
    static final int SMALL_PAGE_DAYS = 7;
    /** The deep reconciliation re-checks this many of the latest closed days... */
    static final int DEEP_DAYS = 35;
    /** ...this often. */
    static final Duration DEEP_EVERY = Duration.ofHours(24);
    /** A closed month is re-checked whole once, from this day of the following month (all its days FINAL by then). */
    static final int MONTH_CHECK_DAY = 3;
    /** Delay before retrying after a failed run; doubles with each failure in a row, capped by the plan interval. */
    static final Duration RETRY_BASE = Duration.ofMinutes(5);
    /** Later syncs always re-fetch at least this many of the latest closed days. */
    static final int MIN_REFETCH_DAYS = 3;
    /** A day is FINAL once it was fetched this long after it closed. */
    static final Duration FINAL_AFTER = Duration.ofHours(48);

    static final String STOPPED_DETAIL =
            "This replica shut down during the sync; the next sync continues where " + "it stopped";
    private static final String REPAIR = "; days stored before the failure are kept and the next sync fetches the rest";

    private final DSLContext dsl;
    private final SyncRepository repository;
    private final ConnectionRepository connectionRepository;
    private final Connections connections;
    private final Map<String, ProviderCosts> providers;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final Duration leaseDuration;
    private final List<SyncListener> listeners;

    /** Creates the sync; {@code leaseDuration} is how far each step extends the lease. */
    public CostSync(
            DSLContext dsl,
            ConnectionRepository connectionRepository,
            Connections connections,
            List<ProviderCosts> providers,
            SyncMetrics metrics,
            Clock clock,
            Duration leaseDuration) {
        this(dsl, connectionRepository, connections, providers, metrics, clock, leaseDuration, List.of());
    }

    /** As above, telling {@code listeners} after every run that started. */
    public CostSync(
            DSLContext dsl,
            ConnectionRepository connectionRepository,
            Connections connections,
            List<ProviderCosts> providers,
            SyncMetrics metrics,
            Clock clock,
            Duration leaseDuration,
            List<SyncListener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.dsl = dsl;
        this.repository = new SyncRepository();
        this.connectionRepository = connectionRepository;
        this.connections = connections;
        this.providers = new java.util.HashMap<>();
        providers.forEach(p -> this.providers.put(p.provider(), p));
        this.metrics = metrics;
        this.clock = clock;
        this.leaseDuration = leaseDuration;
    }

    /** The closed UTC days [start, endExclusive) one run fetches. */
    record Window(LocalDate start, LocalDate endExclusive) {
        int days() {
            return (int) (endExclusive.toEpochDay() - start.toEpochDay());
        }
    }

    /**
     * What one run fetches and which deep reconciliation it does.
     *
     * @param reconciliation NONE, DAILY or MONTHLY (the widest one the window covers)
     * @param deepCheckedAt when the last {@value #DEEP_DAYS} days are re-checked (to note on success), or null
     * @param month the closed month (its first day) re-checked whole, or null
     */
    record RunWindow(Window window, String reconciliation, OffsetDateTime deepCheckedAt, LocalDate month) {}

    /**
     * What one run did.
     *
     * @param outcome SUCCEEDED or FAILED, or SKIPPED when the lease was gone before the run started
     * @param failure the reason of a failure, else null
     */
    record Result(UUID runId, String outcome, SyncFailure failure, int pages, int daysDone, int daysTotal, long rows) {}

    /**
     * The window for {@code today}: from the earliest day since the backfill start that is not
     * FINAL, but never later than the last {@value #MIN_REFETCH_DAYS} closed days; up to today, exclusive.
     */
    static Window window(LocalDate today, int backfillDays, Set<LocalDate> finalDays) {
        LocalDate backfillStart = today.minusDays(backfillDays);
        LocalDate latestStart = today.minusDays(MIN_REFETCH_DAYS);
        LocalDate start = backfillStart;
        while (start.isBefore(latestStart) && finalDays.contains(start)) {
            start = start.plusDays(1);
        }
        return new Window(start.isBefore(latestStart) ? start : latestStart, today);
    }

    /**
     * The regular {@link #window} widened by a due deep reconciliation: the last
     * {@value #DEEP_DAYS} closed days when the last one was {@link #DEEP_EVERY} ago or never, and
     * the previous calendar month once, from day {@value #MONTH_CHECK_DAY} of the current one;
     * never before the plan's backfill start.
     */
    static RunWindow runWindow(
            LocalDate today,
            OffsetDateTime now,
            int backfillDays,
            Set<LocalDate> finalDays,
            SyncRepository.Checks checks) {
        Window regular = window(today, backfillDays, finalDays);
        LocalDate backfillStart = today.minusDays(backfillDays);
        LocalDate start = regular.start();
        String reconciliation = "NONE";
        boolean deep = checks.deepCheckedAt() == null
                || !checks.deepCheckedAt().plus(DEEP_EVERY).isAfter(now);
        if (deep) {
            start = earliest(start, latest(backfillStart, today.minusDays(DEEP_DAYS)));
            reconciliation = "DAILY";
        }
        LocalDate lastMonth = today.withDayOfMonth(1).minusMonths(1);
        LocalDate month = null;
        if (today.getDayOfMonth() >= MONTH_CHECK_DAY
                && (checks.monthChecked() == null || checks.monthChecked().isBefore(lastMonth))) {
            month = lastMonth;
            start = earliest(start, latest(backfillStart, lastMonth));
            reconciliation = "MONTHLY";
        }
        return new RunWindow(new Window(start, today), reconciliation, deep ? now : null, month);
    }

    /** After {@code failures} failed runs in a row (at least 1): 5, 10, 20, ... minutes, at most the plan interval. */
    static Duration retryDelay(Duration planInterval, int failures) {
        Duration delay = RETRY_BASE.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
        return delay.compareTo(planInterval) < 0 ? delay : planInterval;
    }

    private static LocalDate earliest(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    private static LocalDate latest(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    /** FINAL when fetched at least {@link #FINAL_AFTER} after the day closed, else PROVISIONAL. */
    static String status(LocalDate day, Instant fetchedAt) {
        Instant finalFrom =
                day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(FINAL_AFTER);
        return fetchedAt.isBefore(finalFrom) ? "PROVISIONAL" : "FINAL";
    }

    /** Runs one sync of a connection this replica claimed; {@code stopRequested} ends it after the current day. */
    Result run(Claim claim, BooleanSupplier stopRequested) {
        try (var c = MDC.putCloseable("connection_id", claim.connectionId().toString());
                var r = MDC.putCloseable("sync_run_id", claim.token().toString())) {
            return runLogged(claim, stopRequested);
        }
    }

    private Result runLogged(Claim claim, BooleanSupplier stopRequested) {
        long startNanos = System.nanoTime();
        OffsetDateTime startedAt = now();
        LocalDate today = startedAt.toLocalDate();
        RunWindow runWindow;
        try {
            runWindow = start(claim, startedAt, today);
        } catch (RuntimeException e) {
            // The database refused the start (unreachable, pool exhausted): hand the connection back
            // for a retry instead of leaving the lease to run out.
            log.warn("Sync of connection {} could not start: {}", claim.connectionId(), e.toString());
            finish(claim, SyncFailure.INTERNAL, "The sync could not start: the database did not answer" + REPAIR);
            return new Result(claim.token(), "FAILED", SyncFailure.INTERNAL, 0, 0, 0, 0);
        }
        if (runWindow == null) {
            log.info("Connection {} was taken over or removed before its sync started", claim.connectionId());
            return new Result(claim.token(), "SKIPPED", SyncFailure.LEASE_LOST, 0, 0, 0, 0);
        }
        return runStarted(claim, stopRequested, runWindow, startNanos, today);
    }

    /** The run's first transaction: extends the lease, abandons a taken-over run, records this one; null if the lease is gone. */
    private RunWindow start(Claim claim, OffsetDateTime startedAt, LocalDate today) {
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            if (!repository.extendLease(tx, claim, startedAt.plus(leaseDuration))) {
                return null;
            }
            if (repository.abandonRunning(
                            tx,
                            claim.connectionId(),
                            startedAt,
                            "The replica running this sync " + "stopped renewing its lease; another replica took over")
                    > 0) {
                log.warn("Took over connection {} from a replica whose lease expired", claim.connectionId());
            }
            Plan plan = repository.plan(tx, claim.tenantId());
            RunWindow w = runWindow(
                    today,
                    startedAt,
                    plan.backfillDays(),
                    repository.finalDays(tx, claim.ledgerId(), today.minusDays(plan.backfillDays()), today),
                    repository.checks(tx, claim.ledgerId()));
            repository.insertRun(
                    tx,
                    claim,
                    trigger(claim),
                    w.window().start(),
                    w.window().endExclusive().minusDays(1),
                    w.window().days(),
                    startedAt,
                    w.reconciliation());
            return w;
        });
    }

    private Result runStarted(
            Claim claim, BooleanSupplier stopRequested, RunWindow runWindow, long startNanos, LocalDate today) {
        Window window = runWindow.window();
        log.info(
                "Sync of connection {} started: {} to {} ({} days)",
                claim.connectionId(),
                window.start(),
                window.endExclusive().minusDays(1),
                window.days());
        metrics.started();
        Progress progress = new Progress();
        SyncFailure failure = null;
        String detail = null;
        ProviderError providerError = null;
        ProviderCosts source = null;
        try {
            ConnectionRow row = live(claim);
            ProviderCosts provider = providers.get(row.provider());
            source = provider;
            if (provider == null) {
                throw new Abort(SyncFailure.INTERNAL, "No cost source for provider " + row.provider());
            }
            String key = key(row);
            DataLevel level = provider.probe(key, today);
            Directory directory = provider.directory(key, level);
            storeDirectory(claim, directory);
            DataLevel used = syncCosts(claim, provider, key, level, directory, window, today, progress, stopRequested);
            if (provider.reportsUsage()) {
                syncUsage(claim, provider, key, window, progress, stopRequested);
            }
            recordLevel(claim, used);
            nowcast(claim, provider, key, used, today);
        } catch (ProviderException e) {
            if (e.requestId() != null || e.providerMessage() != null) {
                providerError = new ProviderError(e.requestId(), e.providerMessage());
            }
            ProviderFailure row = ProviderFailure.of(e);
            failure = SyncFailure.valueOf(row.syncReason());
            detail = source == null ? e.getMessage() + REPAIR : row.syncText(source, e, REPAIR);
        } catch (Abort e) {
            failure = e.failure;
            detail = e.getMessage();
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            log.error("Sync of connection {} failed unexpectedly, reference {}", claim.connectionId(), ref, e);
            failure = SyncFailure.INTERNAL;
            detail = "Internal error (reference " + ref + ")" + REPAIR;
        }
        if (stopRequested.getAsBoolean()
                && (failure == SyncFailure.PROVIDER_UNAVAILABLE || failure == SyncFailure.INTERNAL)) {
            // Interrupted by a stop that timed out: not the provider's fault, and still due.
            failure = SyncFailure.STOPPED;
            detail = STOPPED_DETAIL;
        }
        finish(claim, failure, detail, providerError, failure == null ? runWindow : null);
        tellListeners(new SyncListener.SyncEnded(claim.tenantId(), claim.connectionId(), failure == null));
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String outcome = failure == null ? "SUCCEEDED" : "FAILED";
        metrics.finished(outcome, failure, seconds);
        if (failure == null) {
            log.info(
                    "Sync of connection {} succeeded: {} days, {} line items, {} pages in {} ms",
                    claim.connectionId(),
                    progress.daysDone,
                    progress.rows,
                    progress.pages,
                    Math.round(seconds * 1000));
        } else {
            log.warn(
                    "Sync of connection {} failed with {} after {} of {} days: {}",
                    claim.connectionId(),
                    failure,
                    progress.daysDone,
                    window.days(),
                    detail);
        }
        return new Result(
                claim.token(), outcome, failure, progress.pages, progress.daysDone, window.days(), progress.rows);
    }

    /** Budgets, anomalies and alerts follow syncs here; their failures never fail the sync. */
    private void tellListeners(SyncListener.SyncEnded event) {
        for (SyncListener listener : listeners) {
            try {
                listener.syncEnded(event);
            } catch (RuntimeException e) {
                log.error("A sync listener failed after the sync of connection {}", event.connectionId(), e);
            }
        }
    }

    /** Ends a run that did not get to fetch (stopped); never throws. */
    void finish(Claim claim, SyncFailure failure, String detail) {
        finish(claim, failure, detail, null, null);
    }

    /**
     * Ends the run and hands the connection back; never throws (a failure leaves the lease to
     * expire). {@code succeeded} is the window of a successful run, whose deep reconciliation is noted.
     */
    private void finish(
            Claim claim, SyncFailure failure, String detail, ProviderError providerError, RunWindow succeeded) {
        // A stop that timed out interrupts the worker; the bookkeeping must still reach the database.
        boolean interrupted = Thread.interrupted();
        try {
            OffsetDateTime endedAt = now();
            String outcome = failure == null ? "SUCCEEDED" : "FAILED";
            dsl.transaction(c -> {
                DSLContext tx = c.dsl();
                repository.endRun(tx, claim.token(), endedAt, outcome, failure, truncate(detail), providerError);
                Optional<Held> held = repository.lockHeld(tx, claim);
                if (held.isEmpty()) {
                    return; // taken over: the connection belongs to another run now
                }
                if (succeeded != null) {
                    repository.markChecked(tx, claim.ledgerId(), succeeded.deepCheckedAt(), succeeded.month());
                }
                boolean active = held.get().status() == ConnectionStatus.ACTIVE;
                boolean keyChanged = held.get().version() != claim.version();
                int failures = failure == null ? 0 : held.get().failedSyncs() + 1;
                boolean needsNewKey = failure == SyncFailure.KEY_REJECTED
                        || failure == SyncFailure.KEY_FORBIDDEN
                        || failure == SyncFailure.CREDENTIAL_UNREADABLE;
                if (needsNewKey && active && !keyChanged) {
                    repository.needsAttention(tx, claim, failure, detail);
                    repository.release(tx, claim, endedAt, outcome, null, true, failures);
                } else if (needsNewKey) {
                    // The key was rotated while this run used the old one: try the new key now.
                    repository.release(tx, claim, endedAt, outcome, active ? endedAt : null, false, failures);
                } else if (failure == SyncFailure.STOPPED) {
                    // Still due: another replica continues; not a failure of the sync itself.
                    repository.release(
                            tx, claim, endedAt, outcome, null, true, held.get().failedSyncs());
                } else {
                    Duration interval = held.get().plan().refreshInterval();
                    OffsetDateTime next =
                            !active ? null : endedAt.plus(failure == null ? interval : retryDelay(interval, failures));
                    repository.release(tx, claim, endedAt, outcome, next, false, failures);
                }
            });
        } catch (RuntimeException e) {
            log.error(
                    "Could not record the end of sync {} of connection {}; its lease will expire",
                    claim.token(),
                    claim.connectionId(),
                    e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ConnectionRow live(Claim claim) {
        return connectionRepository
                .findLive(dsl, claim.tenantId(), claim.connectionId())
                .orElseThrow(() -> new Abort(SyncFailure.CONNECTION_REMOVED, "The connection was removed"));
    }

    private String key(ConnectionRow row) {
        try {
            return connections.decryptKey(row);
        } catch (CredentialCipher.CredentialUnreadableException e) {
            throw new Abort(
                    SyncFailure.CREDENTIAL_UNREADABLE,
                    "The stored Admin key cannot be decrypted with the "
                            + "key set this server is configured with (was FINORA_KEYSET_FILE replaced?). Syncs are paused: "
                            + "restore the previous key set, or choose Update on this connection and paste the key again.");
        }
    }

    /** Stores workspace, API key and actor names (fenced). */
    private void storeDirectory(Claim claim, Directory directory) {
        dsl.transaction(c -> {
            fence(c.dsl(), claim);
            repository.upsertDirectory(c.dsl(), claim.ledgerId(), directory);
        });
    }

    /** Notes on the connection which data level this run could use (fenced). */
    private void recordLevel(Claim claim, DataLevel level) {
        OffsetDateTime at = now();
        dsl.transaction(c -> {
            fence(c.dsl(), claim);
            switch (level) {
                case ProviderCosts.Detailed d ->
                    connectionRepository.recordAnalyticsCheck(c.dsl(), claim.connectionId(), "AVAILABLE", null, at);
                case ProviderCosts.WorkspaceOnly w ->
                    connectionRepository.recordAnalyticsCheck(c.dsl(), claim.connectionId(), "REFUSED", w.reason(), at);
            }
        });
    }

    /**
     * Today's estimate ("nowcast"), fetched on every run (so on the plan's cycle) and stored apart
     * from the closed days; kept as it was when the provider offers none this time.
     */
    private void nowcast(Claim claim, ProviderCosts provider, String key, DataLevel level, LocalDate today) {
        ProviderCosts.NowcastAnswer answer = provider.nowcast(key, level, today, clock.instant());
        switch (answer) {
            case ProviderCosts.Estimate e -> {
                OffsetDateTime at = now();
                dsl.transaction(c -> {
                    fence(c.dsl(), claim);
                    repository.replaceNowcast(c.dsl(), claim, e, at);
                });
            }
            case ProviderCosts.NoEstimate n ->
                log.debug("No estimate of today for connection {}: {}", claim.connectionId(), n.reason());
        }
    }

    private DataLevel syncCosts(
            Claim claim,
            ProviderCosts provider,
            String key,
            DataLevel level,
            Directory directory,
            Window window,
            LocalDate today,
            Progress progress,
            BooleanSupplier stop) {
        Set<LocalDate> seen = new HashSet<>();
        Set<LocalDate> stored = new HashSet<>();
        List<LocalDate> defective = new ArrayList<>();
        checkStop(stop);
        DataLevel used = provider.fetchDays(
                key,
                level,
                directory,
                window.start(),
                window.endExclusive(),
                today,
                fetched -> {
                    LocalDate day = fetched.day();
                    if (day.isBefore(window.start()) || !day.isBefore(window.endExclusive()) || !seen.add(day)) {
                        // Never store what was not asked for (today above all is still changing), nor a day twice.
                        log.warn(
                                "The provider handed over {} again or outside the window {} to {}; ignored",
                                day,
                                window.start(),
                                window.endExclusive().minusDays(1));
                        return;
                    }
                    switch (fetched) {
                        case ProviderCosts.DefectiveDay d -> defective.add(day);
                        case ProviderCosts.Day d -> storeDay(claim, progress, d, stored.add(day));
                    }
                    checkStop(stop);
                },
                () -> {
                    progress.pages++;
                    heartbeat(claim, progress);
                    checkStop(stop);
                });
        if (seen.size() < window.days()) {
            throw ProviderException.bad("The provider's cost data lacked " + (window.days() - seen.size()) + " of the "
                    + window.days() + " days asked for");
        }
        if (!defective.isEmpty()) {
            throw new Abort(
                    SyncFailure.BAD_RESPONSE,
                    provider.displayName()
                            + "'s cost data held an amount that is not a number "
                            + "on " + days(defective) + "; "
                            + (defective.size() == 1 ? "that day keeps" : "those days keep")
                            + " what was stored before, every other day was stored, and the next sync fetches "
                            + (defective.size() == 1 ? "it" : "them") + " again");
        }
        return used;
    }

    /**
     * Token usage of the same window, after its costs: each day's usage replaced whole in one fenced
     * transaction, so usage follows the cost days' window, re-fetches and finality (the day's status
     * is the cost day's); a changed count is a usage restatement.
     */
    private void syncUsage(
            Claim claim, ProviderCosts provider, String key, Window window, Progress progress, BooleanSupplier stop) {
        Set<LocalDate> seen = new HashSet<>();
        checkStop(stop);
        provider.fetchUsage(
                key,
                window.start(),
                window.endExclusive(),
                usage -> {
                    LocalDate day = usage.day();
                    if (day.isBefore(window.start()) || !day.isBefore(window.endExclusive()) || !seen.add(day)) {
                        log.warn("The provider handed over usage of {} again or outside the window; ignored", day);
                        return;
                    }
                    OffsetDateTime at = now();
                    boolean restated = dsl.transactionResult(c -> {
                        fence(c.dsl(), claim);
                        return repository.replaceUsageDay(c.dsl(), claim, day, usage.lines(), at);
                    });
                    if (restated) {
                        log.info("The provider restated the usage of {} of connection {}", day, claim.connectionId());
                    }
                    checkStop(stop);
                },
                () -> {
                    heartbeat(claim, progress); // the run's page count stays the cost pages'
                    checkStop(stop);
                });
    }

    private static String days(List<LocalDate> days) {
        List<String> shown =
                days.stream().sorted().limit(5).map(LocalDate::toString).toList();
        return String.join(", ", shown)
                + (days.size() > shown.size() ? " and " + (days.size() - shown.size()) + " more days" : "");
    }

    /**
     * Replaces one day in one transaction, noting which source filled it. A day its source calls
     * unsettled stays PROVISIONAL whenever it was fetched. Today's estimate of that day or earlier
     * ones is dropped in the same transaction: the closed day replaces it.
     */
    private void storeDay(Claim claim, Progress progress, ProviderCosts.Day fetched, boolean firstTime) {
        LocalDate day = fetched.day();
        List<CostLine> items = fetched.lines();
        BigDecimal total = items.stream().map(CostLine::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        OffsetDateTime fetchedAt = now();
        String status = fetched.settled() ? status(day, fetchedAt.toInstant()) : "PROVISIONAL";
        int daysDone = progress.daysDone + (firstTime ? 1 : 0);
        long rows = progress.rows + items.size();
        boolean restated = dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            fence(tx, claim);
            Optional<StoredDay> old = repository.storedDay(tx, claim.ledgerId(), day);
            repository.replaceDay(
                    tx,
                    claim,
                    day,
                    items,
                    total,
                    fetchedAt,
                    status,
                    fetched.source().name(),
                    fetched.settled());
            repository.upsertSeenActors(tx, claim.ledgerId(), fetched.actors());
            repository.dropNowcastThrough(tx, claim.ledgerId(), day);
            boolean changed = old.isPresent() && old.get().total().compareTo(total) != 0;
            if (changed) {
                repository.insertRestatement(
                        tx,
                        claim,
                        day,
                        old.get().total(),
                        total,
                        fetchedAt,
                        "FINAL".equals(old.get().status()));
            }
            repository.progress(tx, claim.token(), progress.pages, daysDone, rows);
            return changed;
        });
        progress.daysDone = daysDone;
        progress.rows = rows;
        metrics.dayWritten(items.size(), restated);
        if (restated) {
            log.info("Anthropic restated {} of connection {}", day, claim.connectionId());
        }
    }

    /** Extends the lease and publishes the page count, also when a page held no day. */
    private void heartbeat(Claim claim, Progress progress) {
        dsl.transaction(c -> {
            fence(c.dsl(), claim);
            repository.progress(c.dsl(), claim.token(), progress.pages, progress.daysDone, progress.rows);
        });
    }

    /** Extends the lease or aborts the run (inside a transaction that then rolls back). */
    private void fence(DSLContext tx, Claim claim) {
        if (!repository.extendLease(tx, claim, now().plus(leaseDuration))) {
            throw repository.holdsLease(tx, claim)
                    ? new Abort(SyncFailure.CONNECTION_REMOVED, "The connection was removed during the sync")
                    : new Abort(
                            SyncFailure.LEASE_LOST,
                            "This replica's lease ran out and another replica took the "
                                    + "connection over; it continues the sync");
        }
    }

    private static String trigger(Claim claim) {
        if (claim.lastSyncStartedAt() == null) {
            return "CONNECT";
        }
        if (claim.refreshRequestedAt() != null && claim.refreshRequestedAt().isAfter(claim.lastSyncStartedAt())) {
            return "MANUAL";
        }
        return "SCHEDULE";
    }

    private static void checkStop(BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            throw new Abort(SyncFailure.STOPPED, STOPPED_DETAIL);
        }
    }

    private static String truncate(String s) {
        return truncate(s, 500);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Counters of a running sync. */
    private static final class Progress {
        int pages;
        int daysDone;
        long rows;
    }

    /** Ends a run for a reason that is not the provider's. */
    private static final class Abort extends RuntimeException {
        final SyncFailure failure;

        Abort(SyncFailure failure, String message) {
            super(message, null, false, false);
            this.failure = failure;
        }
    }
}
