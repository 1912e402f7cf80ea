package finora.server.sync;

import static finora.db.jooq.Tables.ACTOR;
import static finora.db.jooq.Tables.API_KEY;
import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.db.jooq.Tables.COST_NOWCAST;
import static finora.db.jooq.Tables.COST_RESTATEMENT;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.SYNC_REPLICA;
import static finora.db.jooq.Tables.SYNC_RUN;
import static finora.db.jooq.Tables.TENANT;
import static finora.db.jooq.Tables.USAGE_LINE_ITEM;
import static finora.db.jooq.Tables.USAGE_RESTATEMENT;
import static finora.db.jooq.Tables.WORKSPACE;

import finora.db.types.ConnectionStatus;
import finora.server.auth.Plan;
import finora.server.integration.ConnectionRepository;
import finora.server.provider.ProviderCosts;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Leases, sync runs, workspaces and cost rows in the database. Cost rows, days, restatements and
 * workspace names belong to the connection's ledger (its tenant's provider organization), never
 * to the connection. Every method runs in the caller's transaction.
 */
final class SyncRepository {

    /**
     * A connection this replica claimed; {@code token} fences every write and becomes the sync run's
     * id; {@code ledgerId} is the history it feeds.
     */
    record Claim(
            UUID connectionId,
            UUID tenantId,
            UUID ledgerId,
            UUID token,
            String replicaId,
            long version,
            OffsetDateTime lastSyncStartedAt,
            OffsetDateTime refreshRequestedAt) {}

    /** A connection's state as seen under its lock at the end of a run. */
    record Held(ConnectionStatus status, long version, Plan plan, int failedSyncs) {}

    /** When the ledger's recent days and last closed month were last re-checked (null: never). */
    record Checks(OffsetDateTime deepCheckedAt, LocalDate monthChecked) {}

    /** A stored day's total and status. */
    record StoredDay(BigDecimal total, String status) {}

    /** What Anthropic said about a failed request: its request id and sanitized message (either may be null). */
    record ProviderError(String requestId, String message) {}

    private static final Field<OffsetDateTime> DB_NOW = ConnectionRepository.DB_NOW;

    private static Field<OffsetDateTime> dbNowPlus(java.time.Duration d) {
        return DSL.field(
                "clock_timestamp() + {0} * interval '1 millisecond'",
                SQLDataType.TIMESTAMPWITHTIMEZONE, DSL.val(d.toMillis()));
    }

    /**
     * Renews (or first writes) a replica session's heartbeat: alive until the database's clock
     * passes now + {@code expiry}.
     */
    void beat(DSLContext tx, UUID sessionId, String replicaId, java.time.Duration expiry) {
        tx.insertInto(SYNC_REPLICA)
                .set(SYNC_REPLICA.SESSION_ID, sessionId)
                .set(SYNC_REPLICA.REPLICA_ID, replicaId)
                .set(SYNC_REPLICA.STARTED_AT, DB_NOW)
                .set(SYNC_REPLICA.HEARTBEAT_AT, DB_NOW)
                .set(SYNC_REPLICA.EXPIRES_AT, dbNowPlus(expiry))
                .onConflict(SYNC_REPLICA.SESSION_ID)
                .doUpdate()
                .set(SYNC_REPLICA.HEARTBEAT_AT, DB_NOW)
                .set(SYNC_REPLICA.EXPIRES_AT, dbNowPlus(expiry))
                .execute();
    }

    /** Ends a session that stopped cleanly (its leases were released first). */
    void endSession(DSLContext tx, UUID sessionId) {
        tx.deleteFrom(SYNC_REPLICA).where(SYNC_REPLICA.SESSION_ID.eq(sessionId)).execute();
    }

    /** Deletes sessions that expired more than {@code age} ago (a lease naming one is free either way). */
    int purgeSessions(DSLContext tx, java.time.Duration age) {
        return tx.deleteFrom(SYNC_REPLICA)
                .where(SYNC_REPLICA.EXPIRES_AT.lt(dbNowPlus(age.negated())))
                .execute();
    }

    /** Sessions alive now, by the database's clock. */
    int liveSessions(DSLContext tx) {
        return tx.fetchCount(SYNC_REPLICA, SYNC_REPLICA.EXPIRES_AT.gt(DB_NOW));
    }

