package finora.server.provider.anthropic;

/**
 * A failed Admin API call. The message names the HTTP status and Anthropic's error type, never
 * the key and never the response body. {@link #requestId()} is Anthropic's {@code request-id}
 * header and {@link #providerMessage()} its {@code error.message}, sanitized: what support needs.
 */
public final class AnthropicException extends RuntimeException {

    /** What kind of failure, which decides what the caller tells the user. */
    public enum Kind {
        /** 401: revoked, expired or not an admin key. */
        UNAUTHORIZED,
        /** 403: valid key without the permission (e.g. its creator lost the admin role). */
        FORBIDDEN,
        /** 429, 5xx, 529, timeouts and connection failures, after the retries ran out. */
        UNAVAILABLE,
        /** The answer could not be read (malformed JSON, a paging cursor that repeats). */
        BAD_RESPONSE,
        /** Anthropic refused the request itself (400, 404, ...): a bug on our side, not retried. */
        REQUEST_REFUSED
    }

    private final Kind kind;
    private final int httpStatus;
    private final String requestId;
    private final String providerMessage;

    /** Creates the exception; {@code httpStatus} is 0 when no answer arrived. */
    public AnthropicException(Kind kind, int httpStatus, String message, Throwable cause) {
        this(kind, httpStatus, message, cause, null, null);
    }

    /** Creates the exception with what Anthropic said: its request id and sanitized error message (either may be null). */
    public AnthropicException(Kind kind, int httpStatus, String message, Throwable cause, String requestId,
            String providerMessage) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.providerMessage = providerMessage;
    }

    /** Anthropic's {@code request-id} of the failed answer, or null. */
    public String requestId() {
        return requestId;
    }

    /** Anthropic's {@code error.message}, sanitized (no control characters, key-like text masked, bounded), or null. */
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
}
