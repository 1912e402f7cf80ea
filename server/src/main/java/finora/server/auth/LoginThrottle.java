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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Token buckets (Bucket4j) for login attempts: one per e-mail, one per client address and, for
 * logins a trusted proxy (the admin UI) forwarded, one per proxy; so neither one account, one
 * address nor one proxy spraying made-up addresses can guess passwords or burn the server's CPU on
 * bcrypt. Buckets live in bounded caches and are dropped after an hour unused; time comes from the
 * injected clock.
 *
 * @see Limits
 * @see LoginOrigin
 */
public final class LoginThrottle {
    /**
     * How many attempts each key may make.
     *
     * @param perEmail attempts an e-mail may make in a burst, refilled over {@code refill}
     * @param perAddress attempts a client address (an IPv6 /64) may make in a burst, refilled over
     *     {@code refill}; for a login a trusted proxy forwarded, the end user's address
     * @param perProxy attempts one trusted proxy may forward in a burst, whatever addresses it names,
     *     refilled over {@code refill}: the admin UI serves everyone, so it is higher than
     *     {@code perAddress}, yet bounded, so a proxy cannot be used to spray unlimited addresses
     * @param refill time in which an empty bucket fills up again, evenly
     */
    public record Limits(int perEmail, int perAddress, int perProxy, Duration refill) {
        /** 10 attempts per e-mail, 100 per address and 1,000 per trusted proxy per 10 minutes. */
        public static Limits defaults() {
            return new Limits(10, 100, 1_000, Duration.ofMinutes(10));
        }
    }

    private final Limits limits;
    private final TimeMeter time;
    private final Cache<String, Bucket> byEmail;
    private final Cache<String, Bucket> byAddress;
    private final Cache<String, Bucket> byProxy;

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
        this.byEmail = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(Duration.ofHours(1))
                .build();
        this.byAddress = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(Duration.ofHours(1))
                .build();
        this.byProxy = Caffeine.newBuilder()
                .maximumSize(1_000)
                .expireAfterAccess(Duration.ofHours(1))
                .build();
    }

    /**
     * Takes one attempt from the proxy (if the login was forwarded), the address and the e-mail;
     * when any has none left, nothing is taken and the answer is how long to wait.
     */
    public Optional<Duration> tryAcquire(String email, LoginOrigin origin) {
        List<Bucket> buckets = new ArrayList<>(3);
        origin.proxy().ifPresent(p -> buckets.add(byProxy.get(p, k -> bucket(limits.perProxy()))));
        buckets.add(byAddress.get(origin.bucketKey(), k -> bucket(limits.perAddress())));
        buckets.add(byEmail.get(email, k -> bucket(limits.perEmail())));
        List<Bucket> taken = new ArrayList<>(3);
        for (Bucket bucket : buckets) {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                // An attempt refused here costs no bcrypt: it must not use up the other keys' attempts.
                taken.forEach(b -> b.addTokens(1));
                return Optional.of(wait(probe));
            }
            taken.add(bucket);
        }
        return Optional.empty();
    }

    private Bucket bucket(int capacity) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(capacity)
                        .refillGreedy(capacity, limits.refill())
                        .build())
                .withCustomTimePrecision(time)
                .build();
    }

    private static Duration wait(ConsumptionProbe probe) {
        // whole seconds, at least one: what a person and RetryInfo read
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return Duration.ofSeconds(seconds);
    }
}
