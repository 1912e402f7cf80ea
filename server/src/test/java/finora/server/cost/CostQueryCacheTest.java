package finora.server.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CostQueryCacheTest {
    private final UUID tenant = UUID.randomUUID();
    private final ByteString request = ByteString.copyFromUtf8("q");

    @Test
    void answers_areReusedUntilTheTenantChanges() {
        CostQueryCache cache = new CostQueryCache(1 << 20, Duration.ofMinutes(1));
        cache.setLive(true);
        long v = cache.version(tenant);
        cache.put(tenant, v, request, "answer");
        assertThat(cache.<String>get(tenant, cache.version(tenant), request)).contains("answer");
        cache.invalidate(UUID.randomUUID());
        assertThat(cache.<String>get(tenant, cache.version(tenant), request)).contains("answer");
        cache.invalidate(tenant);
        assertThat(cache.<String>get(tenant, cache.version(tenant), request)).isEmpty();
    }

    @Test
    void anAnswerComputedBeforeAChange_isNeverStoredAsCurrent() {
        CostQueryCache cache = new CostQueryCache(1 << 20, Duration.ofMinutes(1));
        cache.setLive(true);
        long before = cache.version(tenant);
        cache.invalidate(tenant); // the change commits while the query runs
        cache.put(tenant, before, request, "stale");
        assertThat(cache.<String>get(tenant, cache.version(tenant), request)).isEmpty();
    }

    @Test
    void withoutListening_nothingIsCachedOrServed() {
        CostQueryCache cache = new CostQueryCache(1 << 20, Duration.ofMinutes(1));
        cache.put(tenant, cache.version(tenant), request, "answer");
        assertThat(cache.<String>get(tenant, cache.version(tenant), request)).isEmpty();
        cache.setLive(true);
        cache.put(tenant, cache.version(tenant), request, "answer");
        cache.setLive(false);
        assertThat(cache.<String>get(tenant, cache.version(tenant), request)).isEmpty();
        cache.setLive(true);
        assertThat(cache.<String>get(tenant, cache.version(tenant), request))
                .as("missed changes")
                .isEmpty();
    }
}
