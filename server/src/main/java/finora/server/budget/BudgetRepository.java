package finora.server.budget;

import static finora.db.jooq.Tables.BUDGET;
import static finora.db.jooq.Tables.BUDGET_ALERT;
import static finora.db.jooq.Tables.BUDGET_THRESHOLD;

import finora.db.jooq.tables.records.BudgetRecord;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Budgets, their thresholds and the thresholds that fired; every read is tenant-scoped. */
final class BudgetRepository {

    void insert(DSLContext tx, Budget b) {
        tx.insertInto(BUDGET)
                .set(BUDGET.BUDGET_ID, b.id())
                .set(BUDGET.TENANT_ID, b.tenantId())
                .set(BUDGET.NAME, b.name())
                .set(BUDGET.PERIOD, b.period().name())
                .set(BUDGET.AMOUNT_USD, b.amount())
                .set(BUDGET.SCOPE_KIND, b.scope().kind().name())
                .set(BUDGET.SCOPE_VALUE, b.scope().value())
                .set(BUDGET.CREATED_AT, b.createdAt())
                .set(BUDGET.UPDATED_AT, b.updatedAt())
                .execute();
        insertThresholds(tx, b.id(), b.thresholds());
    }

    /** Replaces the editable fields; false when the budget is not the tenant's. */
    boolean update(DSLContext tx, Budget b) {
        int rows = tx.update(BUDGET)
                .set(BUDGET.NAME, b.name())
                .set(BUDGET.PERIOD, b.period().name())
                .set(BUDGET.AMOUNT_USD, b.amount())
                .set(BUDGET.SCOPE_KIND, b.scope().kind().name())
                .set(BUDGET.SCOPE_VALUE, b.scope().value())
                .set(BUDGET.UPDATED_AT, b.updatedAt())
                .where(BUDGET.BUDGET_ID.eq(b.id()))
                .and(BUDGET.TENANT_ID.eq(b.tenantId()))
                .execute();
        if (rows == 0) {
            return false;
        }
        tx.deleteFrom(BUDGET_THRESHOLD)
                .where(BUDGET_THRESHOLD.BUDGET_ID.eq(b.id()))
                .execute();
        insertThresholds(tx, b.id(), b.thresholds());
        return true;
    }

    private static void insertThresholds(DSLContext tx, UUID budgetId, List<Integer> thresholds) {
        for (int percent : thresholds) {
            tx.insertInto(BUDGET_THRESHOLD)
                    .set(BUDGET_THRESHOLD.BUDGET_ID, budgetId)
                    .set(BUDGET_THRESHOLD.PERCENT, percent)
                    .execute();
        }
    }

    boolean delete(DSLContext tx, UUID tenantId, UUID budgetId) {
        return tx.deleteFrom(BUDGET)
                        .where(BUDGET.BUDGET_ID.eq(budgetId))
                        .and(BUDGET.TENANT_ID.eq(tenantId))
                        .execute()
                > 0;
    }

    int count(DSLContext dsl, UUID tenantId) {
        return dsl.fetchCount(BUDGET, BUDGET.TENANT_ID.eq(tenantId));
    }

    Optional<Budget> find(DSLContext dsl, UUID tenantId, UUID budgetId) {
        return dsl.selectFrom(BUDGET)
                .where(BUDGET.BUDGET_ID.eq(budgetId))
                .and(BUDGET.TENANT_ID.eq(tenantId))
                .fetchOptional()
                .map(r -> toBudget(r, thresholds(dsl, List.of(budgetId)).get(budgetId)));
    }

    /** The tenant's budgets, oldest first. */
    List<Budget> list(DSLContext dsl, UUID tenantId) {
        List<BudgetRecord> rows = dsl.selectFrom(BUDGET)
                .where(BUDGET.TENANT_ID.eq(tenantId))
                .orderBy(BUDGET.CREATED_AT, BUDGET.BUDGET_ID)
                .fetch();
        Map<UUID, List<Integer>> thresholds =
                thresholds(dsl, rows.stream().map(BudgetRecord::getBudgetId).toList());
        return rows.stream()
                .map(r -> toBudget(r, thresholds.get(r.getBudgetId())))
                .toList();
    }

    private static Map<UUID, List<Integer>> thresholds(DSLContext dsl, Collection<UUID> budgetIds) {
        Map<UUID, List<Integer>> result = new HashMap<>();
        dsl.selectFrom(BUDGET_THRESHOLD)
                .where(BUDGET_THRESHOLD.BUDGET_ID.in(budgetIds))
                .orderBy(BUDGET_THRESHOLD.PERCENT)
                .forEach(r -> result.computeIfAbsent(r.getBudgetId(), id -> new ArrayList<>())
                        .add(r.getPercent()));
        return result;
    }

    /** Thresholds that fired in the period starting {@code periodStart}: percent → when. */
    Map<Integer, OffsetDateTime> fired(DSLContext dsl, UUID budgetId, LocalDate periodStart) {
        Map<Integer, OffsetDateTime> result = new HashMap<>();
        dsl.selectFrom(BUDGET_ALERT)
                .where(BUDGET_ALERT.BUDGET_ID.eq(budgetId))
                .and(BUDGET_ALERT.PERIOD_START.eq(periodStart))
                .forEach(r -> result.put(r.getPercent(), r.getFiredAt()));
        return result;
    }

    /** Marks a threshold fired for a period; false when it already was. */
    boolean markFired(
            DSLContext dsl, UUID budgetId, LocalDate periodStart, int percent, BigDecimal spent, OffsetDateTime now) {
        return dsl.insertInto(BUDGET_ALERT)
                        .set(BUDGET_ALERT.BUDGET_ID, budgetId)
                        .set(BUDGET_ALERT.PERIOD_START, periodStart)
                        .set(BUDGET_ALERT.PERCENT, percent)
                        .set(BUDGET_ALERT.SPENT_USD, spent)
                        .set(BUDGET_ALERT.FIRED_AT, now)
                        .onConflictDoNothing()
                        .execute()
                > 0;
    }

    /** Forgets fired marks of a period (after an edit made them untrue). */
    void unmark(DSLContext tx, UUID budgetId, LocalDate periodStart, Collection<Integer> percents) {
        tx.deleteFrom(BUDGET_ALERT)
                .where(BUDGET_ALERT.BUDGET_ID.eq(budgetId))
                .and(BUDGET_ALERT.PERIOD_START.eq(periodStart))
                .and(BUDGET_ALERT.PERCENT.in(percents))
                .execute();
    }

    private static Budget toBudget(BudgetRecord r, List<Integer> thresholds) {
        return new Budget(
                r.getBudgetId(),
                r.getTenantId(),
                r.getName(),
                BudgetPeriod.valueOf(r.getPeriod()),
                r.getAmountUsd(),
                new Scope(Scope.Kind.valueOf(r.getScopeKind()), r.getScopeValue()),
                thresholds == null ? List.of() : List.copyOf(thresholds),
                r.getCreatedAt(),
                r.getUpdatedAt());
    }
}
