package finora.server.budget;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Where a budget stands in its current period (see the BudgetStatus proto for each field).
 *
 * @param spentThrough last day counted, or null when no day of the period is stored yet
 */
record BudgetState(
        LocalDate periodStart,
        LocalDate periodEnd,
        BigDecimal spent,
        LocalDate spentThrough,
        boolean includesEstimate,
        BigDecimal dailyRunRate,
        BigDecimal forecast,
        List<Threshold> thresholds) {

    /**
     * One threshold.
     *
     * @param crossedDate the day cumulative spend reached it, or null
     * @param forecastDate the day the run rate reaches it inside the period, or null
     * @param firedAt when its alert fired in this period, or null
     */
    record Threshold(
            int percent,
            BigDecimal amount,
            boolean crossed,
            LocalDate crossedDate,
            LocalDate forecastDate,
            OffsetDateTime firedAt) {}
}
