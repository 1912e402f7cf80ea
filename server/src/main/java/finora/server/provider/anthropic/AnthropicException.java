package finora.server.provider.anthropic;

import finora.server.provider.ProviderException;

/** A failed Admin API call (see {@link ProviderException}); the key never reaches its message. */
public final class AnthropicException extends ProviderException {

    /** Creates the exception; {@code httpStatus} is 0 when no answer arrived. */
    public AnthropicException(Kind kind, int httpStatus, String message, Throwable cause) {
        this(kind, httpStatus, message, cause, null, null);
    }

    /** Creates the exception with what Anthropic said: its request id and sanitized error message (either may be null). */
    public AnthropicException(
            Kind kind, int httpStatus, String message, Throwable cause, String requestId, String providerMessage) {
        super(kind, httpStatus, message, cause, requestId, providerMessage);
    }
}
