package finora.admin.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A day whose spend in a scope rose far above the usual for its weekday.
 *
 * @param id stable id (UUID), the same after a restatement
 * @param day the UTC day
 * @param scope whose daily spend rose
 * @param expected the weekday baseline's median, USD
 * @param upperBound the spend above which the day counts as an anomaly, USD
 * @param actual the day's spend, USD (restated value after a restatement)
 * @param baselineDays how many same-weekday days formed the baseline
 * @param drivers what rose most, largest increase first
 * @param restated whether the provider restated the day's numbers
 * @param detectedAt when Finora detected it
 */
public record Anomaly(
        String id,
        LocalDate day,
        SpendScope scope,
        BigDecimal expected,
        BigDecimal upperBound,
        BigDecimal actual,
        int baselineDays,
        List<Driver> drivers,
        boolean restated,
        Instant detectedAt) {

    public Anomaly {
        drivers = List.copyOf(drivers);
    }

    /** A dimension that can explain an anomaly. */
    public enum Dimension {
        WORKSPACE("Workspace"),
        MODEL("Model"),
        TOKEN_TYPE("Token type");

        private final String label;

        Dimension(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One value that explains part of the rise.
     *
     * @param dimension which dimension
     * @param value the value (workspace id, model id, token type)
     * @param displayName name for people
     * @param expected its baseline median, USD
     * @param actual its spend on the day, USD
     * @param increase actual − expected, USD
     */
    public record Driver(
            Dimension dimension,
            String value,
            String displayName,
            BigDecimal expected,
            BigDecimal actual,
            BigDecimal increase) {}
}
