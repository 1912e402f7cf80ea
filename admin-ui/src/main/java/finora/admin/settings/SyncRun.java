package finora.admin.settings;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One sync of a connection, as its history lists it.
 *
 * @param id run id
 * @param windowStart first UTC day fetched
 * @param windowEnd last UTC day fetched
 * @param startTime when the run started
 * @param endTime when it ended, or null while it runs
 * @param outcome running, succeeded or failed
 * @param rows cost line items written
 * @param reconciliation whether it re-checked final days
 * @param errorReason stable reason of a failure (e.g. PROVIDER_REFUSED), or empty
 * @param errorDetail what went wrong, for people, or empty
 * @param providerRequestId Anthropic's request id of the failed request, for Anthropic support, or empty
 * @param providerErrorMessage Anthropic's (sanitized) error message of the failed request, or empty
 */
public record SyncRun(
        String id,
        LocalDate windowStart,
        LocalDate windowEnd,
        Instant startTime,
        Instant endTime,
        SyncRunOutcome outcome,
        long rows,
        Reconciliation reconciliation,
        String errorReason,
        String errorDetail,
        String providerRequestId,
        String providerErrorMessage) {}
