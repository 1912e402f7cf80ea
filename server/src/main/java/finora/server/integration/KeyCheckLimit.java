package finora.server.integration;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long a key check may take and whether its caller is still waiting: a check never outlives
 * {@link #BUDGET} (below the admin UI's 60 s deadline) nor its call's deadline, and nothing is saved
 * once the caller has given up.
 *
 * @param timeLeft time the whole check (both Anthropic calls with their retries) may take
 * @param callerGone true once the caller cancelled or its deadline passed
 */
public record KeyCheckLimit(Duration timeLeft, BooleanSupplier callerGone) {
    /** Longest a key check may take, whatever the caller's deadline. */
    public static final Duration BUDGET = Duration.ofSeconds(45);

    /** The limit of the current gRPC call: its deadline (less 200 ms to answer) and its cancellation. */
    public static KeyCheckLimit ofCurrentCall() {
        Context context = Context.current();
        Deadline deadline = context.getDeadline();
        Duration left = BUDGET;
        if (deadline != null) {
            Duration callLeft = Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS))
                    .minusMillis(200);
            left = callLeft.compareTo(left) < 0 ? callLeft : left;
        }
        return new KeyCheckLimit(left.isNegative() ? Duration.ZERO : left, context::isCancelled);
    }

    /** No caller to wait for (the command line, tests): the budget only. */
    public static KeyCheckLimit budgetOnly() {
        return new KeyCheckLimit(BUDGET, () -> false);
    }
}
