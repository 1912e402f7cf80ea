package finora.server.notify;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.SYNC_RUN;
import static finora.db.jooq.Tables.TENANT;

import finora.db.types.ConnectionStatus;
import finora.server.auth.Plan;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** What connection alerts read about connections and their syncs. */
final class ConnectionAlertRepository {

    /**
     * A live connection with its tenant's plan and its last successful sync.
     *
     * @param version changes with every key rotation, so each key refused is one episode
     * @param lastSuccessAt end of the last successful sync, or null when none succeeded yet
     */
    record Watched(
            UUID id,
            UUID tenantId,
            String organizationName,
            ConnectionStatus status,
            String statusDetail,
            long version,
            Plan plan,
            OffsetDateTime createdAt,
            OffsetDateTime lastSuccessAt) {}

    private static final org.jooq.Field<OffsetDateTime> LAST_SUCCESS = DSL.field(DSL.select(DSL.max(SYNC_RUN.ENDED_AT))
                    .from(SYNC_RUN)
                    .where(SYNC_RUN.CONNECTION_ID.eq(CONNECTION.CONNECTION_ID))
                    .and(SYNC_RUN.OUTCOME.eq("SUCCEEDED")))
            .as("last_success");

    Optional<Watched> find(DSLContext dsl, UUID connectionId) {
        return dsl.select(
                        CONNECTION.CONNECTION_ID,
                        CONNECTION.TENANT_ID,
                        CONNECTION.EXTERNAL_ORG_NAME,
                        CONNECTION.STATUS,
                        CONNECTION.STATUS_DETAIL,
                        CONNECTION.VERSION,
                        TENANT.PLAN,
                        CONNECTION.CREATED_AT,
                        LAST_SUCCESS)
                .from(CONNECTION)
                .join(TENANT)
                .on(TENANT.TENANT_ID.eq(CONNECTION.TENANT_ID))
                .where(CONNECTION.CONNECTION_ID.eq(connectionId))
                .fetchOptional(ConnectionAlertRepository::toWatched);
    }

    /** ACTIVE connections, with what a staleness check needs. */
    List<Watched> active(DSLContext dsl) {
        return dsl.select(
                        CONNECTION.CONNECTION_ID,
                        CONNECTION.TENANT_ID,
                        CONNECTION.EXTERNAL_ORG_NAME,
                        CONNECTION.STATUS,
                        CONNECTION.STATUS_DETAIL,
                        CONNECTION.VERSION,
                        TENANT.PLAN,
                        CONNECTION.CREATED_AT,
                        LAST_SUCCESS)
                .from(CONNECTION)
                .join(TENANT)
                .on(TENANT.TENANT_ID.eq(CONNECTION.TENANT_ID))
                .where(CONNECTION.STATUS.eq(ConnectionStatus.ACTIVE))
                .fetch(ConnectionAlertRepository::toWatched);
    }

    private static Watched toWatched(org.jooq.Record r) {
        return new Watched(
                r.get(CONNECTION.CONNECTION_ID),
                r.get(CONNECTION.TENANT_ID),
                r.get(CONNECTION.EXTERNAL_ORG_NAME),
                r.get(CONNECTION.STATUS),
                r.get(CONNECTION.STATUS_DETAIL),
                r.get(CONNECTION.VERSION),
                Plan.valueOf(r.get(TENANT.PLAN)),
                r.get(CONNECTION.CREATED_AT),
                r.get(LAST_SUCCESS));
    }
}
