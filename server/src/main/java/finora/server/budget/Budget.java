package finora.server.budget;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A stored budget.
 *
 * @param amount USD per period, exact
 * @param thresholds percent of the amount, ascending and distinct
 */
record Budget(
        UUID id,
        UUID tenantId,
        String name,
        BudgetPeriod period,
        BigDecimal amount,
        Scope scope,
        List<Integer> thresholds,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    /** What an admin asks for; checked by {@link Budgets}. */
    record Spec(String name, BudgetPeriod period, BigDecimal amount, Scope scope, List<Integer> thresholds) {}
}
