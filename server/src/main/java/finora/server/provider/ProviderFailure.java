package finora.server.provider;

import finora.server.grpc.ErrorReason;

/**
 * The one table of provider failures: for each {@link ProviderException.Kind}, the reason a caller
 * sees when a key check fails, the reason a sync run records ({@code sync_run.error_reason}), whether
 * the connection needs a new key, and the words for the user, for a key being checked and for the
 * stored key of a sync.
 */
public enum ProviderFailure {
    /** 401. */
    UNAUTHORIZED(ProviderException.Kind.UNAUTHORIZED, ErrorReason.KEY_REJECTED, "KEY_REJECTED", true,
            "Anthropic rejected this key (HTTP 401): it is revoked, expired or not an Admin key. Create a new Admin "
                    + "key in the Claude Console (Settings → Admin keys) and paste it.",
            "Anthropic rejected the stored Admin key (HTTP 401): it was revoked or expired. Syncs are paused: "
                    + "create a fresh Admin key in the Claude Console (Settings → Admin keys), then choose Update on "
                    + "this connection and paste it."),
    /** 403. */
    FORBIDDEN(ProviderException.Kind.FORBIDDEN, ErrorReason.KEY_FORBIDDEN, "KEY_FORBIDDEN", true,
            "Anthropic refused this key (HTTP 403): the member who created it may no longer have the admin role. "
                    + "Ask an organization admin to create a new Admin key and paste it.",
            "Anthropic refused the stored Admin key (HTTP 403): the member who created it may no longer have the "
                    + "admin role. Syncs are paused: ask an organization admin to create a fresh Admin key in the "
                    + "Claude Console (Settings → Admin keys), then choose Update on this connection and paste it."),
    /** Timeouts, 429, 5xx, 529 after the retries. */
    UNAVAILABLE(ProviderException.Kind.UNAVAILABLE, ErrorReason.PROVIDER_UNAVAILABLE, "PROVIDER_UNAVAILABLE", false,
            null, null),
    /** An answer that cannot be used. */
    BAD_RESPONSE(ProviderException.Kind.BAD_RESPONSE, ErrorReason.PROVIDER_UNAVAILABLE, "BAD_RESPONSE", false,
            null, null),
    /** The provider refused the request itself (400, 404). */
    REQUEST_REFUSED(ProviderException.Kind.REQUEST_REFUSED, ErrorReason.PROVIDER_UNAVAILABLE, "PROVIDER_REFUSED",
            false, null, null);

    private final ProviderException.Kind kind;
    private final ErrorReason checkReason;
    private final String syncReason;
    private final boolean needsNewKey;
    private final String checkText;
    private final String syncText;

    ProviderFailure(ProviderException.Kind kind, ErrorReason checkReason, String syncReason, boolean needsNewKey,
            String checkText, String syncText) {
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

    /** The words for a key being checked; nothing was saved. */
    public String checkText(ProviderException e) {
        return checkText != null ? checkText : "Anthropic could not be reached or answered unexpectedly ("
                + e.getMessage() + "); nothing was saved. Try again in a few minutes.";
    }

    /** The words for a sync of the stored key; {@code repair} says what happens next when the key is fine. */
    public String syncText(ProviderException e, String repair) {
        return syncText != null ? syncText : e.getMessage() + repair;
    }
}
