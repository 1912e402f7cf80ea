package finora.server.integration;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.CREDENTIAL;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.SYNC_REPLICA;
import static finora.db.jooq.Tables.SYNC_RUN;

import finora.db.jooq.tables.SyncRun;
import finora.db.jooq.tables.records.ConnectionRecord;
import finora.db.types.ConnectionStatus;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Connections, their credentials, their ledgers (one cost history per tenant and provider
 * organization) and their sync runs in the database; every read is tenant-scoped.
 */
public final class ConnectionRepository {

    /** A connection as the rest of the server sees it; {@code ledgerId} is the history it feeds. */
    public record ConnectionRow(
            UUID id,
            UUID tenantId,
            UUID ledgerId,
            String provider,
            String organizationId,
            String organizationName,
            ConnectionStatus status,
            String statusReason,
            String statusDetail,
            String keyHint,
            OffsetDateTime createdAt,
            OffsetDateTime credentialUpdatedAt,
            OffsetDateTime nextSyncAt,
            OffsetDateTime leaseExpiresAt,
            OffsetDateTime lastSyncEndedAt,
            String lastSyncOutcome,
            OffsetDateTime refreshRequestedAt) {}

    /** A running sync's progress. */
    record Progress(int daysDone, int daysTotal) {}

    /** One sync run; the provider fields say what Anthropic answered to a failed request. */
    record SyncRunRow(
            UUID id,
            LocalDate windowStart,
            LocalDate windowEnd,
            OffsetDateTime startedAt,
            OffsetDateTime endedAt,
            int pages,
            long rows,
            int daysDone,
            int daysTotal,
            String outcome,
            String errorReason,
            String errorDetail,
            String providerRequestId,
            String providerMessage,
            String reconciliation) {}

    /**
     * Whether the analytics API answers for the connection's key: UNKNOWN, AVAILABLE or REFUSED,
     * why (null when AVAILABLE) and when it was last asked (null: never).
     */
    record AnalyticsCheck(String status, String detail, OffsetDateTime checkedAt) {}

    /** Records an analytics check; {@code status} AVAILABLE or REFUSED. */
    public void recordAnalyticsCheck(
            DSLContext tx, UUID connectionId, String status, String detail, OffsetDateTime at) {
        tx.update(CONNECTION)
                .set(CONNECTION.ANALYTICS_STATUS, status)
                .set(
                        CONNECTION.ANALYTICS_DETAIL,
                        detail == null ? null : detail.length() > 500 ? detail.substring(0, 499) + "…" : detail)
                .set(CONNECTION.ANALYTICS_CHECKED_AT, at)
                .where(CONNECTION.CONNECTION_ID.eq(connectionId))
                .execute();
    }

    /** Why the last finished sync failed. */
    record LastFailure(String reason, String detail) {}

    /**
     * A connection with what its list entry shows beside it: the analytics check, the running sync's
     * progress, the last day its ledger holds and why its last sync failed (empty when it did not).
     */
    record ConnectionDetail(
            ConnectionRow row,
            AnalyticsCheck analytics,
            Optional<Progress> progress,
            Optional<LocalDate> completeThrough,
            Optional<LastFailure> lastFailure) {}