    /**
     * Claims up to {@code max} due connections for the replica session {@code sessionId}: ACTIVE,
     * {@code next_sync_at <= now}, no live lease ({@link ConnectionRepository#leaseFree}). {@code FOR UPDATE SKIP LOCKED}
     * lets replicas claim side by side without waiting for or double-claiming each other's rows; the
     * lease (a fresh fencing token) is written before the transaction ends.
     */
    List<Claim> claimDue(
            DSLContext tx, OffsetDateTime now, String replicaId, UUID sessionId, OffsetDateTime leaseUntil, int max) {
        var due = tx.select(
                        CONNECTION.CONNECTION_ID,
                        CONNECTION.TENANT_ID,
                        CONNECTION.VERSION,
                        CONNECTION.LAST_SYNC_STARTED_AT,
                        CONNECTION.REFRESH_REQUESTED_AT,
                        CONNECTION.LEDGER_ID)
                .from(CONNECTION)
                .where(CONNECTION.STATUS.eq(ConnectionStatus.ACTIVE))
                .and(CONNECTION.NEXT_SYNC_AT.le(now))
                .and(ConnectionRepository.leaseFree(now))
                .orderBy(CONNECTION.NEXT_SYNC_AT, CONNECTION.CONNECTION_ID)
                .limit(max)
                .forUpdate()
                .of(CONNECTION)
                .skipLocked()
                .fetch();
        List<Claim> claims = new ArrayList<>();
        for (var r : due) {
            UUID token = UUID.randomUUID();
            // Checked again now that the row is locked, in a statement with a fresh snapshot: when
            // another replica claimed the row while the select waited for it, PostgreSQL re-checks
            // the row itself but runs leaseFree's heartbeat subquery on the select's older snapshot,
            // which cannot see the other session's heartbeat committed with its claim, so the lease
            // looked free. Here it is seen, and the row is left to its holder.
            int claimed = tx.update(CONNECTION)
                    .set(CONNECTION.LEASE_OWNER, replicaId)
                    .set(CONNECTION.LEASE_TOKEN, token)
                    .set(CONNECTION.LEASE_EXPIRES_AT, leaseUntil)
                    .set(CONNECTION.LEASE_SESSION, sessionId)
                    .where(CONNECTION.CONNECTION_ID.eq(r.value1()))
                    .and(ConnectionRepository.leaseFree(now))
                    .execute();
            if (claimed == 0) {
                continue;
            }
            claims.add(new Claim(
                    r.value1(), r.value2(), r.value6(), token, replicaId, r.value3(), r.value4(), r.value5()));
        }
        return claims;
    }

    /**
     * Extends the lease if this claim still holds it and the connection is still ACTIVE; false
     * means the run must stop writing. Also locks the connection row for the rest of the transaction.
     */
    boolean extendLease(DSLContext tx, Claim claim, OffsetDateTime leaseUntil) {
        return tx.update(CONNECTION)
                        .set(CONNECTION.LEASE_EXPIRES_AT, leaseUntil)
                        .where(CONNECTION.CONNECTION_ID.eq(claim.connectionId()))
                        .and(CONNECTION.LEASE_TOKEN.eq(claim.token()))
                        .and(CONNECTION.STATUS.eq(ConnectionStatus.ACTIVE))
                        .execute()
                == 1;
    }

    /** Whether this claim still holds the lease (whatever the status). */
    boolean holdsLease(DSLContext tx, Claim claim) {
        return tx.fetchExists(
                CONNECTION,
                CONNECTION.CONNECTION_ID.eq(claim.connectionId()).and(CONNECTION.LEASE_TOKEN.eq(claim.token())));
    }

    /** Locks the connection if this claim still holds its lease, with the tenant's current plan. */
    Optional<Held> lockHeld(DSLContext tx, Claim claim) {
        return tx.select(CONNECTION.STATUS, CONNECTION.VERSION, TENANT.PLAN, CONNECTION.FAILED_SYNCS)
                .from(CONNECTION)
                .join(TENANT)
                .on(TENANT.TENANT_ID.eq(CONNECTION.TENANT_ID))
                .where(CONNECTION.CONNECTION_ID.eq(claim.connectionId()))
                .and(CONNECTION.LEASE_TOKEN.eq(claim.token()))
                .forUpdate()
                .of(CONNECTION)
                .fetchOptional(r -> new Held(r.value1(), r.value2(), Plan.valueOf(r.value3()), r.value4()));
    }

