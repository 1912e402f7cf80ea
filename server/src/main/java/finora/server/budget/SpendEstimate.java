package finora.server.budget;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * The seam for an estimate of today's spend (the "nowcast" of the Cost Analytics API, DESIGN.md §8).
 * Budgets add it to closed days and mark their state {@code includes_estimate}. No source exists yet:
 * {@link #NONE} is wired.
 */
@FunctionalInterface
interface SpendEstimate {
    /** No estimate of today. */
    SpendEstimate NONE = (tenantId, scope, today) -> Optional.empty();

    /** Estimated spend of {@code today} (UTC, still open) in the scope, if a source knows it. */
    Optional<BigDecimal> today(UUID tenantId, Scope scope, LocalDate today);
}
