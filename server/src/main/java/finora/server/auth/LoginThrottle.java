package finora.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Token buckets (Bucket4j) for login attempts, one per e-mail and one per client address, so
 * neither one account nor one address can guess passwords or burn the server's CPU on bcrypt.
 * Buckets live in bounded caches and are dropped after an hour unused; time comes from the
 * injected clock.
 *
 * @see Limits
 */
public final class LoginThrottle {
    /**
     * How many attempts each key may make.
     *
     * @param perEmail attempts an e-mail may make in a burst, refilled over {@code refill}
     * @param perAddress attempts a client address may make in a burst, refilled over {@code refill};
     *     higher, because the admin UI sends every user's login from its own address
     * @param refill time in which an empty bucket fills up again, evenly
     */
    public record Limits(int perEmail, int perAddress, Duration refill) {
        /** 10 attempts per e-mail and 100 per address per 10 minutes. */
        public static Limits defaults() {
            return new Limits(10, 100, Duration.ofMinutes(10));
        }
    }

    private final Limits limits;
    private final TimeMeter time;
    private final Cache<String, Bucket> byEmail;
    private final Cache<String, Bucket> byAddress;

    /** Creates the throttle. */
    public LoginThrottle(Limits limits, Clock clock) {
        this.limits = limits;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.byEmail = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();
        this.byAddress = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();
    }

    /**
     * Takes one attempt for the e-mail and the address; when either has none left, nothing is
     * taken and the answer is how long to wait.
     */
    public Optional<Duration> tryAcquire(String email, String address) {
        ConsumptionProbe byAddr = byAddress.get(address, k -> bucket(limits.perAddress()))
                .tryConsumeAndReturnRemaining(1);
        if (!byAddr.isConsumed()) {
            return Optional.of(wait(byAddr));
        }
        ConsumptionProbe byMail = byEmail.get(email, k -> bucket(limits.perEmail())).tryConsumeAndReturnRemaining(1);
        return byMail.isConsumed() ? Optional.empty() : Optional.of(wait(byMail));
    }

    private Bucket bucket(int capacity) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, limits.refill()).build())
                .withCustomTimePrecision(time)
                .build();
    }

    private static Duration wait(ConsumptionProbe probe) {
        // whole seconds, at least one: what a person and RetryInfo read
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return Duration.ofSeconds(seconds);
    }
}
