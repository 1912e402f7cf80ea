package finora.server.budget;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_RESTATEMENT;
import static finora.db.jooq.Tables.COST_ROLLUP_DETAIL;
import static finora.db.jooq.Tables.WORKSPACE;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Every read of cost data that budgets and anomalies make, and nothing else: daily amounts of a scope
 * from the trigger-maintained rollup ({@code cost_rollup_detail}), which days are stored
 * ({@code cost_day}), restatements, and workspace names, always by tenant and UTC day. When the
 * ledger's ownership of cost rows changes, this is the one class to adapt.
 */
final class SpendRepository {

    /** A dimension whose values can explain an anomaly, with its rollup column. */
    enum Dimension {
        /** Workspace id ('' is Default). */
        WORKSPACE(COST_ROLLUP_DETAIL.WORKSPACE_ID),
        /** Model id ('' for costs without one). */
        MODEL(COST_ROLLUP_DETAIL.MODEL),
        /** Token type ('' for costs without tokens). */
        TOKEN_TYPE(COST_ROLLUP_DETAIL.TOKEN_TYPE);

        private final Field<String> column;

        Dimension(Field<String> column) {
            this.column = column;
        }
    }

    /**
     * The last day stored for every live connection of the tenant (the smallest of their last days):
     * days after it may still be missing for some connection.
     */
    Optional<LocalDate> completeThrough(DSLContext dsl, UUID tenantId) {
        var perConnection = dsl.select(DSL.max(COST_DAY.DAY).as("last_day"))
                .from(COST_DAY).join(CONNECTION).on(CONNECTION.CONNECTION_ID.eq(COST_DAY.CONNECTION_ID))
                .where(CONNECTION.TENANT_ID.eq(tenantId)).and(CONNECTION.STATUS.ne("REMOVED"))
                .groupBy(COST_DAY.CONNECTION_ID)
                .asTable("per_connection");
        return Optional.ofNullable(dsl.select(DSL.min(perConnection.field("last_day", LocalDate.class)))
                .from(perConnection).fetchOne(0, LocalDate.class));
    }

    /**
     * The scope's spend per stored day of [from, to]: every day some connection of the tenant has
     * stored is present (zero when the scope spent nothing); days before the tenant's history are absent.
     */
    TreeMap<LocalDate, BigDecimal> daily(DSLContext dsl, UUID tenantId, Scope scope, LocalDate from, LocalDate to) {
        TreeMap<LocalDate, BigDecimal> days = new TreeMap<>();
        dsl.selectDistinct(COST_DAY.DAY).from(COST_DAY)
                .join(CONNECTION).on(CONNECTION.CONNECTION_ID.eq(COST_DAY.CONNECTION_ID))
                .where(CONNECTION.TENANT_ID.eq(tenantId)).and(COST_DAY.DAY.between(from, to))
                .forEach(r -> days.put(r.value1(), BigDecimal.ZERO));
        dsl.select(COST_ROLLUP_DETAIL.DAY, DSL.sum(COST_ROLLUP_DETAIL.AMOUNT_USD)).from(COST_ROLLUP_DETAIL)
                .where(COST_ROLLUP_DETAIL.TENANT_ID.eq(tenantId)).and(COST_ROLLUP_DETAIL.DAY.between(from, to))
                .and(scope(tenantId, scope))
                .groupBy(COST_ROLLUP_DETAIL.DAY)
                .forEach(r -> days.put(r.value1(), r.value2()));
        return days;
    }

    /** The scope's spend on each of {@code days} by the values of one dimension: day → value → USD. */
    Map<LocalDate, Map<String, BigDecimal>> breakdown(DSLContext dsl, UUID tenantId, Scope scope,
            Collection<LocalDate> days, Dimension dimension) {
        Map<LocalDate, Map<String, BigDecimal>> result = new HashMap<>();
        dsl.select(COST_ROLLUP_DETAIL.DAY, dimension.column, DSL.sum(COST_ROLLUP_DETAIL.AMOUNT_USD))
                .from(COST_ROLLUP_DETAIL)
                .where(COST_ROLLUP_DETAIL.TENANT_ID.eq(tenantId)).and(COST_ROLLUP_DETAIL.DAY.in(days))
                .and(scope(tenantId, scope))
                .groupBy(COST_ROLLUP_DETAIL.DAY, dimension.column)
                .forEach(r -> result.computeIfAbsent(r.value1(), d -> new HashMap<>()).put(r.value2(), r.value3()));
        return result;
    }

    /** The latest restatement of each day of [from, to] that any connection of the tenant recorded. */
    Map<LocalDate, OffsetDateTime> restatedAt(DSLContext dsl, UUID tenantId, LocalDate from, LocalDate to) {
        Map<LocalDate, OffsetDateTime> result = new HashMap<>();
        dsl.select(COST_RESTATEMENT.DAY, DSL.max(COST_RESTATEMENT.RESTATED_AT)).from(COST_RESTATEMENT)
                .join(CONNECTION).on(CONNECTION.CONNECTION_ID.eq(COST_RESTATEMENT.CONNECTION_ID))
                .where(CONNECTION.TENANT_ID.eq(tenantId)).and(COST_RESTATEMENT.DAY.between(from, to))
                .groupBy(COST_RESTATEMENT.DAY)
                .forEach(r -> result.put(r.value1(), r.value2()));
        return result;
    }

    /** Workspace id → name for the tenant's workspaces ('' → "Default"). */
    Map<String, String> workspaceNames(DSLContext dsl, UUID tenantId) {
        Map<String, String> names = new HashMap<>();
        names.put("", "Default");
        dsl.select(WORKSPACE.WORKSPACE_ID, WORKSPACE.NAME).from(WORKSPACE)
                .join(CONNECTION).on(CONNECTION.CONNECTION_ID.eq(WORKSPACE.CONNECTION_ID))
                .where(CONNECTION.TENANT_ID.eq(tenantId))
                .forEach(r -> names.put(r.value1(), r.value2()));
        return names;
    }

    private static Condition scope(UUID tenantId, Scope scope) {
        return switch (scope.kind()) {
            case TENANT -> DSL.noCondition();
            case PROVIDER -> COST_ROLLUP_DETAIL.CONNECTION_ID.in(DSL.select(CONNECTION.CONNECTION_ID).from(CONNECTION)
                    .where(CONNECTION.TENANT_ID.eq(tenantId)).and(CONNECTION.PROVIDER.eq(scope.value())));
            case WORKSPACE -> COST_ROLLUP_DETAIL.WORKSPACE_ID.eq(scope.value());
            case MODEL_FAMILY -> COST_ROLLUP_DETAIL.MODEL_FAMILY.eq(scope.value());
        };
    }
}
