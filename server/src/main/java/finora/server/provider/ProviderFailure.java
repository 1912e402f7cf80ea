package finora.server.provider;

import finora.server.grpc.ErrorReason;
import finora.server.provider.ProviderCosts.KeyGuide;
import java.util.function.Function;

/**
 * The one table of provider failures: for each {@link ProviderException.Kind}, the reason a caller
 * sees when a key check fails, the reason a sync run records ({@code sync_run.error_reason}), whether
 * the connection needs a new key, and which of the provider's {@link KeyGuide} sentences the user reads
 * (for a key being checked and for the stored key of a sync). The 401/403 words live once per provider,
 * in its {@link KeyGuide}; failures without a guide sentence use the exception's own message.
 */
public enum ProviderFailure {
    /** 401. */
    UNAUTHORIZED(
            ProviderException.Kind.UNAUTHORIZED,
            ErrorReason.KEY_REJECTED,
            "KEY_REJECTED",
            true,
            KeyGuide::rejected,
            KeyGuide::storedRejected),
    /** 403. */
    FORBIDDEN(
            ProviderException.Kind.FORBIDDEN,
            ErrorReason.KEY_FORBIDDEN,
            "KEY_FORBIDDEN",
            true,
            KeyGuide::forbidden,
            KeyGuide::storedForbidden),
    /** Timeouts, 429, 5xx, 529 after the retries. */
    UNAVAILABLE(
            ProviderException.Kind.UNAVAILABLE,
            ErrorReason.PROVIDER_UNAVAILABLE,
            "PROVIDER_UNAVAILABLE",
            false,
            null,
            null),
    /** An answer that cannot be used. */
    BAD_RESPONSE(
            ProviderException.Kind.BAD_RESPONSE, ErrorReason.PROVIDER_UNAVAILABLE, "BAD_RESPONSE", false, null, null),
    /** The provider refused the request itself (400, 404). */
    REQUEST_REFUSED(
            ProviderException.Kind.REQUEST_REFUSED,
            ErrorReason.PROVIDER_UNAVAILABLE,
            "PROVIDER_REFUSED",
            false,
            null,
            null);

    private final ProviderException.Kind kind;
    private final ErrorReason checkReason;
    private final String syncReason;
    private final boolean needsNewKey;
    private final Function<KeyGuide, String> checkText;
    private final Function<KeyGuide, String> syncText;

    ProviderFailure(
            ProviderException.Kind kind,
            ErrorReason checkReason,
            String syncReason,
            boolean needsNewKey,
            Function<KeyGuide, String> checkText,
            Function<KeyGuide, String> syncText) {
        this.kind = kind;
        this.checkReason = checkReason;
        this.syncReason = syncReason;
        this.needsNewKey = needsNewKey;
        this.checkText = checkText;
        this.syncText = syncText;
    }

    /** The row of a failure. */
    public static ProviderFailure of(ProviderException e) {
        for (ProviderFailure f : values()) {
            if (f.kind == e.kind()) {
                return f;
            }
        }
        throw new IllegalArgumentException("no row for " + e.kind());
    }

    /** What a caller whose key check failed is told (ErrorInfo reason). */
    public ErrorReason checkReason() {
        return checkReason;
    }

    /** What a failed sync run records as its reason (a {@code SyncFailure} name). */
    public String syncReason() {
        return syncReason;
    }

    /** Whether syncs stop until the key is replaced. */
    public boolean needsNewKey() {
        return needsNewKey;
    }

    /** The words for a key of {@code provider} being checked; nothing was saved. */
    public String checkText(ProviderCosts provider, ProviderException e) {
        return checkText != null
                ? checkText.apply(provider.keyGuide())
                : provider.displayName() + " could not be reached or answered unexpectedly (" + e.getMessage()
                        + "); nothing was saved. Try again in a few minutes.";
    }

    /** The words for a sync of {@code provider}'s stored key; {@code repair} says what happens next when the key is fine. */
    public String syncText(ProviderCosts provider, ProviderException e, String repair) {
        return syncText != null ? syncText.apply(provider.keyGuide()) : e.getMessage() + repair;
    }
}
