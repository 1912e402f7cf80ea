package finora.server.grpc;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A failure a client should see with a stable reason and a description a person can act on.
 * Handlers throw it; {@link StatusMappingInterceptor} turns it into a status with
 * {@code google.rpc.ErrorInfo}. The description must never contain a key, a token, SQL or a
 * provider's response body.
 */
public final class FinoraException extends RuntimeException {
    private final ErrorReason reason;
    private final Map<String, String> metadata;
    private final Duration retryDelay;

    /** Creates the exception; {@code description} is what the client reads. */
    public FinoraException(ErrorReason reason, String description) {
        this(reason, description, Map.of(), null);
    }

    /** Creates the exception with ErrorInfo metadata and an internal cause (never sent to clients). */
    public FinoraException(ErrorReason reason, String description, Map<String, String> metadata, Throwable cause) {
        this(reason, description, metadata, cause, null);
    }

    /** Creates the exception with a delay after which a retry may succeed (sent as {@code google.rpc.RetryInfo}). */
    public FinoraException(
            ErrorReason reason,
            String description,
            Map<String, String> metadata,
            Throwable cause,
            Duration retryDelay) {
        super(description, cause, false, false);
        this.reason = reason;
        this.metadata = Map.copyOf(metadata);
        this.retryDelay = retryDelay;
    }

    /** When a retry may succeed, if the failure says. */
    public Optional<Duration> retryDelay() {
        return Optional.ofNullable(retryDelay);
    }

    /** INVALID_ARGUMENT naming the request field at fault in the ErrorInfo metadata {@code field}. */
    public static FinoraException invalidField(String field, String description) {
        return new FinoraException(ErrorReason.INVALID_ARGUMENT, description, Map.of("field", field), null);
    }

    /** The stable reason. */
    public ErrorReason reason() {
        return reason;
    }

    /** Extra ErrorInfo metadata (e.g. the field at fault). */
    public Map<String, String> metadata() {
        return metadata;
    }
}