    /**
     * The tenant's live connections with their details, oldest first, in one query ({@code only}: just
     * that connection; null: all).
     */
    List<ConnectionDetail> details(DSLContext dsl, UUID tenantId, UUID only) {
        SyncRun running = SYNC_RUN.as("running");
        var progress = DSL.select(running.DAYS_DONE, running.DAYS_TOTAL)
                .from(running)
                .where(running.CONNECTION_ID.eq(CONNECTION.CONNECTION_ID))
                .and(running.OUTCOME.eq("RUNNING"))
                .orderBy(running.STARTED_AT.desc())
                .limit(1)
                .asTable("progress");
        SyncRun finished = SYNC_RUN.as("finished");
        var last = DSL.select(finished.OUTCOME, finished.ERROR_REASON, finished.ERROR_DETAIL)
                .from(finished)
                .where(finished.CONNECTION_ID.eq(CONNECTION.CONNECTION_ID))
                .and(finished.OUTCOME.ne("RUNNING"))
                .orderBy(finished.ENDED_AT.desc(), finished.STARTED_AT.desc())
                .limit(1)
                .asTable("last_run");
        Field<LocalDate> complete = DSL.field(DSL.select(DSL.max(COST_DAY.DAY))
                        .from(COST_DAY)
                        .where(COST_DAY.LEDGER_ID.eq(CONNECTION.LEDGER_ID)))
                .as("complete_through");
        Field<Integer> daysDone = progress.field(running.DAYS_DONE);
        Field<Integer> daysTotal = progress.field(running.DAYS_TOTAL);
        Field<String> lastOutcome = last.field(finished.OUTCOME);
        Field<String> lastReason = last.field(finished.ERROR_REASON);
        Field<String> lastDetail = last.field(finished.ERROR_DETAIL);
        Condition which = CONNECTION.TENANT_ID.eq(tenantId).and(CONNECTION.STATUS.ne(ConnectionStatus.REMOVED));
        if (only != null) {
            which = which.and(CONNECTION.CONNECTION_ID.eq(only));
        }
        return dsl.select(CONNECTION.asterisk(), daysDone, daysTotal, lastOutcome, lastReason, lastDetail, complete)
                .from(CONNECTION)
                .outerApply(progress)
                .outerApply(last)
                .where(which)
                .orderBy(CONNECTION.CREATED_AT, CONNECTION.CONNECTION_ID)
                .fetch(r -> {
                    ConnectionRecord c = r.into(CONNECTION);
                    return new ConnectionDetail(
                            toRow(c),
                            new AnalyticsCheck(
                                    c.getAnalyticsStatus(), c.getAnalyticsDetail(), c.getAnalyticsCheckedAt()),
                            r.get(daysDone) == null
                                    ? Optional.empty()
                                    : Optional.of(new Progress(r.get(daysDone), r.get(daysTotal))),
                            Optional.ofNullable(r.get(complete)),
                            "FAILED".equals(r.get(lastOutcome))
                                    ? Optional.of(new LastFailure(r.get(lastReason), r.get(lastDetail)))
                                    : Optional.empty());
                });
    }

    static ConnectionRow toRow(ConnectionRecord r) {
        return new ConnectionRow(
                r.getConnectionId(),
                r.getTenantId(),
                r.getLedgerId(),
                r.getProvider(),
                r.getExternalOrgId(),
                r.getExternalOrgName(),
                r.getStatus(),
                r.getStatusReason(),
                r.getStatusDetail(),
                r.getKeyHint(),
                r.getCreatedAt(),
                r.getCredentialUpdatedAt(),
                r.getNextSyncAt(),
                r.getLeaseExpiresAt(),
                r.getLastSyncEndedAt(),
                r.getLastSyncOutcome(),
                r.getRefreshRequestedAt());
    }

    /** A live (not removed) connection of the tenant. */
    public Optional<ConnectionRow> findLive(DSLContext dsl, UUID tenantId, UUID connectionId) {
        return dsl.selectFrom(CONNECTION)
                .where(CONNECTION.CONNECTION_ID.eq(connectionId))
                .and(CONNECTION.TENANT_ID.eq(tenantId))
                .and(CONNECTION.STATUS.ne(ConnectionStatus.REMOVED))
                .fetchOptional()
                .map(ConnectionRepository::toRow);
    }

    /** The database's clock: replicas judge each other's heartbeats by this one clock, whatever their own say. */
    public static final Field<OffsetDateTime> DB_NOW =
            DSL.field("clock_timestamp()", SQLDataType.TIMESTAMPWITHTIMEZONE);

    /**
     * Whether a connection's lease is free: it ran out ({@code lease_expires_at}, the backstop for a
     * live replica whose sync hangs), or the replica session holding it stopped renewing its heartbeat
     * (crashed, hung, cut off from the database). A lease without a session (written before heartbeats
     * existed) lasts until it runs out.
     */
    public static Condition leaseFree(OffsetDateTime now) {
        return CONNECTION
                .LEASE_EXPIRES_AT
                .isNull()
                .or(CONNECTION.LEASE_EXPIRES_AT.le(now))
                .or(CONNECTION
                        .LEASE_SESSION
                        .isNotNull()
                        .andNotExists(DSL.selectOne()
                                .from(SYNC_REPLICA)
                                .where(SYNC_REPLICA.SESSION_ID.eq(CONNECTION.LEASE_SESSION))
                                .and(SYNC_REPLICA.EXPIRES_AT.gt(DB_NOW))));
    }

