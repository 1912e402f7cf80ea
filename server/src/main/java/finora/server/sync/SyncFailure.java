package finora.server.sync;

/**
 * Why a sync run failed: the stable {@code sync_run.error_reason}. The first three match the
 * {@code ErrorReason}s a client sees for the same provider answers.
 */
enum SyncFailure {
    /** Anthropic answered 401: the key is revoked or expired. The connection needs a new key. */
    KEY_REJECTED,
    /** Anthropic answered 403: the key's creator lost the admin role. The connection needs a new key. */
    KEY_FORBIDDEN,
    /**
     * The stored key cannot be decrypted with the configured key set (the key set was replaced or
     * lost). The connection needs the old key set back, or a new key through Update.
     */
    CREDENTIAL_UNREADABLE,
    /** Timeouts, 429, 5xx or 529 after the client's retries. */
    PROVIDER_UNAVAILABLE,
    /** An answer that cannot be used: malformed JSON, a repeating page cursor, missing days, non-USD amounts. */
    BAD_RESPONSE,
    /** Anthropic refused the request itself (400, 404): a bug on Finora's side. */
    PROVIDER_REFUSED,
    /** The connection was removed while the sync ran. */
    CONNECTION_REMOVED,
    /** This replica's lease ran out and another replica took the connection over. */
    LEASE_LOST,
    /** The replica running the sync stopped answering; another replica took the connection over. */
    ABANDONED,
    /** This replica shut down during the sync. */
    STOPPED,
    /** An unexpected failure; the detail carries a reference to the log line. */
    INTERNAL
}
