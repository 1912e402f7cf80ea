package finora.sim;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The outcome of restating one day of an organization: what a sync saw before and what a refetch sees now.
 *
 * @param organizationId the organization's UUID
 * @param day            the restated UTC day
 * @param oldTotalUsd    the day's total before, in US dollars
 * @param newTotalUsd    the day's total after, in US dollars
 */
public record Restatement(String organizationId, LocalDate day, BigDecimal oldTotalUsd, BigDecimal newTotalUsd) {}
