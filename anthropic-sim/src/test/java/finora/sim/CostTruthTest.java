package finora.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostTruthTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

    private final CostTruth truth = new CostTruth(
            DAY,
            DAY.plusDays(3),
            List.of(
                    item(DAY, null, "claude-sonnet-5", "946.600000"),
                    item(DAY, "wrkspc_01a", "claude-sonnet-5", "100.000000"),
                    item(DAY, "wrkspc_01a", null, "0.000001"),
                    item(DAY.plusDays(2), "wrkspc_01a", "claude-opus-4-6", "41280.000000")));

    @Test
    void totals_areExactDollars() {
        assertThat(truth.totalCents()).isEqualByComparingTo("42326.600001");
        assertThat(truth.totalUsd()).isEqualByComparingTo("423.26600001");
    }

    @Test
    void byDay_listsEveryDayOfTheRange() {
        assertThat(truth.byDayUsd())
                .containsExactly(
                        Map.entry(DAY, new BigDecimal("10.46600001")),
                        Map.entry(DAY.plusDays(1), BigDecimal.ZERO),
                        Map.entry(DAY.plusDays(2), new BigDecimal("412.80000000")));
        assertThat(truth.emptyDays()).containsExactly(DAY.plusDays(1));
    }

    @Test
    void byModelAndWorkspace_keepNullKeys() {
        assertThat(truth.byModelUsd().get(null)).isEqualByComparingTo("0.00000001");
        assertThat(truth.byModelUsd().get("claude-sonnet-5")).isEqualByComparingTo("10.466");
        assertThat(truth.byWorkspaceUsd().get(null)).isEqualByComparingTo("9.466");
        assertThat(truth.byDayAndModelUsd().get(DAY.plusDays(2))).containsOnlyKeys("claude-opus-4-6");
        assertThat(truth.sumUsdBy(CostLineItem::costType)).containsOnlyKeys("tokens");
    }

    private static CostLineItem item(LocalDate day, String workspace, String model, String cents) {
        return new CostLineItem(day, workspace, "d", "tokens", model, null, null, null, null, new BigDecimal(cents));
    }
}
