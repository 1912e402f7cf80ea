package finora.server.sync;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * Metrics of cost syncs: {@code finora_sync_runs_total{outcome,reason}},
 * {@code finora_sync_rows_written_total}, {@code finora_sync_days_written_total},
 * {@code finora_sync_restatements_total}, {@code finora_sync_run_duration_seconds{outcome}} and
 * {@code finora_sync_running}.
 */
public final class SyncMetrics {
    private final Counter runs;
    private final Counter rows;
    private final Counter days;
    private final Counter restatements;
    private final Histogram duration;
    private final Gauge running;

    /** Registers the metrics in {@code registry}. */
    public SyncMetrics(PrometheusRegistry registry) {
        runs = Counter.builder()
                .name("finora_sync_runs_total")
                .help("Finished cost syncs by outcome (succeeded, failed) and failure reason (none on success)")
                .labelNames("outcome", "reason")
                .register(registry);
        rows = Counter.builder()
                .name("finora_sync_rows_written_total")
                .help("Cost line items written by syncs")
                .register(registry);
        days = Counter.builder()
                .name("finora_sync_days_written_total")
                .help("UTC days of cost stored (replaced) by syncs")
                .register(registry);
        restatements = Counter.builder()
                .name("finora_sync_restatements_total")
                .help("Re-fetched days whose total changed")
                .register(registry);
        duration = Histogram.builder()
                .name("finora_sync_run_duration_seconds")
                .help("Duration of a sync run, by outcome")
                .labelNames("outcome")
                .classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
                .register(registry);
        running = Gauge.builder()
                .name("finora_sync_running")
                .help("Syncs running on this replica now")
                .register(registry);
    }

    void started() {
        running.inc();
    }

    void finished(String outcome, SyncFailure failure, double seconds) {
        running.dec();
        String o = outcome.toLowerCase(Locale.ROOT);
        runs.labelValues(o, failure == null ? "none" : failure.name()).inc();
        duration.labelValues(o).observe(seconds);
    }

    void dayWritten(int lineItems, boolean restated) {
        days.inc();
        rows.inc(lineItems);
        if (restated) {
            restatements.inc();
        }
    }
}
