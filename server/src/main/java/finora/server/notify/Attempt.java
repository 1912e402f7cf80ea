package finora.server.notify;

/** The outcome of one attempt to hand an alert to a receiver. */
sealed interface Attempt {
    /** HTTP status received, 0 when none (connection failed, e-mail). */
    int httpStatus();

    /** The receiver took it. */
    record Delivered(int httpStatus) implements Attempt {}

    /** It may work later (timeouts, connection errors, HTTP 408, 429, 5xx, SMTP errors): retried with backoff. */
    record Retryable(int httpStatus, String error) implements Attempt {}

    /** It will not work by retrying (HTTP 4xx, a refused target, bad credentials): not retried. */
    record Refused(int httpStatus, String error) implements Attempt {}
}
