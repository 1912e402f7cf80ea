package finora.admin.grpc;

import java.time.Duration;
import java.util.Optional;

/**
 * The server refused a login because there were too many attempts for this e-mail or from this
 * address ({@code RESOURCE_EXHAUSTED}, reason {@code LOGIN_THROTTLED}); nothing was checked.
 */
public final class LoginThrottledException extends FinoraCallException {

    private final Duration retryAfter;

    /**
     * @param retryAfter how long to wait, from the server's {@code google.rpc.RetryInfo} (or its
     *     ErrorInfo {@code retry_after_seconds}); null when it sent neither
     */
    public LoginThrottledException(String reason, String message, Duration retryAfter, Throwable cause) {
        super(reason, message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long to wait before the next attempt, when the server said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
