package finora.server.auth;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code finora_login_failures_total{reason}}: wrong password, unknown e-mail, throttled. */
public final class AuthMetrics {
    private final Counter failures;

    /** Registers the counter in {@code registry}. */
    public AuthMetrics(PrometheusRegistry registry) {
        this.failures = Counter.builder()
                .name("finora_login_failures_total")
                .help("Failed logins by reason: wrong_password, unknown_email, throttled")
                .labelNames("reason")
                .register(registry);
    }

    void loginFailed(String reason) {
        failures.labelValues(reason).inc();
    }
}
