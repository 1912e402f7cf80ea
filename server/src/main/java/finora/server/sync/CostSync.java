package finora.server.sync;

import finora.server.auth.Plan;
import finora.server.integration.ConnectionRepository;
import finora.server.integration.ConnectionRepository.ConnectionRow;
import finora.server.integration.Connections;
import finora.server.provider.anthropic.AnthropicAdminClient;
import finora.server.provider.anthropic.AnthropicException;
import finora.server.provider.anthropic.AnthropicModels.CostBucket;
import finora.server.provider.anthropic.AnthropicModels.CostReportPage;
import finora.server.provider.anthropic.AnthropicModels.CostResult;
import finora.server.provider.anthropic.AnthropicModels.Workspace;
import finora.server.provider.anthropic.AnthropicModels.WorkspacePage;
import finora.server.provider.anthropic.ModelName;
import finora.server.sync.SyncRepository.Claim;
import finora.server.sync.SyncRepository.Held;
import finora.server.sync.SyncRepository.LineItem;
import finora.server.sync.SyncRepository.WorkspaceName;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * One sync of one claimed connection (DESIGN.md §5.2).
 *
 * <ul>
 *   <li><b>Window.</b> Closed UTC days only: it ends at today 00:00Z (exclusive). It starts at the
 *       earliest day since the plan's backfill start that is not stored as FINAL (so a first sync
 *       backfills the plan's depth, and days a failed run never reached are fetched again), and
 *       always covers at least the last {@value #MIN_REFETCH_DAYS} closed days, so late corrections land.
 *   <li><b>Fetch.</b> {@code cost_report} grouped by workspace and description, {@value #PAGE_DAYS}
 *       days a page, following {@code next_page}; each day is stored as soon as its bucket arrives,
 *       so memory stays bounded to one page. Workspace names are refreshed first.
 *   <li><b>Store.</b> One transaction per day: delete the day's line items, insert the new ones,
 *       upsert its {@code cost_day} (zero when empty), record a {@code cost_restatement} when its
 *       total changed, publish progress and extend the lease. A failure never leaves half a day.
 *   <li><b>Fencing.</b> Every transaction first extends the lease under the claim's token; if
 *       another replica took the connection over, or it was removed, the run stops without writing.
 *   <li><b>End.</b> The run's outcome goes to {@code sync_run} and the connection; the next sync is
 *       due one plan interval (read now, so plan changes apply) after the end. A 401/403 marks the
 *       connection NEEDS_ATTENTION and stops its schedule until the key is updated.
 * </ul>
 */
public final class CostSync {
    private static final Logger log = LoggerFactory.getLogger(CostSync.class);

    /** Day buckets per {@code cost_report} page: the API's maximum. */
    static final int PAGE_DAYS = 31;
    /** Later syncs always re-fetch at least this many of the latest closed days. */
    static final int MIN_REFETCH_DAYS = 3;
    /** A day is FINAL once it was fetched this long after it closed. */
    static final Duration FINAL_AFTER = Duration.ofHours(48);
    /** Name stored for the Default workspace (cost rows with no workspace id). */
    static final String DEFAULT_WORKSPACE = "Default";
    private static final List<String> GROUP_BY = List.of("workspace_id", "description");
    private static final int WORKSPACE_PAGE = 100;
    /** NUMERIC(20, 8): US dollars with 8 decimals (cents with 6) and 12 integer digits. */
    private static final int USD_SCALE = 8;
    private static final int USD_INTEGER_DIGITS = 12;
    static final String STOPPED_DETAIL = "This replica shut down during the sync; the next sync continues where "
            + "it stopped";
    private static final String REPAIR = "; days stored before the failure are kept and the next sync fetches the rest";

    private final DSLContext dsl;
    private final SyncRepository repository;
    private final ConnectionRepository connectionRepository;
    private final Connections connections;
    private final AnthropicAdminClient anthropic;
    private final SyncMetrics metrics;
    private final Clock clock;
    private final Duration leaseDuration;
    private final List<SyncListener> listeners;

    /** Creates the sync; {@code leaseDuration} is how far each step extends the lease. */
    public CostSync(DSLContext dsl, ConnectionRepository connectionRepository, Connections connections,
            AnthropicAdminClient anthropic, SyncMetrics metrics, Clock clock, Duration leaseDuration) {
        this(dsl, connectionRepository, connections, anthropic, metrics, clock, leaseDuration, List.of());
    }

    /** As above, telling {@code listeners} after every run that started. */
    public CostSync(DSLContext dsl, ConnectionRepository connectionRepository, Connections connections,
            AnthropicAdminClient anthropic, SyncMetrics metrics, Clock clock, Duration leaseDuration,
            List<SyncListener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.dsl = dsl;
        this.repository = new SyncRepository();
        this.connectionRepository = connectionRepository;
        this.connections = connections;
        this.anthropic = anthropic;
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
     * What one run did.
     *
     * @param outcome SUCCEEDED or FAILED, or SKIPPED when the lease was gone before the run started
     * @param failure the reason of a failure, else null
     */
    record Result(UUID runId, String outcome, SyncFailure failure, int pages, int daysDone, int daysTotal,
            long rows) {}

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

    /** FINAL when fetched at least {@link #FINAL_AFTER} after the day closed, else PROVISIONAL. */
    static String status(LocalDate day, Instant fetchedAt) {
        Instant finalFrom = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(FINAL_AFTER);
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
        Window window = dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            if (!repository.extendLease(tx, claim, startedAt.plus(leaseDuration))) {
                return null;
            }
            if (repository.abandonRunning(tx, claim.connectionId(), startedAt, "The replica running this sync "
                    + "stopped renewing its lease; another replica took over") > 0) {
                log.warn("Took over connection {} from a replica whose lease expired", claim.connectionId());
            }
            Plan plan = repository.plan(tx, claim.tenantId());
            Window w = window(today, plan.backfillDays(), repository.finalDays(tx, claim.connectionId(),
                    today.minusDays(plan.backfillDays()), today));
            repository.insertRun(tx, claim, trigger(claim), w.start(), w.endExclusive().minusDays(1), w.days(),
                    startedAt);
            return w;
        });
        if (window == null) {
            log.info("Connection {} was taken over or removed before its sync started", claim.connectionId());
            return new Result(claim.token(), "SKIPPED", SyncFailure.LEASE_LOST, 0, 0, 0, 0);
        }
        log.info("Sync of connection {} started: {} to {} ({} days)", claim.connectionId(), window.start(),
                window.endExclusive().minusDays(1), window.days());
        metrics.started();
        Progress progress = new Progress();
        SyncFailure failure = null;
        String detail = null;
        try {
            String key = key(claim);
            syncWorkspaces(claim, key);
            syncCosts(claim, key, window, progress, stopRequested);
        } catch (AnthropicException e) {
            failure = switch (e.kind()) {
                case UNAUTHORIZED -> SyncFailure.KEY_REJECTED;
                case FORBIDDEN -> SyncFailure.KEY_FORBIDDEN;
                case UNAVAILABLE -> SyncFailure.PROVIDER_UNAVAILABLE;
                case BAD_RESPONSE -> SyncFailure.BAD_RESPONSE;
                case REQUEST_REFUSED -> SyncFailure.PROVIDER_REFUSED;
            };
            detail = switch (failure) {
                case KEY_REJECTED -> "Anthropic rejected the stored Admin key (HTTP 401): it was revoked or expired. "
                        + "Syncs are paused: create a fresh Admin key in the Claude Console (Settings → Admin keys), "
                        + "then choose Update on this connection and paste it.";
                case KEY_FORBIDDEN -> "Anthropic refused the stored Admin key (HTTP 403): the member who created it "
                        + "may no longer have the admin role. Syncs are paused: ask an organization admin to create a "
                        + "fresh Admin key in the Claude Console (Settings → Admin keys), then choose Update on this "
                        + "connection and paste it.";
                default -> e.getMessage() + REPAIR;
            };
        } catch (Abort e) {
            failure = e.failure;
            detail = e.getMessage();
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            log.error("Sync of connection {} failed unexpectedly, reference {}", claim.connectionId(), ref, e);
            failure = SyncFailure.INTERNAL;
            detail = "Internal error (reference " + ref + ")" + REPAIR;
        }
        if (stopRequested.getAsBoolean() && (failure == SyncFailure.PROVIDER_UNAVAILABLE
                || failure == SyncFailure.INTERNAL)) {
            // Interrupted by a stop that timed out: not the provider's fault, and still due.
            failure = SyncFailure.STOPPED;
            detail = STOPPED_DETAIL;
        }
        finish(claim, failure, detail);
        tellListeners(new SyncListener.SyncEnded(claim.tenantId(), claim.connectionId(), failure == null));
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String outcome = failure == null ? "SUCCEEDED" : "FAILED";
        metrics.finished(outcome, failure, seconds);
        if (failure == null) {
            log.info("Sync of connection {} succeeded: {} days, {} line items, {} pages in {} ms",
                    claim.connectionId(), progress.daysDone, progress.rows, progress.pages, Math.round(seconds * 1000));
        } else {
            log.warn("Sync of connection {} failed with {} after {} of {} days: {}", claim.connectionId(), failure,
                    progress.daysDone, window.days(), detail);
        }
        return new Result(claim.token(), outcome, failure, progress.pages, progress.daysDone, window.days(),
                progress.rows);
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

    /** Ends the run and hands the connection back; never throws (a failure leaves the lease to expire). */
    void finish(Claim claim, SyncFailure failure, String detail) {
        // A stop that timed out interrupts the worker; the bookkeeping must still reach the database.
        boolean interrupted = Thread.interrupted();
        try {
            OffsetDateTime endedAt = now();
            String outcome = failure == null ? "SUCCEEDED" : "FAILED";
            dsl.transaction(c -> {
                DSLContext tx = c.dsl();
                repository.endRun(tx, claim.token(), endedAt, outcome, failure, truncate(detail));
                Optional<Held> held = repository.lockHeld(tx, claim);
                if (held.isEmpty()) {
                    return; // taken over: the connection belongs to another run now
                }
                boolean active = "ACTIVE".equals(held.get().status());
                boolean keyChanged = held.get().version() != claim.version();
                if ((failure == SyncFailure.KEY_REJECTED || failure == SyncFailure.KEY_FORBIDDEN) && active
                        && !keyChanged) {
                    repository.needsAttention(tx, claim, failure, detail);
                    repository.release(tx, claim, endedAt, outcome, null, true);
                } else if (failure == SyncFailure.KEY_REJECTED || failure == SyncFailure.KEY_FORBIDDEN) {
                    // The key was rotated while this run used the old one: try the new key now.
                    repository.release(tx, claim, endedAt, outcome, active ? endedAt : null, false);
                } else if (failure == SyncFailure.STOPPED) {
                    repository.release(tx, claim, endedAt, outcome, null, true); // still due: another replica continues
                } else {
                    OffsetDateTime next = active ? endedAt.plus(held.get().plan().refreshInterval()) : null;
                    repository.release(tx, claim, endedAt, outcome, next, false);
                }
            });
        } catch (RuntimeException e) {
            log.error("Could not record the end of sync {} of connection {}; its lease will expire",
                    claim.token(), claim.connectionId(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String key(Claim claim) {
        ConnectionRow row = connectionRepository.findLive(dsl, claim.tenantId(), claim.connectionId())
                .orElseThrow(() -> new Abort(SyncFailure.CONNECTION_REMOVED, "The connection was removed"));
        return connections.decryptKey(row);
    }

    private void syncWorkspaces(Claim claim, String key) {
        List<WorkspaceName> names = new ArrayList<>();
        names.add(new WorkspaceName("", DEFAULT_WORKSPACE, null));
        Set<String> cursors = new HashSet<>();
        String after = null;
        while (true) {
            WorkspacePage page = anthropic.workspaces(key, after, WORKSPACE_PAGE, true);
            for (Workspace w : page.workspaces()) {
                names.add(new WorkspaceName(w.id(), truncate(w.name()),
                        w.archivedAt() == null ? null : w.archivedAt().atOffset(ZoneOffset.UTC)));
            }
            if (!page.hasMore()) {
                break;
            }
            if (page.lastId() == null || !cursors.add(page.lastId())) {
                throw bad("Anthropic's workspace list repeated its paging cursor");
            }
            after = page.lastId();
        }
        dsl.transaction(c -> {
            fence(c.dsl(), claim);
            repository.upsertWorkspaces(c.dsl(), claim.connectionId(), names);
        });
    }

    private void syncCosts(Claim claim, String key, Window window, Progress progress, BooleanSupplier stop) {
        Set<String> cursors = new HashSet<>();
        Set<LocalDate> stored = new HashSet<>();
        int maxPages = window.days() + 1; // every honest page carries at least one day
        String cursor = null;
        while (true) {
            checkStop(stop);
            CostReportPage page = anthropic.costReport(key, window.start(), window.endExclusive(), GROUP_BY,
                    PAGE_DAYS, cursor);
            progress.pages++;
            for (CostBucket bucket : page.buckets()) {
                LocalDate day = dayOf(bucket);
                if (day.isBefore(window.start()) || !day.isBefore(window.endExclusive())) {
                    // Never store what was not asked for: today above all is still changing.
                    log.warn("Anthropic sent the day {} outside the window {} to {}; ignored", day, window.start(),
                            window.endExclusive().minusDays(1));
                    continue;
                }
                storeDay(claim, progress, day, bucket.results(), stored.add(day));
                checkStop(stop);
            }
            heartbeat(claim, progress);
            if (!page.hasMore()) {
                break;
            }
            if (!cursors.add(page.nextPage())) {
                throw bad("Anthropic's cost report repeated its paging cursor after " + progress.pages + " pages");
            }
            if (progress.pages >= maxPages) {
                throw bad("Anthropic's cost report kept paging past " + maxPages + " pages for "
                        + window.days() + " days");
            }
            cursor = page.nextPage();
        }
        if (stored.size() < window.days()) {
            throw bad("Anthropic's cost report lacked " + (window.days() - stored.size()) + " of the "
                    + window.days() + " days asked for");
        }
    }

    /** Replaces one day in one transaction. */
    private void storeDay(Claim claim, Progress progress, LocalDate day, List<CostResult> results, boolean firstTime) {
        List<LineItem> items = lineItems(results);
        BigDecimal total = items.stream().map(LineItem::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        OffsetDateTime fetchedAt = now();
        String status = status(day, fetchedAt.toInstant());
        int daysDone = progress.daysDone + (firstTime ? 1 : 0);
        long rows = progress.rows + items.size();
        boolean restated = dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            fence(tx, claim);
            Optional<BigDecimal> old = repository.dayTotal(tx, claim.connectionId(), day);
            repository.replaceDay(tx, claim.tenantId(), claim.connectionId(), day, items, total, fetchedAt, status);
            boolean changed = old.isPresent() && old.get().compareTo(total) != 0;
            if (changed) {
                repository.insertRestatement(tx, claim.connectionId(), day, old.get(), total, fetchedAt);
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
                    : new Abort(SyncFailure.LEASE_LOST, "This replica's lease ran out and another replica took the "
                            + "connection over; it continues the sync");
        }
    }

    /** Merges rows that share every stored dimension, and checks currency and precision. */
    private static List<LineItem> lineItems(List<CostResult> results) {
        Map<LineItem, BigDecimal> merged = new LinkedHashMap<>();
        for (CostResult r : results) {
            if (r.currency() != null && !"USD".equals(r.currency())) {
                throw bad("Anthropic reported an amount in " + truncate(r.currency(), 10) + ", not USD");
            }
            BigDecimal usd = r.amountCents().movePointLeft(2);
            if (usd.stripTrailingZeros().scale() > USD_SCALE || usd.precision() - usd.scale() > USD_INTEGER_DIGITS) {
                throw bad("Anthropic reported an amount with more precision than Finora stores exactly "
                        + "(8 decimals of a dollar)");
            }
            String model = orEmpty(r.model());
            ModelName name = ModelName.parse(model);
            LineItem key = new LineItem(orEmpty(r.workspaceId()), orEmpty(r.description()), model, name.family(),
                    name.version(), orEmpty(r.costType()), orEmpty(r.tokenType()), orEmpty(r.serviceTier()),
                    orEmpty(r.contextWindow()), orEmpty(r.inferenceGeo()), BigDecimal.ZERO);
            merged.merge(key, usd, BigDecimal::add);
        }
        List<LineItem> items = new ArrayList<>(merged.size());
        merged.forEach((k, usd) -> items.add(new LineItem(k.workspaceId(), k.description(), k.model(),
                k.modelFamily(), k.modelVersion(), k.costType(), k.tokenType(), k.serviceTier(), k.contextWindow(),
                k.inferenceGeo(), usd.setScale(USD_SCALE))));
        return items;
    }

    private static LocalDate dayOf(CostBucket bucket) {
        LocalDate day = LocalDate.ofInstant(bucket.start(), ZoneOffset.UTC);
        Instant midnight = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        if (!bucket.start().equals(midnight) || !bucket.end().equals(midnight.plus(Duration.ofDays(1)))) {
            throw bad("Anthropic's cost report has a bucket that is not one UTC day");
        }
        return day;
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

    private static AnthropicException bad(String message) {
        return new AnthropicException(AnthropicException.Kind.BAD_RESPONSE, 200, message, null);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
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
