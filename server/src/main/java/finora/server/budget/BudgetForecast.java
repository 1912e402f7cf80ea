package finora.server.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * A budget's state from its daily spend, without the database.
 *
 * <ul>
 *   <li><b>Spent</b>: the scope's stored days of the period up to the day the tenant's numbers are
 *       complete through ({@code through}, see {@link SpendRepository#completeThrough}), plus today's
 *       estimate when one exists.
 *   <li><b>Run rate</b>: the mean daily spend over the {@value #RUN_RATE_DAYS} days ending at
 *       {@code through} (days the tenant has stored), so early in a period the forecast already follows
 *       the recent pace instead of one or two days.
 *   <li><b>Forecast</b>: spent + run rate × the days left after the last counted day. With today's
 *       estimate counted, days between the last closed day and today that are not stored yet (the
 *       provider has not closed them) are forecast at the run rate too, never left out, and today
 *       counts as at least a day at the run rate (the estimate covers only the hours so far).
 *   <li><b>Threshold dates</b>: crossed → the first day the cumulative spend reached it; not crossed →
 *       the day the run rate reaches it, if that is inside the period.
 * </ul>
 */
final class BudgetForecast {
    static final int RUN_RATE_DAYS = 7;
    private static final int USD_SCALE = 8;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private BudgetForecast() {}

    /**
     * @param daily the scope's stored days from {@code periodStart - RUN_RATE_DAYS} through {@code through}
     * @param through the last closed day the tenant's numbers are complete through, or null when nothing is stored
     * @param estimate today's estimated spend, or null
     * @param fired thresholds fired in this period: percent → when
     */
    static BudgetState compute(
            Budget budget,
            LocalDate today,
            NavigableMap<LocalDate, BigDecimal> daily,
            LocalDate through,
            BigDecimal estimate,
            Map<Integer, OffsetDateTime> fired) {
        LocalDate start = budget.period().start(today);
        LocalDate end = budget.period().end(today);
        LocalDate spentThrough =
                through == null || through.isBefore(start) ? null : through.isAfter(end) ? end : through;
        BigDecimal spent = BigDecimal.ZERO;
        List<LocalDate> days = new ArrayList<>();
        List<BigDecimal> cumulative = new ArrayList<>();
        if (spentThrough != null) {
            for (var e : daily.subMap(start, true, spentThrough, true).entrySet()) {
                spent = spent.add(e.getValue());
                days.add(e.getKey());
                cumulative.add(spent);
            }
        }
        boolean includesEstimate = estimate != null && !today.isAfter(end);
        LocalDate closedLast = spentThrough == null ? start.minusDays(1) : spentThrough;
        LocalDate lastCounted = closedLast;
        if (includesEstimate) {
            spent = spent.add(estimate);
            days.add(today);
            cumulative.add(spent);
            lastCounted = today;
        }
        BigDecimal rate = BigDecimal.ZERO;
        if (through != null) {
            var window = daily.subMap(through.minusDays(RUN_RATE_DAYS - 1), true, through, true);
            if (!window.isEmpty()) {
                rate = window.values().stream()
                        .reduce(BigDecimal.ZERO, BigDecimal::add)
                        .divide(BigDecimal.valueOf(window.size()), USD_SCALE, RoundingMode.HALF_UP);
            }
        }
        // Days skipped between the last closed day and today's estimate: spent, but not stored yet.
        long unstored = includesEstimate ? Math.max(0, ChronoUnit.DAYS.between(closedLast, today) - 1) : 0;
        BigDecimal expected = spent.add(rate.multiply(BigDecimal.valueOf(unstored)));
        if (includesEstimate && estimate.compareTo(rate) < 0) {
            expected = expected.add(rate.subtract(estimate)); // today is not over: the rest of it at the run rate
        }
        long left = Math.max(0, ChronoUnit.DAYS.between(lastCounted, end));
        BigDecimal forecast =
                expected.add(rate.multiply(BigDecimal.valueOf(left))).setScale(USD_SCALE, RoundingMode.HALF_UP);
        List<BudgetState.Threshold> thresholds = new ArrayList<>();
        for (int percent : budget.thresholds()) {
            BigDecimal target = budget.amount()
                    .multiply(BigDecimal.valueOf(percent))
                    .divide(HUNDRED, USD_SCALE, RoundingMode.HALF_UP);
            boolean crossed = spent.compareTo(target) >= 0;
            LocalDate crossedDate = null;
            LocalDate forecastDate = null;
            if (crossed) {
                for (int i = 0; i < days.size(); i++) {
                    if (cumulative.get(i).compareTo(target) >= 0) {
                        crossedDate = days.get(i);
                        break;
                    }
                }
            } else if (rate.signum() > 0) {
                long needed = target.subtract(expected)
                        .divide(rate, 0, RoundingMode.CEILING)
                        .longValueExact();
                LocalDate date = lastCounted.plusDays(Math.max(1, needed));
                forecastDate = date.isAfter(end) ? null : date;
            }
            thresholds.add(
                    new BudgetState.Threshold(percent, target, crossed, crossedDate, forecastDate, fired.get(percent)));
        }
        return new BudgetState(
                start, end, spent, spentThrough, includesEstimate, rate, forecast, List.copyOf(thresholds));
    }

    /** {@code part / whole × 100} with one decimal, e.g. "83.4". */
    static String percent(BigDecimal part, BigDecimal whole) {
        return part.multiply(HUNDRED).divide(whole, 1, RoundingMode.HALF_UP).toPlainString();
    }
}
