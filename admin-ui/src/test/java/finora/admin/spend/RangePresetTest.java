package finora.admin.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RangePresetTest {

    private static final LocalDate YESTERDAY = LocalDate.of(2026, 11, 24);

    @Test
    void lastNDays_endYesterday_andCountNDays() {
        assertThat(RangePreset.LAST_7_DAYS.range(YESTERDAY))
                .isEqualTo(new DateRange(LocalDate.of(2026, 11, 18), YESTERDAY));
        assertThat(RangePreset.LAST_30_DAYS.range(YESTERDAY).days()).isEqualTo(30);
        assertThat(RangePreset.LAST_90_DAYS.range(YESTERDAY).days()).isEqualTo(90);
    }

    @Test
    void monthToDate_onTheFirst_isTheWholePreviousMonth() {
        // On 1 December yesterday is 30 November: November so far is all of November.
        assertThat(RangePreset.MONTH_TO_DATE.range(LocalDate.of(2026, 11, 30)))
                .isEqualTo(new DateRange(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30)));
    }

    @Test
    void usd_roundsHalfUpToTheCent() {
        assertThat(Usd.format(new java.math.BigDecimal("1234.565"))).isEqualTo("$1,234.57");
        assertThat(Usd.format(new java.math.BigDecimal("0.004"))).isEqualTo("$0.00");
    }
}