    /** Whether a sync of the connection runs now: a replica holds a lease that is not {@link #leaseFree free}. */
    boolean syncRunning(DSLContext tx, UUID connectionId, OffsetDateTime now) {
        return tx.fetchExists(
                CONNECTION,
                CONNECTION
                        .CONNECTION_ID
                        .eq(connectionId)
                        .and(CONNECTION.LEASE_TOKEN.isNotNull())
                        .andNot(leaseFree(now)));
    }

    /** Same as {@link #findLive} but locks the row for the rest of the transaction. */
    Optional<ConnectionRow> lockLive(DSLContext tx, UUID tenantId, UUID connectionId) {
        return tx.selectFrom(CONNECTION)
                .where(CONNECTION.CONNECTION_ID.eq(connectionId))
                .and(CONNECTION.TENANT_ID.eq(tenantId))
                .and(CONNECTION.STATUS.ne(ConnectionStatus.REMOVED))
                .forUpdate()
                .fetchOptional()
                .map(ConnectionRepository::toRow);
    }

    /** The tenant's live connection of a provider organization, if any. */
    Optional<ConnectionRow> findLiveByOrganization(DSLContext dsl, UUID tenantId, String provider, String orgId) {
        return dsl.selectFrom(CONNECTION)
                .where(CONNECTION.TENANT_ID.eq(tenantId))
                .and(CONNECTION.PROVIDER.eq(provider))
                .and(CONNECTION.EXTERNAL_ORG_ID.eq(orgId))
                .and(CONNECTION.STATUS.ne(ConnectionStatus.REMOVED))
                .fetchOptional()
                .map(ConnectionRepository::toRow);
    }

    /**
     * The ledger of the tenant's provider organization, created on first use: an organization
     * connected again (after a removal) gets its old history back. Keeps the name current.
     */
    UUID ledger(DSLContext tx, UUID tenantId, String provider, String orgId, String orgName, OffsetDateTime now) {
        tx.insertInto(LEDGER)
                .set(LEDGER.LEDGER_ID, UUID.randomUUID())
                .set(LEDGER.TENANT_ID, tenantId)
                .set(LEDGER.PROVIDER, provider)
                .set(LEDGER.EXTERNAL_ORG_ID, orgId)
                .set(LEDGER.EXTERNAL_ORG_NAME, orgName)
                .set(LEDGER.CREATED_AT, now)
                .onConflict(LEDGER.TENANT_ID, LEDGER.PROVIDER, LEDGER.EXTERNAL_ORG_ID)
                .doUpdate()
                .set(LEDGER.EXTERNAL_ORG_NAME, orgName)
                .execute();
        return tx.select(LEDGER.LEDGER_ID)
                .from(LEDGER)
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(LEDGER.PROVIDER.eq(provider))
                .and(LEDGER.EXTERNAL_ORG_ID.eq(orgId))
                .fetchSingle(LEDGER.LEDGER_ID);
    }

    void insert(DSLContext tx, ConnectionRow c, byte[] ciphertext) {
        tx.insertInto(CONNECTION)
                .set(CONNECTION.CONNECTION_ID, c.id())
                .set(CONNECTION.TENANT_ID, c.tenantId())
                .set(CONNECTION.LEDGER_ID, c.ledgerId())
                .set(CONNECTION.PROVIDER, c.provider())
                .set(CONNECTION.EXTERNAL_ORG_ID, c.organizationId())
                .set(CONNECTION.EXTERNAL_ORG_NAME, c.organizationName())
                .set(CONNECTION.STATUS, c.status())
                .set(CONNECTION.KEY_HINT, c.keyHint())
                .set(CONNECTION.CREATED_AT, c.createdAt())
                .set(CONNECTION.CREDENTIAL_UPDATED_AT, c.credentialUpdatedAt())
                .set(CONNECTION.NEXT_SYNC_AT, c.nextSyncAt())
                .execute();
        tx.insertInto(CREDENTIAL)
                .set(CREDENTIAL.CONNECTION_ID, c.id())
                .set(CREDENTIAL.CIPHERTEXT, ciphertext)
                .set(CREDENTIAL.CREATED_AT, c.createdAt())
                .execute();
    }

