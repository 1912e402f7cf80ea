package finora.admin.security;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Why the login view is shown again; travels as a bare query parameter such as {@code /login?error}. */
enum LoginOutcome {
    BAD_CREDENTIALS("error"),
    SERVER_UNREACHABLE("unreachable"),
    /** Too many attempts; {@code /login?throttled=N} carries the seconds to wait when the server said. */
    THROTTLED("throttled"),
    FAILED("failed"),
    SESSION_ENDED("expired");

    /** The longest wait shown: the server's buckets refill within 10 minutes; a day bounds a bad value. */
    static final long MAX_RETRY_SECONDS = 86_400;

    private final String queryParameter;

    LoginOutcome(String queryParameter) {
        this.queryParameter = queryParameter;
    }

    String queryParameter() {
        return queryParameter;
    }

    static Optional<LoginOutcome> fromQuery(Set<String> parameterNames) {
        return Arrays.stream(values())
                .filter(o -> parameterNames.contains(o.queryParameter))
                .findFirst();
    }

    /** The seconds to wait in {@code ?throttled=N}, if N is a whole number from 1 to a day; anything else is ignored. */
    static OptionalLong retrySeconds(Map<String, List<String>> parameters) {
        List<String> values = parameters.getOrDefault(THROTTLED.queryParameter, List.of());
        if (values.size() != 1 || !values.get(0).matches("[0-9]{1,6}")) {
            return OptionalLong.empty();
        }
        long seconds = Long.parseLong(values.get(0));
        return seconds >= 1 && seconds <= MAX_RETRY_SECONDS ? OptionalLong.of(seconds) : OptionalLong.empty();
    }
}
