package finora.admin.budget;

import finora.admin.spend.SpendScope;
import java.math.BigDecimal;
import java.util.List;

/**
 * What a person sets on a budget; the server checks it.
 *
 * @param name 1–200 characters
 * @param period monthly or quarterly
 * @param amount the limit per period, USD
 * @param scope what spend counts against it
 * @param thresholdsPercent alert thresholds in percent of the amount; empty means 50, 80, 100
 */
public record BudgetSpec(
        String name, BudgetPeriod period, BigDecimal amount, SpendScope scope, List<Integer> thresholdsPercent) {

    public BudgetSpec {
        thresholdsPercent = List.copyOf(thresholdsPercent);
    }
}
