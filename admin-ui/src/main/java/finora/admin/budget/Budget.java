package finora.admin.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A budget with the state of its current period.
 *
 * @param id budget id (UUID)
 * @param spec what was set
 * @param status where the current period stands
 */
public record Budget(String id, BudgetSpec spec, Status status) {

    /**
     * Where a budget stands in its current period, from the stored closed days.
     *
     * @param periodStart first day of the period (UTC)
     * @param periodEnd last day of the period (UTC)
     * @param spent spend from periodStart through spentThrough, USD
     * @param spentThrough last day counted, or null when no day of the period is stored yet
     * @param includesEstimate true when spent includes an estimate of today
     * @param dailyRunRate mean daily spend of the last 7 closed days, USD
     * @param forecast spend forecast at period end, USD
     * @param spentPercent spent / amount × 100, one decimal
     * @param forecastPercent forecast / amount × 100, one decimal
     * @param thresholds one per threshold, ascending
     */
    public record Status(
            LocalDate periodStart,
            LocalDate periodEnd,
            BigDecimal spent,
            LocalDate spentThrough,
            boolean includesEstimate,
            BigDecimal dailyRunRate,
            BigDecimal forecast,
            BigDecimal spentPercent,
            BigDecimal forecastPercent,
            List<Threshold> thresholds) {

        public Status {
            thresholds = List.copyOf(thresholds);
        }
    }

    /**
     * One threshold in the current period.
     *
     * @param percent percent of the budget amount
     * @param amount the amount it stands for, USD
     * @param crossed whether spent has reached it
     * @param crossedDate the day it was reached, or null
     * @param forecastDate the day it is forecast to be reached inside the period, or null
     * @param fired whether its alert went out this period (it goes out once)
     * @param fireTime when it fired, or null
     */
    public record Threshold(
            int percent,
            BigDecimal amount,
            boolean crossed,
            LocalDate crossedDate,
            LocalDate forecastDate,
            boolean fired,
            Instant fireTime) {}
}
