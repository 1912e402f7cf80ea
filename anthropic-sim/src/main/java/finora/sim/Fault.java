package finora.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * One injected misbehaviour of the simulated API. Schedule it with {@link Faults}.
 *
 * @param kind       what happens
 * @param status     HTTP status of an {@link Kind#ERROR}, else 0
 * @param errorType  {@code error.type} of an {@link Kind#ERROR}, else null
 * @param message    {@code error.message} of an {@link Kind#ERROR}, else null
 * @param retryAfter value of the {@code retry-after} header (whole seconds), or null for none
 * @param delay      how long to wait before answering; {@link Duration#ZERO} for no wait
 */
public record Fault(Kind kind, int status, String errorType, String message, Duration retryAfter, Duration delay) {

    /** What a fault does to a request. */
    public enum Kind {
        /** Answer with an error envelope instead of the real response (after the delay). */
        ERROR,
        /** Answer normally, but only after the delay. */
        DELAY,
        /** Answer 200 with the real response's JSON cut in half. */
        MALFORMED_JSON
    }

    /** Checks the components; see the record description. */
    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay");
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("negative retry-after");
        }
        if (kind == Kind.ERROR && (status < 400 || status > 599 || errorType == null || message == null)) {
            throw new IllegalArgumentException("an error fault needs a 4xx/5xx status, a type and a message");
        }
    }

    /** 429 {@code rate_limit_error} with a {@code retry-after} header. */
    public static Fault rateLimited(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        return new Fault(
                Kind.ERROR,
                429,
                "rate_limit_error",
                "Number of requests has exceeded your rate limit. Please try again later.",
                retryAfter,
                Duration.ZERO);
    }

    /** 429 {@code rate_limit_error} without {@code retry-after}, like the monthly spend cap: retrying will not help. */
    public static Fault rateLimitedWithoutRetryAfter() {
        return new Fault(
                Kind.ERROR,
                429,
                "rate_limit_error",
                "You have reached your specified API usage limits.",
                null,
                Duration.ZERO);
    }

    /** 500 {@code api_error}. */
    public static Fault serverError() {
        return error(500, "api_error", "Internal server error");
    }

    /** 529 {@code overloaded_error}. */
    public static Fault overloaded() {
        return error(529, "overloaded_error", "Overloaded");
    }

    /** 504 {@code timeout_error}. */
    public static Fault gatewayTimeout() {
        return error(504, "timeout_error", "Request timed out");
    }

    /** Any error envelope. */
    public static Fault error(int status, String errorType, String message) {
        return new Fault(Kind.ERROR, status, errorType, message, null, Duration.ZERO);
    }

    /** The normal answer, sent only after {@code delay}. */
    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, 0, null, null, null, delay);
    }

    /** A 200 answer whose JSON body is cut off in the middle. */
    public static Fault malformedJson() {
        return new Fault(Kind.MALFORMED_JSON, 0, null, null, null, Duration.ZERO);
    }

    /** This fault, answered only after {@code wait}: e.g. a slow 529. */
    public Fault withDelay(Duration wait) {
        return new Fault(kind, status, errorType, message, retryAfter, wait);
    }
}
