package finora.admin.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A correction of a stored day: a re-fetch found the day's total changed (a restatement).
 *
 * @param day the corrected UTC day
 * @param organizationId the provider's organization id
 * @param organizationName the provider's organization name; empty when the server does not know it
 * @param before the day's total before, USD
 * @param after the day's total after, USD
 * @param delta after minus before, USD; negative when the day got cheaper
 * @param detectedAt when Finora's sync saw the change
 * @param afterFinal true when the day was already final: a late correction
 */
public record Correction(
        LocalDate day,
        String organizationId,
        String organizationName,
        BigDecimal before,
        BigDecimal after,
        BigDecimal delta,
        Instant detectedAt,
        boolean afterFinal) {}
