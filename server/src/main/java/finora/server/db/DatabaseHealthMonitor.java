package finora.server.db;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the database on a fixed period and reports gRPC health from it: SERVING while a
 * connection validates, NOT_SERVING while the database is unreachable.
 */
public final class DatabaseHealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseHealthMonitor.class);

    private final DataSource dataSource;
    private final HealthStatusManager health;
    private final List<String> services;
    private final ScheduledExecutorService timer;
    private volatile Boolean lastUp;
    private volatile boolean stopped;

    /**
     * @param services the fully qualified service names to report for, besides the overall "" status
     */
    public DatabaseHealthMonitor(DataSource dataSource, HealthStatusManager health, List<String> services) {
        this.dataSource = dataSource;
        this.health = health;
        this.services = List.copyOf(services);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "db-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** Probes once now, then every {@code period}. */
    public void start(Duration period) {
        probe();
        timer.scheduleWithFixedDelay(this::probe, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks the database once and updates the health status. */
    public void probe() {
        boolean up;
        try (Connection c = dataSource.getConnection()) {
            up = c.isValid(2);
        } catch (Exception e) {
            up = false;
        }
        report(up);
    }

    private synchronized void report(boolean up) {
        if (stopped) {
            return;
        }
        if (lastUp == null || lastUp != up) {
            if (up) {
                log.info("Database reachable: health SERVING");
            } else {
                log.warn("Database unreachable: health NOT_SERVING");
            }
        }
        lastUp = up;
        ServingStatus status = up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus("", status);
        for (String service : services) {
            health.setStatus(service, status);
        }
    }

    /** Stops probing and reports NOT_SERVING from now on (the first step of a graceful shutdown). */
    public synchronized void enterShutdown() {
        stopped = true;
        timer.shutdownNow();
        health.enterTerminalState();
    }

    @Override
    public void close() {
        enterShutdown();
    }
}
