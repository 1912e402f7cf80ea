package finora.server.budget;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A detected anomaly (method: {@link AnomalyDetector}).
 *
 * @param restatedAt when a restatement of the day was noticed, or null
 */
record Anomaly(
        UUID id,
        UUID tenantId,
        Scope scope,
        LocalDate day,
        BigDecimal expected,
        BigDecimal upperBound,
        BigDecimal actual,
        int baselineDays,
        List<Driver> drivers,
        OffsetDateTime detectedAt,
        boolean restated,
        OffsetDateTime restatedAt) {

    /** A dimension value that rose: its baseline median and its spend on the day (USD). */
    record Driver(
            SpendRepository.Dimension dimension,
            String value,
            String displayName,
            BigDecimal expected,
            BigDecimal actual) {
        BigDecimal increase() {
            return actual.subtract(expected);
        }
    }
}
