package finora.admin.settings;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * A connected provider account of the tenant, as the Settings view lists it.
 *
 * @param id connection id (UUID)
 * @param provider the provider
 * @param organizationId the provider's organization id
 * @param organizationName the provider's organization name
 * @param keyHint prefix and last 4 characters of the stored key; never the key
 * @param state whether it syncs or needs a new key
 * @param statusReason stable reason of {@link ConnectionState#NEEDS_ATTENTION} (e.g. KEY_REJECTED), or empty
 * @param statusDetail what happened and what to do, or empty
 * @param lastSyncTime when the last finished sync ended, or null before the first
 * @param lastSyncResult outcome of the last finished sync
 * @param nextSyncTime when the next sync is due, or null while syncs are stopped
 * @param progress progress of a running sync, or null when none runs
 * @param completeThrough last UTC day whose costs are stored, or null before the first sync
 * @param lastSyncErrorReason stable reason of the last finished sync's failure, or empty
 * @param lastSyncErrorDetail what went wrong in the last finished sync, for people, or empty
 * @param dataLevel how fine the cost data is (by workspace, or by API key and user)
 * @param dataLevelDetail why the data level is what it is, for people; empty for {@link DataLevel#API_KEY_AND_USER}
 * @param dataLevelCheckTime when the analytics API was last asked, or null before the first check
 */
public record ProviderConnection(
        String id,
        AiProvider provider,
        String organizationId,
        String organizationName,
        String keyHint,
        ConnectionState state,
        String statusReason,
        String statusDetail,
        Instant lastSyncTime,
        SyncResult lastSyncResult,
        Instant nextSyncTime,
        SyncProgress progress,
        LocalDate completeThrough,
        String lastSyncErrorReason,
        String lastSyncErrorDetail,
        DataLevel dataLevel,
        String dataLevelDetail,
        Instant dataLevelCheckTime) {

    /** The running sync's progress, if one runs. */
    public Optional<SyncProgress> runningSync() {
        return Optional.ofNullable(progress);
    }

    /** What went wrong in the last finished sync, when it failed. */
    public Optional<String> lastSyncFailure() {
        return lastSyncResult == SyncResult.FAILED && !lastSyncErrorDetail.isBlank()
                ? Optional.of(lastSyncErrorDetail)
                : Optional.empty();
    }
}
