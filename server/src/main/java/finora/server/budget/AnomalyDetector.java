package finora.server.budget;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The anomaly test, without the database (the method is stated in the ListAnomalies proto comment).
 *
 * <p>Baseline: the scope's spend on the same weekday of up to {@value #BASELINE_WEEKS} preceding weeks
 * (at least {@value #MIN_BASELINE_DAYS}). expected = median; sigma = 1.4826 × MAD (the median of
 * absolute deviations, scaled to estimate a standard deviation while ignoring outliers, so one earlier
 * spike does not hide the next one). A day is an anomaly when its spend exceeds
 * expected + max({@value #SIGMAS} sigma, {@value #MIN_RISE_PERCENT} % of expected, {@value #MIN_RISE_USD} USD):
 * the floors keep a flat baseline (MAD 0) and tiny spend from alerting on every small change.
 */
final class AnomalyDetector {
    static final int BASELINE_WEEKS = 8;
    static final int MIN_BASELINE_DAYS = 4;
    static final String SIGMAS = "3.5";
    static final int MIN_RISE_PERCENT = 50;
    static final String MIN_RISE_USD = "1";
    static final int DRIVERS_PER_DIMENSION = 3;
    private static final BigDecimal MAD_TO_SIGMA = new BigDecimal("1.4826");
    private static final int USD_SCALE = 8;

    private AnomalyDetector() {}

    /** A day found above its upper bound. */
    record Finding(BigDecimal expected, BigDecimal upperBound, BigDecimal actual, int baselineDays) {}

    /** The day's finding, or empty when it is within bounds or the baseline is too short. */
    static Optional<Finding> check(BigDecimal actual, List<BigDecimal> baseline) {
        Optional<Finding> bounds = bounds(actual, baseline);
        return bounds.filter(f -> actual.compareTo(f.upperBound()) > 0);
    }

    /** Expected value and upper bound from the baseline (present when it is long enough). */
    static Optional<Finding> bounds(BigDecimal actual, List<BigDecimal> baseline) {
        if (baseline.size() < MIN_BASELINE_DAYS) {
            return Optional.empty();
        }
        BigDecimal median = median(baseline);
        List<BigDecimal> deviations =
                baseline.stream().map(x -> x.subtract(median).abs()).toList();
        BigDecimal sigma = median(deviations).multiply(MAD_TO_SIGMA);
        BigDecimal rise = sigma.multiply(new BigDecimal(SIGMAS))
                .max(median.multiply(BigDecimal.valueOf(MIN_RISE_PERCENT))
                        .divide(BigDecimal.valueOf(100), USD_SCALE, RoundingMode.HALF_UP))
                .max(new BigDecimal(MIN_RISE_USD));
        return Optional.of(new Finding(scale(median), scale(median.add(rise)), actual, baseline.size()));
    }

    /**
     * The values of one dimension that rose most: each value's spend on the day against the median of
     * its spend on the baseline days (zero on days it had none), positive rises only, largest first.
     */
    static List<Anomaly.Driver> drivers(
            SpendRepository.Dimension dimension,
            Map<String, BigDecimal> day,
            List<Map<String, BigDecimal>> baselineDays,
            Map<String, String> names) {
        Set<String> values = new HashSet<>(day.keySet());
        baselineDays.forEach(m -> values.addAll(m.keySet()));
        List<Anomaly.Driver> result = new ArrayList<>();
        for (String value : values) {
            BigDecimal actual = day.getOrDefault(value, BigDecimal.ZERO);
            BigDecimal expected = median(baselineDays.stream()
                    .map(m -> m.getOrDefault(value, BigDecimal.ZERO))
                    .toList());
            if (actual.compareTo(expected) > 0) {
                result.add(new Anomaly.Driver(
                        dimension,
                        value,
                        names.getOrDefault(value, value.isEmpty() ? "(none)" : value),
                        scale(expected),
                        scale(actual)));
            }
        }
        result.sort(Comparator.comparing(Anomaly.Driver::increase).reversed().thenComparing(Anomaly.Driver::value));
        return List.copyOf(result.subList(0, Math.min(DRIVERS_PER_DIMENSION, result.size())));
    }

    static BigDecimal median(List<BigDecimal> values) {
        if (values.isEmpty()) {
            return BigDecimal.ZERO;
        }
        List<BigDecimal> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1
                ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.TWO, MathContext.DECIMAL64);
    }

    private static BigDecimal scale(BigDecimal usd) {
        return usd.setScale(USD_SCALE, RoundingMode.HALF_UP);
    }
}
