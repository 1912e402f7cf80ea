package finora.server.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {
    private static List<BigDecimal> usd(int... values) {
        return java.util.Arrays.stream(values).mapToObj(BigDecimal::valueOf).toList();
    }

    @Test
    void aRiseFarAboveTheWeekdayMedian_isAnAnomaly_andOneEarlierSpikeDoesNotHideIt() {
        // One earlier spike (900) barely moves the median and the MAD.
        List<BigDecimal> baseline = usd(100, 110, 90, 105, 95, 900, 100, 98);
        var finding = AnomalyDetector.check(BigDecimal.valueOf(400), baseline).orElseThrow();
        assertThat(finding.expected()).isEqualByComparingTo("100");
        assertThat(finding.upperBound()).isLessThan(BigDecimal.valueOf(400));
        assertThat(AnomalyDetector.check(BigDecimal.valueOf(140), baseline)).isEmpty();
    }

    @Test
    void aFlatBaseline_needsHalfAgainAndADollar_andTooShortABaselineDecidesNothing() {
        assertThat(AnomalyDetector.check(BigDecimal.valueOf(149), usd(100, 100, 100, 100)))
                .isEmpty();
        assertThat(AnomalyDetector.check(BigDecimal.valueOf(151), usd(100, 100, 100, 100)))
                .isPresent();
        assertThat(AnomalyDetector.check(new BigDecimal("0.90"), usd(0, 0, 0, 0)))
                .isEmpty();
        assertThat(AnomalyDetector.check(BigDecimal.valueOf(10_000), usd(1, 1, 1)))
                .isEmpty();
    }

    @Test
    void drivers_areTheValuesThatRoseMost_againstTheirOwnMedian() {
        var drivers = AnomalyDetector.drivers(
                SpendRepository.Dimension.WORKSPACE,
                Map.of("ws_a", BigDecimal.valueOf(50), "ws_b", BigDecimal.valueOf(900), "", BigDecimal.valueOf(10)),
                List.of(
                        Map.of("ws_a", BigDecimal.valueOf(50), "ws_b", BigDecimal.valueOf(40)),
                        Map.of("ws_a", BigDecimal.valueOf(60), "ws_b", BigDecimal.valueOf(60), "", BigDecimal.ONE),
                        Map.of("ws_a", BigDecimal.valueOf(40), "ws_b", BigDecimal.valueOf(50))),
                Map.of("ws_b", "Research", "", "Default"));
        assertThat(drivers).extracting(Anomaly.Driver::value).containsExactly("ws_b", "");
        assertThat(drivers.get(0).displayName()).isEqualTo("Research");
        assertThat(drivers.get(0).increase()).isEqualByComparingTo("850");
    }
}