    /** The tenant's current plan. */
    Plan plan(DSLContext tx, UUID tenantId) {
        return Plan.valueOf(tx.select(TENANT.PLAN)
                .from(TENANT)
                .where(TENANT.TENANT_ID.eq(tenantId))
                .fetchSingle(TENANT.PLAN));
    }

    /** Ends runs of the connection left RUNNING by a replica that lost its lease; returns how many. */
    int abandonRunning(DSLContext tx, UUID connectionId, OffsetDateTime now, String detail) {
        return tx.update(SYNC_RUN)
                .set(SYNC_RUN.OUTCOME, "FAILED")
                .set(SYNC_RUN.ENDED_AT, now)
                .set(SYNC_RUN.ERROR_REASON, SyncFailure.ABANDONED.name())
                .set(SYNC_RUN.ERROR_DETAIL, detail)
                .where(SYNC_RUN.CONNECTION_ID.eq(connectionId))
                .and(SYNC_RUN.OUTCOME.eq("RUNNING"))
                .execute();
    }

    /** When the ledger was last reconciled deeply. */
    Checks checks(DSLContext tx, UUID ledgerId) {
        return tx.select(LEDGER.DEEP_CHECKED_AT, LEDGER.MONTH_CHECKED)
                .from(LEDGER)
                .where(LEDGER.LEDGER_ID.eq(ledgerId))
                .fetchSingle(r -> new Checks(r.value1(), r.value2()));
    }

    /** Notes a finished deep reconciliation of the ledger; null leaves a field as it is. */
    void markChecked(DSLContext tx, UUID ledgerId, OffsetDateTime deepCheckedAt, LocalDate monthChecked) {
        if (deepCheckedAt != null) {
            tx.update(LEDGER)
                    .set(LEDGER.DEEP_CHECKED_AT, deepCheckedAt)
                    .where(LEDGER.LEDGER_ID.eq(ledgerId))
                    .execute();
        }
        if (monthChecked != null) {
            tx.update(LEDGER)
                    .set(LEDGER.MONTH_CHECKED, monthChecked)
                    .where(LEDGER.LEDGER_ID.eq(ledgerId))
                    .execute();
        }
    }

    /** Days of the ledger in [from, to) whose stored status is FINAL. */
    Set<LocalDate> finalDays(DSLContext tx, UUID ledgerId, LocalDate from, LocalDate to) {
        return new HashSet<>(tx.select(COST_DAY.DAY)
                .from(COST_DAY)
                .where(COST_DAY.LEDGER_ID.eq(ledgerId))
                .and(COST_DAY.DAY.ge(from))
                .and(COST_DAY.DAY.lt(to))
                .and(COST_DAY.STATUS.eq("FINAL"))
                .fetch(COST_DAY.DAY));
    }

    /** Inserts a RUNNING sync run and notes its start on the connection. */
    void insertRun(
            DSLContext tx,
            Claim claim,
            String trigger,
            LocalDate windowStart,
            LocalDate windowEndInclusive,
            int daysTotal,
            OffsetDateTime startedAt,
            String reconciliation) {
        tx.insertInto(SYNC_RUN)
                .set(SYNC_RUN.SYNC_RUN_ID, claim.token())
                .set(SYNC_RUN.CONNECTION_ID, claim.connectionId())
                .set(SYNC_RUN.TRIGGER, trigger)
                .set(SYNC_RUN.WINDOW_START, windowStart)
                .set(SYNC_RUN.WINDOW_END, windowEndInclusive)
                .set(SYNC_RUN.STARTED_AT, startedAt)
                .set(SYNC_RUN.DAYS_TOTAL, daysTotal)
                .set(SYNC_RUN.OUTCOME, "RUNNING")
                .set(SYNC_RUN.REPLICA_ID, claim.replicaId())
                .set(SYNC_RUN.RECONCILIATION, reconciliation)
                .execute();
        tx.update(CONNECTION)
                .set(CONNECTION.LAST_SYNC_STARTED_AT, startedAt)
                .where(CONNECTION.CONNECTION_ID.eq(claim.connectionId()))
                .execute();
    }

