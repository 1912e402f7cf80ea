package finora.server.cost;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers of {@code QueryCosts}, reused until the tenant's costs change.
 *
 * <p>Exactness: every change of a tenant's line items, days or connections makes PostgreSQL send
 * {@code NOTIFY finora_costs '<tenant>'} at commit (triggers of the V3 migration);
 * {@link CostChangeListener} hears it on every replica and bumps the tenant's version here. An
 * answer is stored under the version read <em>before</em> its query ran, so an answer computed
 * from data older than a change is never served after the change is heard. While the listener is
 * not connected the cache is bypassed entirely.
 */
public final class CostQueryCache {
    private record Key(UUID tenant, long version, ByteString request) {}

    private final Cache<Key, Object> answers;
    private final ConcurrentHashMap<UUID, AtomicLong> versions = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile boolean live;

    /**
     * A cache holding answers of at most {@code maxBytes} in all (weighed by their serialized size,
     * so a few large pages cannot exhaust the heap), none older than {@code maxAge}.
     */
    public CostQueryCache(long maxBytes, Duration maxAge) {
        this.answers = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Object v) ->
                        k.request().size() + 64 + (v instanceof MessageLite m ? m.getSerializedSize() : 1024))
                .expireAfterWrite(maxAge)
                .build();
    }

    /** The version to read before querying; answers are stored and found under it. */
    long version(UUID tenant) {
        return epoch.get() * 1_000_000_007L
                + versions.computeIfAbsent(tenant, t -> new AtomicLong()).get();
    }

    @SuppressWarnings("unchecked")
    <T> Optional<T> get(UUID tenant, long version, ByteString request) {
        if (!live || version != version(tenant)) {
            return Optional.empty();
        }
        return Optional.ofNullable((T) answers.getIfPresent(new Key(tenant, version, request)));
    }

    void put(UUID tenant, long version, ByteString request, Object answer) {
        if (live && version == version(tenant)) {
            answers.put(new Key(tenant, version, request), answer);
        }
    }

    /** The tenant's costs changed: older answers are never served again. */
    public void invalidate(UUID tenant) {
        versions.computeIfAbsent(tenant, t -> new AtomicLong()).incrementAndGet();
    }

    /** Whether changes are being heard; while not, nothing is cached or served from the cache. */
    public void setLive(boolean live) {
        if (live) {
            // Changes may have been missed while not listening: start from nothing.
            epoch.incrementAndGet();
            answers.invalidateAll();
        }
        this.live = live;
        if (!live) {
            epoch.incrementAndGet();
            answers.invalidateAll();
        }
    }

    /** True while changes are heard and answers are reused. */
    public boolean live() {
        return live;
    }
}
