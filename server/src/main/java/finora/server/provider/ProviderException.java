package finora.server.provider;

/**
 * A failed call to a provider's admin API. The message names the HTTP status and the provider's
 * error type, never the key and never the response body. {@link #requestId()} and
 * {@link #providerMessage()} (sanitized) are what support needs.
 */
public class ProviderException extends RuntimeException {

    /** What kind of failure, which decides what the caller tells the user. */
    public enum Kind {
        /** 401: revoked, expired or not an admin key. */
        UNAUTHORIZED,
        /** 403: valid key without the permission. */
        FORBIDDEN,
        /** 429, 5xx, 529, timeouts and connection failures, after the retries ran out. */
        UNAVAILABLE,
        /** The answer could not be read (malformed JSON, a paging cursor that repeats). */
        BAD_RESPONSE,
        /** The provider refused the request itself (400, 404, ...): not retried. */
        REQUEST_REFUSED
    }

    private final Kind kind;
    private final int httpStatus;
    private final String requestId;
    private final String providerMessage;

    /** Creates the exception; {@code httpStatus} is 0 when no answer arrived; ids and messages may be null. */
    public ProviderException(
            Kind kind, int httpStatus, String message, Throwable cause, String requestId, String providerMessage) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.providerMessage = providerMessage;
    }

    /** The provider's request id of the failed answer, or null. */
    public String requestId() {
        return requestId;
    }

    /** The provider's error message, sanitized, or null. */
    public String providerMessage() {
        return providerMessage;
    }

    /** The kind of failure. */
    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 if none arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** An answer that could not be read. */
    public static ProviderException bad(String message) {
        return new ProviderException(Kind.BAD_RESPONSE, 200, message, null, null, null);
    }
}