    /** Upserts workspace, API key and actor names (archived and inactive ones too). */
    void upsertDirectory(DSLContext tx, UUID ledgerId, ProviderCosts.Directory directory) {
        for (ProviderCosts.ApiKey k : directory.apiKeys()) {
            tx.insertInto(API_KEY)
                    .set(API_KEY.LEDGER_ID, ledgerId)
                    .set(API_KEY.API_KEY_ID, k.id())
                    .set(API_KEY.NAME, k.name())
                    .set(API_KEY.STATUS, k.status())
                    .set(API_KEY.KEY_HINT, k.hint())
                    .set(API_KEY.WORKSPACE_ID, k.workspaceId())
                    .onConflict(API_KEY.LEDGER_ID, API_KEY.API_KEY_ID)
                    .doUpdate()
                    .set(API_KEY.NAME, k.name())
                    .set(API_KEY.STATUS, k.status())
                    .set(API_KEY.KEY_HINT, k.hint())
                    .set(API_KEY.WORKSPACE_ID, k.workspaceId())
                    .execute();
        }
        for (ProviderCosts.Actor a : directory.actors()) {
            var insert = insertActor(tx, ledgerId, a);
            if (a.fromList()) {
                // The provider's member and key lists name them best.
                insert.doUpdate()
                        .set(ACTOR.ACTOR_TYPE, a.type())
                        .set(ACTOR.LABEL, a.label())
                        .set(ACTOR.EMAIL, a.email())
                        .set(ACTOR.DELETED, false)
                        .execute();
            } else {
                insert.doNothing().execute();
            }
        }
        for (ProviderCosts.Workspace w : directory.workspaces()) {
            tx.insertInto(WORKSPACE)
                    .set(WORKSPACE.LEDGER_ID, ledgerId)
                    .set(WORKSPACE.WORKSPACE_ID, w.id())
                    .set(WORKSPACE.NAME, w.name())
                    .set(WORKSPACE.ARCHIVED_AT, w.archivedAt())
                    .onConflict(WORKSPACE.LEDGER_ID, WORKSPACE.WORKSPACE_ID)
                    .doUpdate()
                    .set(WORKSPACE.NAME, w.name())
                    .set(WORKSPACE.ARCHIVED_AT, w.archivedAt())
                    .execute();
        }
    }

    private static org.jooq.InsertOnConflictDoUpdateStep<finora.db.jooq.tables.records.ActorRecord> insertActor(
            DSLContext tx, UUID ledgerId, ProviderCosts.Actor a) {
        return tx.insertInto(ACTOR)
                .set(ACTOR.LEDGER_ID, ledgerId)
                .set(ACTOR.ACTOR_ID, a.id())
                .set(ACTOR.ACTOR_TYPE, a.type())
                .set(ACTOR.LABEL, a.label())
                .set(ACTOR.EMAIL, a.email())
                .set(ACTOR.DELETED, a.deleted())
                .onConflict(ACTOR.LEDGER_ID, ACTOR.ACTOR_ID);
    }

    /** Actors seen in cost rows: new ones are added; a user now reported deleted is relabelled. */
    void upsertSeenActors(DSLContext tx, UUID ledgerId, List<ProviderCosts.Actor> actors) {
        for (ProviderCosts.Actor a : actors) {
            var insert = insertActor(tx, ledgerId, a);
            if (a.deleted()) {
                insert.doUpdate()
                        .set(ACTOR.LABEL, a.label())
                        .set(ACTOR.DELETED, true)
                        .execute();
            } else {
                insert.doNothing().execute();
            }
        }
    }