    /** Swaps the credential and reactivates the connection; one statement each, in the caller's transaction. */
    void replaceCredential(
            DSLContext tx,
            UUID connectionId,
            byte[] ciphertext,
            String keyHint,
            String orgName,
            OffsetDateTime now,
            boolean dueNow) {
        tx.update(CREDENTIAL)
                .set(CREDENTIAL.CIPHERTEXT, ciphertext)
                .set(CREDENTIAL.CREATED_AT, now)
                .where(CREDENTIAL.CONNECTION_ID.eq(connectionId))
                .execute();
        tx.update(LEDGER)
                .set(LEDGER.EXTERNAL_ORG_NAME, orgName)
                .where(LEDGER.LEDGER_ID.eq(tx.select(CONNECTION.LEDGER_ID)
                        .from(CONNECTION)
                        .where(CONNECTION.CONNECTION_ID.eq(connectionId))))
                .execute();
        var update = tx.update(CONNECTION)
                .set(CONNECTION.KEY_HINT, keyHint)
                .set(CONNECTION.EXTERNAL_ORG_NAME, orgName)
                .set(CONNECTION.CREDENTIAL_UPDATED_AT, now)
                .set(CONNECTION.STATUS, ConnectionStatus.ACTIVE)
                .set(CONNECTION.STATUS_REASON, (String) null)
                .set(CONNECTION.STATUS_DETAIL, (String) null)
                .set(CONNECTION.VERSION, CONNECTION.VERSION.plus(1));
        if (dueNow) {
            update = update.set(CONNECTION.NEXT_SYNC_AT, now);
        }
        update.where(CONNECTION.CONNECTION_ID.eq(connectionId)).execute();
    }

    /** Deletes the credential row and marks the connection removed; cost rows stay. */
    void remove(DSLContext tx, UUID connectionId, OffsetDateTime now) {
        tx.deleteFrom(CREDENTIAL)
                .where(CREDENTIAL.CONNECTION_ID.eq(connectionId))
                .execute();
        tx.update(CONNECTION)
                .set(CONNECTION.STATUS, ConnectionStatus.REMOVED)
                .set(CONNECTION.REMOVED_AT, now)
                .set(CONNECTION.NEXT_SYNC_AT, (OffsetDateTime) null)
                .set(CONNECTION.KEY_HINT, (String) null)
                .set(CONNECTION.VERSION, CONNECTION.VERSION.plus(1))
                .where(CONNECTION.CONNECTION_ID.eq(connectionId))
                .execute();
    }

    /** Makes a sync due now and remembers when it was asked for. */
    void requestRefresh(DSLContext tx, UUID connectionId, OffsetDateTime now) {
        tx.update(CONNECTION)
                .set(CONNECTION.NEXT_SYNC_AT, now)
                .set(CONNECTION.REFRESH_REQUESTED_AT, now)
                .where(CONNECTION.CONNECTION_ID.eq(connectionId))
                .execute();
    }

    /** The stored ciphertext of a live connection's key. */
    Optional<byte[]> ciphertext(DSLContext dsl, UUID connectionId) {
        return dsl.select(CREDENTIAL.CIPHERTEXT)
                .from(CREDENTIAL)
                .where(CREDENTIAL.CONNECTION_ID.eq(connectionId))
                .fetchOptional(CREDENTIAL.CIPHERTEXT);
    }

    /** Sync runs of a connection, newest first, from {@code offset}. */
    List<SyncRunRow> syncRuns(DSLContext dsl, UUID connectionId, int offset, int limit) {
        return dsl.selectFrom(SYNC_RUN)
                .where(SYNC_RUN.CONNECTION_ID.eq(connectionId))
                .orderBy(SYNC_RUN.STARTED_AT.desc(), SYNC_RUN.SYNC_RUN_ID)
                .offset(offset)
                .limit(limit)
                .fetch(r -> new SyncRunRow(
                        r.getSyncRunId(),
                        r.getWindowStart(),
                        r.getWindowEnd(),
                        r.getStartedAt(),
                        r.getEndedAt(),
                        r.getPages(),
                        r.getRowsWritten(),
                        r.getDaysDone(),
                        r.getDaysTotal(),
                        r.getOutcome(),
                        r.getErrorReason(),
                        r.getErrorDetail(),
                        r.getProviderRequestId(),
                        r.getProviderMessage(),
                        r.getReconciliation()));
    }
}
