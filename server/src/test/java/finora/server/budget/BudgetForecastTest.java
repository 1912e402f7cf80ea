package finora.server.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BudgetForecastTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 11);

    private static Budget budget(String amount, BudgetPeriod period, List<Integer> thresholds) {
        OffsetDateTime t = OffsetDateTime.parse("2026-11-01T00:00:00Z");
        return new Budget(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "b",
                period,
                new BigDecimal(amount),
                Scope.TENANT,
                thresholds,
                t,
                t);
    }

    /** $10 a day from October 25 through November 10. */
    private static TreeMap<LocalDate, BigDecimal> tenADay() {
        TreeMap<LocalDate, BigDecimal> daily = new TreeMap<>();
        for (LocalDate d = LocalDate.of(2026, 10, 25); d.isBefore(TODAY); d = d.plusDays(1)) {
            daily.put(d, BigDecimal.TEN);
        }
        return daily;
    }

    @Test
    void forecast_projectsTheRunRateToPeriodEnd_andDatesEachThreshold() {
        BudgetState s = BudgetForecast.compute(
                budget("200", BudgetPeriod.MONTHLY, List.of(50, 80, 100, 200)),
                TODAY,
                tenADay(),
                TODAY.minusDays(1),
                null,
                Map.of());
        assertThat(s.spent()).isEqualByComparingTo("100"); // 10 days of November
        assertThat(s.spentThrough()).isEqualTo(LocalDate.of(2026, 11, 10));
        assertThat(s.dailyRunRate()).isEqualByComparingTo("10");
        assertThat(s.forecast()).isEqualByComparingTo("300"); // + 20 days left
        assertThat(s.thresholds().get(0).crossed()).isTrue();
        assertThat(s.thresholds().get(0).crossedDate()).isEqualTo(LocalDate.of(2026, 11, 10));
        assertThat(s.thresholds().get(1).forecastDate()).isEqualTo(LocalDate.of(2026, 11, 16)); // 160
        assertThat(s.thresholds().get(2).forecastDate()).isEqualTo(LocalDate.of(2026, 11, 20)); // 200
        assertThat(s.thresholds().get(3).forecastDate()).isNull(); // 400 is not reached this month
        assertThat(s.includesEstimate()).isFalse();
    }

    @Test
    void quarter_andTodaysEstimate_areCounted() {
        BudgetState s = BudgetForecast.compute(
                budget("1000", BudgetPeriod.QUARTERLY, List.of(100)),
                TODAY,
                tenADay(),
                TODAY.minusDays(1),
                new BigDecimal("5"),
                Map.of());
        assertThat(s.periodStart()).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(s.periodEnd()).isEqualTo(LocalDate.of(2026, 12, 31));
        assertThat(s.spent()).isEqualByComparingTo("175"); // Oct 25–31, Nov 1–10, and today's 5
        assertThat(s.includesEstimate()).isTrue();
    }

    @Test
    void todaysEstimate_withYesterdayNotClosedYet_forecastsTheUnstoredDay_insteadOfDroppingIt() {
        // Closed through November 9; November 10 not stored yet; today's estimate is $5.
        BudgetState s = BudgetForecast.compute(
                budget("300", BudgetPeriod.MONTHLY, List.of(100)),
                TODAY,
                tenADay(),
                TODAY.minusDays(2),
                new BigDecimal("5"),
                Map.of());
        assertThat(s.spent()).isEqualByComparingTo("95"); // November 1–9 and today's 5: only what was reported
        assertThat(s.spentThrough()).isEqualTo(LocalDate.of(2026, 11, 9));
        assertThat(s.includesEstimate()).isTrue();
        // 95 + November 10 at the run rate (10) + the rest of today (10 - 5) + 19 days after today (190).
        assertThat(s.forecast()).isEqualByComparingTo("300");
        assertThat(s.thresholds().get(0).forecastDate()).isEqualTo(LocalDate.of(2026, 11, 30));
        BudgetState closedOnly = BudgetForecast.compute(
                budget("300", BudgetPeriod.MONTHLY, List.of(100)),
                TODAY,
                tenADay(),
                TODAY.minusDays(2),
                null,
                Map.of());
        assertThat(closedOnly.forecast())
                .as("without the estimate: 90 + 21 days at 10")
                .isEqualByComparingTo("300");
        assertThat(closedOnly.thresholds().get(0).forecastDate()).isEqualTo(LocalDate.of(2026, 11, 30));
    }

    @Test
    void nothingStored_meansNothingSpentAndNoForecast() {
        BudgetState s = BudgetForecast.compute(
                budget("100", BudgetPeriod.MONTHLY, List.of(80)), TODAY, new TreeMap<>(), null, null, Map.of());
        assertThat(s.spent()).isEqualByComparingTo("0");
        assertThat(s.spentThrough()).isNull();
        assertThat(s.forecast()).isEqualByComparingTo("0");
        assertThat(s.thresholds().get(0).forecastDate()).isNull();
    }
}