    /** Drops the ledger's estimate hours of {@code day} and earlier: the closed day replaces them. */
    void dropNowcastThrough(DSLContext tx, UUID ledgerId, LocalDate day) {
        tx.deleteFrom(COST_NOWCAST)
                .where(COST_NOWCAST.LEDGER_ID.eq(ledgerId))
                .and(COST_NOWCAST.HOUR_START.lt(day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC)))
                .execute();
    }

    /** Replaces the ledger's estimate of today with {@code estimate}'s hours. */
    void replaceNowcast(DSLContext tx, Claim claim, ProviderCosts.Estimate estimate, OffsetDateTime fetchedAt) {
        tx.deleteFrom(COST_NOWCAST)
                .where(COST_NOWCAST.LEDGER_ID.eq(claim.ledgerId()))
                .execute();
        OffsetDateTime refreshed = estimate.dataRefreshedAt() == null
                ? null
                : estimate.dataRefreshedAt().atOffset(ZoneOffset.UTC);
        for (ProviderCosts.Hour h : estimate.hours()) {
            tx.insertInto(COST_NOWCAST)
                    .set(COST_NOWCAST.LEDGER_ID, claim.ledgerId())
                    .set(COST_NOWCAST.TENANT_ID, claim.tenantId())
                    .set(COST_NOWCAST.HOUR_START, h.start().atOffset(ZoneOffset.UTC))
                    .set(COST_NOWCAST.AMOUNT_USD, h.amountUsd())
                    .set(COST_NOWCAST.LIST_AMOUNT_USD, h.listAmountUsd())
                    .set(COST_NOWCAST.FETCHED_AT, fetchedAt)
                    .set(COST_NOWCAST.DATA_REFRESHED_AT, refreshed)
                    .execute();
        }
    }

    /** The stored total and status of a ledger's day, if the day was stored before (by any connection). */
    Optional<StoredDay> storedDay(DSLContext tx, UUID ledgerId, LocalDate day) {
        return tx.select(COST_DAY.TOTAL_USD, COST_DAY.STATUS)
                .from(COST_DAY)
                .where(COST_DAY.LEDGER_ID.eq(ledgerId))
                .and(COST_DAY.DAY.eq(day))
                .fetchOptional(r -> new StoredDay(r.value1(), r.value2()));
    }

    /** Replaces a ledger's day: its line items and its cost_day row, noting which connection fetched it. */
    void replaceDay(
            DSLContext tx,
            Claim claim,
            LocalDate day,
            List<ProviderCosts.CostLine> items,
            BigDecimal total,
            OffsetDateTime fetchedAt,
            String status,
            String source,
            boolean settled) {
        tx.deleteFrom(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.LEDGER_ID.eq(claim.ledgerId()))
                .and(COST_LINE_ITEM.DAY.eq(day))
                .execute();
        if (!items.isEmpty()) {
            var insert = tx.insertInto(
                    COST_LINE_ITEM,
                    COST_LINE_ITEM.TENANT_ID,
                    COST_LINE_ITEM.LEDGER_ID,
                    COST_LINE_ITEM.DAY,
                    COST_LINE_ITEM.WORKSPACE_ID,
                    COST_LINE_ITEM.DESCRIPTION,
                    COST_LINE_ITEM.MODEL,
                    COST_LINE_ITEM.MODEL_FAMILY,
                    COST_LINE_ITEM.MODEL_VERSION,
                    COST_LINE_ITEM.COST_TYPE,
                    COST_LINE_ITEM.TOKEN_TYPE,
                    COST_LINE_ITEM.SERVICE_TIER,
                    COST_LINE_ITEM.CONTEXT_WINDOW,
                    COST_LINE_ITEM.INFERENCE_GEO,
                    COST_LINE_ITEM.SPEED,
                    COST_LINE_ITEM.API_KEY_ID,
                    COST_LINE_ITEM.ACTOR_ID,
                    COST_LINE_ITEM.PRODUCT,
                    COST_LINE_ITEM.AMOUNT_USD,
                    COST_LINE_ITEM.LIST_AMOUNT_USD);
            for (ProviderCosts.CostLine i : items) {
                insert = insert.values(
                        claim.tenantId(),
                        claim.ledgerId(),
                        day,
                        i.workspaceId(),
                        i.description(),
                        i.model(),
                        i.modelFamily(),
                        i.modelVersion(),
                        i.costType(),
                        i.tokenType(),
                        i.serviceTier(),
                        i.contextWindow(),
                        i.inferenceGeo(),
                        i.speed(),
                        i.apiKeyId(),
                        i.actorId(),
                        i.product(),
                        i.amountUsd(),
                        i.listAmountUsd());
            }
            insert.execute();
        }
        tx.insertInto(COST_DAY)
                .set(COST_DAY.LEDGER_ID, claim.ledgerId())
                .set(COST_DAY.DAY, day)
                .set(COST_DAY.TOTAL_USD, total)
                .set(COST_DAY.FETCHED_AT, fetchedAt)
                .set(COST_DAY.STATUS, status)
                .set(COST_DAY.FETCHED_BY, claim.connectionId())
                .set(COST_DAY.SOURCE, source)
                .set(COST_DAY.SETTLED, settled)
                .onConflict(COST_DAY.LEDGER_ID, COST_DAY.DAY)
                .doUpdate()
                .set(COST_DAY.SOURCE, source)
                .set(COST_DAY.SETTLED, settled)
                .set(COST_DAY.TOTAL_USD, total)
                .set(COST_DAY.FETCHED_AT, fetchedAt)
                .set(COST_DAY.STATUS, status)
                .set(COST_DAY.FETCHED_BY, claim.connectionId())
                .execute();
    }

    /** Records that a re-fetch changed a day's total; {@code afterFinal}: the day was FINAL before. */
    /**
     * Replaces a ledger's usage of one day; records a usage restatement when a day that had usage
     * before now counts another total ({@code afterFinal}: its cost day was FINAL).
     *
     * @return whether the day's total count changed
     */
    boolean replaceUsageDay(
            DSLContext tx, Claim claim, LocalDate day, List<ProviderCosts.UsageLine> lines, OffsetDateTime at) {
        Long old = tx.select(org.jooq.impl.DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
                .from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.LEDGER_ID.eq(claim.ledgerId()))
                .and(USAGE_LINE_ITEM.DAY.eq(day))
                .fetchOne(0, Long.class);
        tx.deleteFrom(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.LEDGER_ID.eq(claim.ledgerId()))
                .and(USAGE_LINE_ITEM.DAY.eq(day))
                .execute();
        long total = 0;
        if (!lines.isEmpty()) {
            var insert = tx.insertInto(
                    USAGE_LINE_ITEM,
                    USAGE_LINE_ITEM.TENANT_ID,
                    USAGE_LINE_ITEM.LEDGER_ID,
                    USAGE_LINE_ITEM.DAY,
                    USAGE_LINE_ITEM.WORKSPACE_ID,
                    USAGE_LINE_ITEM.MODEL,
                    USAGE_LINE_ITEM.MODEL_FAMILY,
                    USAGE_LINE_ITEM.MODEL_VERSION,
                    USAGE_LINE_ITEM.SERVICE_TIER,
                    USAGE_LINE_ITEM.CONTEXT_WINDOW,
                    USAGE_LINE_ITEM.SPEED,
                    USAGE_LINE_ITEM.INFERENCE_GEO,
                    USAGE_LINE_ITEM.API_KEY_ID,
                    USAGE_LINE_ITEM.USAGE_TYPE,
                    USAGE_LINE_ITEM.QUANTITY);
            for (ProviderCosts.UsageLine l : lines) {
                insert = insert.values(
                        claim.tenantId(),
                        claim.ledgerId(),
                        day,
                        l.workspaceId(),
                        l.model(),
                        l.modelFamily(),
                        l.modelVersion(),
                        l.serviceTier(),
                        l.contextWindow(),
                        l.speed(),
                        l.inferenceGeo(),
                        l.apiKeyId(),
                        l.usageType(),
                        l.quantity());
                total = Math.addExact(total, l.quantity());
            }
            insert.execute();
        }
        boolean changed = old != null && old != total;
        if (changed) {
            boolean afterFinal = storedDay(tx, claim.ledgerId(), day)
                    .map(d -> "FINAL".equals(d.status()))
                    .orElse(false);
            tx.insertInto(USAGE_RESTATEMENT)
                    .set(USAGE_RESTATEMENT.LEDGER_ID, claim.ledgerId())
                    .set(USAGE_RESTATEMENT.DAY, day)
                    .set(USAGE_RESTATEMENT.OLD_QUANTITY, old)
                    .set(USAGE_RESTATEMENT.NEW_QUANTITY, total)
                    .set(USAGE_RESTATEMENT.RESTATED_AT, at)
                    .set(USAGE_RESTATEMENT.AFTER_FINAL, afterFinal)
                    .execute();
        }
        return changed;
    }

    void insertRestatement(
            DSLContext tx,
            Claim claim,
            LocalDate day,
            BigDecimal oldTotal,
            BigDecimal newTotal,
            OffsetDateTime at,
            boolean afterFinal) {
        tx.insertInto(COST_RESTATEMENT)
                .set(COST_RESTATEMENT.LEDGER_ID, claim.ledgerId())
                .set(COST_RESTATEMENT.DAY, day)
                .set(COST_RESTATEMENT.OLD_TOTAL_USD, oldTotal)
                .set(COST_RESTATEMENT.NEW_TOTAL_USD, newTotal)
                .set(COST_RESTATEMENT.RESTATED_AT, at)
                .set(COST_RESTATEMENT.AFTER_FINAL, afterFinal)
                .set(COST_RESTATEMENT.CONNECTION_ID, claim.connectionId())
                .execute();
    }

    /** Publishes a running sync's progress. */
    void progress(DSLContext tx, UUID runId, int pages, int daysDone, long rowsWritten) {
        tx.update(SYNC_RUN)
                .set(SYNC_RUN.PAGES, pages)
                .set(SYNC_RUN.DAYS_DONE, daysDone)
                .set(SYNC_RUN.ROWS_WRITTEN, rowsWritten)
                .where(SYNC_RUN.SYNC_RUN_ID.eq(runId))
                .and(SYNC_RUN.OUTCOME.eq("RUNNING"))
                .execute();
    }

    /** Ends a run that is still RUNNING (one abandoned by a takeover keeps its ABANDONED outcome). */
    void endRun(
            DSLContext tx,
            UUID runId,
            OffsetDateTime endedAt,
            String outcome,
            SyncFailure failure,
            String detail,
            ProviderError providerError) {
        tx.update(SYNC_RUN)
                .set(SYNC_RUN.OUTCOME, outcome)
                .set(SYNC_RUN.ENDED_AT, endedAt)
                .set(SYNC_RUN.ERROR_REASON, failure == null ? null : failure.name())
                .set(SYNC_RUN.ERROR_DETAIL, detail)
                .set(SYNC_RUN.PROVIDER_REQUEST_ID, providerError == null ? null : providerError.requestId())
                .set(SYNC_RUN.PROVIDER_MESSAGE, providerError == null ? null : providerError.message())
                .where(SYNC_RUN.SYNC_RUN_ID.eq(runId))
                .and(SYNC_RUN.OUTCOME.eq("RUNNING"))
                .execute();
    }

    /**
     * Notes the end of a sync on a connection this claim holds and releases the lease.
     *
     * @param nextSyncAt when the next sync is due; null stops the schedule
     * @param keepNextSyncAt leave {@code next_sync_at} as it is (the sync did not run to an end)
     * @param failedSyncs failed syncs in a row, this one included (0 after a success)
     */
    void release(
            DSLContext tx,
            Claim claim,
            OffsetDateTime endedAt,
            String outcome,
            OffsetDateTime nextSyncAt,
            boolean keepNextSyncAt,
            int failedSyncs) {
        var update = tx.update(CONNECTION)
                .set(CONNECTION.LAST_SYNC_ENDED_AT, endedAt)
                .set(CONNECTION.LAST_SYNC_OUTCOME, outcome)
                .set(CONNECTION.FAILED_SYNCS, failedSyncs)
                .set(CONNECTION.LEASE_OWNER, (String) null)
                .set(CONNECTION.LEASE_TOKEN, (UUID) null)
                .set(CONNECTION.LEASE_EXPIRES_AT, (OffsetDateTime) null)
                .set(CONNECTION.LEASE_SESSION, (UUID) null);
        if (!keepNextSyncAt) {
            update = update.set(CONNECTION.NEXT_SYNC_AT, nextSyncAt);
        }
        update.where(CONNECTION.CONNECTION_ID.eq(claim.connectionId()))
                .and(CONNECTION.LEASE_TOKEN.eq(claim.token()))
                .execute();
    }

    /** Stops a connection's schedule until its key is updated. */
    void needsAttention(DSLContext tx, Claim claim, SyncFailure reason, String detail) {
        tx.update(CONNECTION)
                .set(CONNECTION.STATUS, ConnectionStatus.NEEDS_ATTENTION)
                .set(CONNECTION.STATUS_REASON, reason.name())
                .set(CONNECTION.STATUS_DETAIL, detail)
                .set(CONNECTION.NEXT_SYNC_AT, (OffsetDateTime) null)
                .set(CONNECTION.VERSION, CONNECTION.VERSION.plus(1))
                .where(CONNECTION.CONNECTION_ID.eq(claim.connectionId()))
                .and(CONNECTION.LEASE_TOKEN.eq(claim.token()))
                .execute();
    }
}
