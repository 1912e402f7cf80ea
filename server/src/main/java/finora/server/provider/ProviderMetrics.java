package finora.server.provider;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * Metrics of calls to AI providers' admin APIs:
 * {@code finora_provider_request_duration_seconds{provider,endpoint,status}} (one observation per
 * HTTP attempt; status 0 means no answer) and {@code finora_provider_retries_total{provider,status}}.
 */
public final class ProviderMetrics {
    private final Histogram requests;
    private final Counter retries;

    /** Registers the metrics in {@code registry}. */
    public ProviderMetrics(PrometheusRegistry registry) {
        this.requests = Histogram.builder()
                .name("finora_provider_request_duration_seconds")
                .help("Time of one HTTP attempt to a provider's admin API, by provider, path and HTTP status "
                        + "(0: no answer)")
                .labelNames("provider", "endpoint", "status")
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        this.retries = Counter.builder()
                .name("finora_provider_retries_total")
                .help("Retried provider requests, by provider and the HTTP status that caused the retry "
                        + "(0: no answer)")
                .labelNames("provider", "status")
                .register(registry);
    }

    /** Records one HTTP attempt. */
    public void request(String provider, String endpoint, int status, Duration elapsed) {
        requests.labelValues(provider, endpoint, Integer.toString(status)).observe(elapsed.toNanos() / 1e9);
    }

    /** Records one retry. */
    public void retry(String provider, int status) {
        retries.labelValues(provider, Integer.toString(status)).inc();
    }
}
