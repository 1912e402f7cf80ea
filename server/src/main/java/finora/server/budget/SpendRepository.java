package finora.server.budget;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_NOWCAST;
import static finora.db.jooq.Tables.COST_RESTATEMENT;
import static finora.db.jooq.Tables.COST_ROLLUP_DETAIL;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.WORKSPACE;

import finora.db.types.ConnectionStatus;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
 * ({@code cost_day}), restatements, and workspace names, always by tenant and UTC day.
 *
 * <p>Cost rows belong to the tenant's ledgers, one per (provider, organization), never to a
 * connection: every ledger of the tenant counts, including a history-only one whose connection was
 * removed, and an organization removed and connected again is one ledger, so it is counted once.
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
     * The last closed day the tenant's numbers are complete through. While any organization is
     * connected this is CostService's {@code complete_through}: the smallest of the last days stored
     * by the ledgers that a live connection feeds (days after it may still be missing for one of
     * them). With history only (every connection removed) nothing will arrive any more, so it is the
     * last day stored in any of the tenant's ledgers: removing a connection keeps its spend counted.
     */
    Optional<LocalDate> completeThrough(DSLContext dsl, UUID tenantId) {
        var perLedger = dsl.select(DSL.max(COST_DAY.DAY).as("last_day"))
                .from(COST_DAY)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_DAY.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(connected(tenantId, COST_DAY.LEDGER_ID))
                .groupBy(COST_DAY.LEDGER_ID)
                .asTable("per_ledger");
        Optional<LocalDate> connected =
                Optional.ofNullable(dsl.select(DSL.min(perLedger.field("last_day", LocalDate.class)))
                        .from(perLedger)
                        .fetchOne(0, LocalDate.class));
        if (connected.isPresent()) {
            return connected;
        }
        return Optional.ofNullable(dsl.select(DSL.max(COST_DAY.DAY))
                .from(COST_DAY)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_DAY.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .fetchOne(0, LocalDate.class));
    }

    /** Ledgers that a live (not removed) connection of the tenant feeds, as in CostService. */
    private static Condition connected(UUID tenantId, Field<UUID> ledger) {
        return DSL.exists(DSL.selectOne()
                .from(CONNECTION)
                .where(CONNECTION.LEDGER_ID.eq(ledger))
                .and(CONNECTION.TENANT_ID.eq(tenantId))
                .and(CONNECTION.STATUS.ne(ConnectionStatus.REMOVED)));
    }

    /**
     * The scope's spend per stored day of [from, to]: every day some ledger of the tenant has stored
     * is present (zero when the scope spent nothing); days before the tenant's history are absent.
     */
    TreeMap<LocalDate, BigDecimal> daily(DSLContext dsl, UUID tenantId, Scope scope, LocalDate from, LocalDate to) {
        TreeMap<LocalDate, BigDecimal> days = new TreeMap<>();
        dsl.selectDistinct(COST_DAY.DAY)
                .from(COST_DAY)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_DAY.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(COST_DAY.DAY.between(from, to))
                .forEach(r -> days.put(r.value1(), BigDecimal.ZERO));
        dsl.select(COST_ROLLUP_DETAIL.DAY, DSL.sum(COST_ROLLUP_DETAIL.AMOUNT_USD))
                .from(COST_ROLLUP_DETAIL)
                .where(COST_ROLLUP_DETAIL.TENANT_ID.eq(tenantId))
                .and(COST_ROLLUP_DETAIL.DAY.between(from, to))
                .and(scope(tenantId, scope))
                .groupBy(COST_ROLLUP_DETAIL.DAY)
                .forEach(r -> days.put(r.value1(), r.value2()));
        return days;
    }

    /**
     * Today's estimate of the scope (the hours of {@code today} the Cost Analytics API reported, kept in
     * {@code cost_nowcast}), summed over the ledgers a live connection feeds and that do not hold
     * {@code today} closed yet. Empty when no ledger has an estimate, and always for a workspace or
     * model-family scope: the estimate is one total per organization and hour, without a breakdown.
     */
    Optional<BigDecimal> todayEstimate(DSLContext dsl, UUID tenantId, Scope scope, LocalDate today) {
        Condition ofScope = switch (scope.kind()) {
            case TENANT -> DSL.noCondition();
            case PROVIDER ->
                COST_NOWCAST.LEDGER_ID.in(DSL.select(LEDGER.LEDGER_ID)
                        .from(LEDGER)
                        .where(LEDGER.TENANT_ID.eq(tenantId))
                        .and(LEDGER.PROVIDER.eq(scope.value())));
            case WORKSPACE, MODEL_FAMILY -> null;
        };
        if (ofScope == null) {
            return Optional.empty();
        }
        OffsetDateTime from = today.atStartOfDay().atOffset(ZoneOffset.UTC);
        return Optional.ofNullable(dsl.select(DSL.sum(COST_NOWCAST.AMOUNT_USD))
                .from(COST_NOWCAST)
                .where(COST_NOWCAST.TENANT_ID.eq(tenantId))
                .and(connected(tenantId, COST_NOWCAST.LEDGER_ID))
                .and(COST_NOWCAST.HOUR_START.ge(from))
                .and(COST_NOWCAST.HOUR_START.lt(from.plusDays(1)))
                .andNotExists(DSL.selectOne()
                        .from(COST_DAY)
                        .where(COST_DAY.LEDGER_ID.eq(COST_NOWCAST.LEDGER_ID))
                        .and(COST_DAY.DAY.eq(today)))
                .and(ofScope)
                .fetchOne(0, BigDecimal.class));
    }

    /** The scope's spend on each of {@code days} by the values of one dimension: day → value → USD. */
    Map<LocalDate, Map<String, BigDecimal>> breakdown(
            DSLContext dsl, UUID tenantId, Scope scope, Collection<LocalDate> days, Dimension dimension) {
        Map<LocalDate, Map<String, BigDecimal>> result = new HashMap<>();
        dsl.select(COST_ROLLUP_DETAIL.DAY, dimension.column, DSL.sum(COST_ROLLUP_DETAIL.AMOUNT_USD))
                .from(COST_ROLLUP_DETAIL)
                .where(COST_ROLLUP_DETAIL.TENANT_ID.eq(tenantId))
                .and(COST_ROLLUP_DETAIL.DAY.in(days))
                .and(scope(tenantId, scope))
                .groupBy(COST_ROLLUP_DETAIL.DAY, dimension.column)
                .forEach(r ->
                        result.computeIfAbsent(r.value1(), d -> new HashMap<>()).put(r.value2(), r.value3()));
        return result;
    }

    /** The latest restatement of each day of [from, to] recorded in any ledger of the tenant. */
    Map<LocalDate, OffsetDateTime> restatedAt(DSLContext dsl, UUID tenantId, LocalDate from, LocalDate to) {
        Map<LocalDate, OffsetDateTime> result = new HashMap<>();
        dsl.select(COST_RESTATEMENT.DAY, DSL.max(COST_RESTATEMENT.RESTATED_AT))
                .from(COST_RESTATEMENT)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_RESTATEMENT.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(COST_RESTATEMENT.DAY.between(from, to))
                .groupBy(COST_RESTATEMENT.DAY)
                .forEach(r -> result.put(r.value1(), r.value2()));
        return result;
    }

    /** Workspace id → name for the tenant's workspaces ('' → "Default"). */
    Map<String, String> workspaceNames(DSLContext dsl, UUID tenantId) {
        Map<String, String> names = new HashMap<>();
        names.put("", "Default");
        dsl.select(WORKSPACE.WORKSPACE_ID, WORKSPACE.NAME)
                .from(WORKSPACE)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(WORKSPACE.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .forEach(r -> names.put(r.value1(), r.value2()));
        return names;
    }

    private static Condition scope(UUID tenantId, Scope scope) {
        return switch (scope.kind()) {
            case TENANT -> DSL.noCondition();
            case PROVIDER ->
                COST_ROLLUP_DETAIL.LEDGER_ID.in(DSL.select(LEDGER.LEDGER_ID)
                        .from(LEDGER)
                        .where(LEDGER.TENANT_ID.eq(tenantId))
                        .and(LEDGER.PROVIDER.eq(scope.value())));
            case WORKSPACE -> COST_ROLLUP_DETAIL.WORKSPACE_ID.eq(scope.value());
            case MODEL_FAMILY -> COST_ROLLUP_DETAIL.MODEL_FAMILY.eq(scope.value());
        };
    }
}
