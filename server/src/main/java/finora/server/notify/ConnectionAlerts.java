package finora.server.notify;

import finora.db.types.ConnectionStatus;
import finora.server.notify.ConnectionAlertRepository.Watched;
import finora.server.sync.SyncListener;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts about connections that stopped feeding the ledger.
 *
 * <ul>
 *   <li><b>Needs attention</b>: after a sync, a connection whose key the provider refused is announced
 *       once per key (dedupe key {@code connection:<id>:needs-attention:<key version>}): rotating the
 *       key and having it refused again is a new episode.
 *   <li><b>Stale</b>: every {@link NotifyConfig#staleCheckInterval()} each ACTIVE connection whose last
 *       successful sync (or creation, when none succeeded) is older than twice its plan's interval is
 *       announced once per episode ({@code connection:<id>:stale:<last success>}).
 * </ul>
 *
 * The same periodic task resumes deliveries abandoned by a replica that stopped.
 */
public final class ConnectionAlerts implements SyncListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionAlerts.class);

    private final DSLContext dsl;
    private final ConnectionAlertRepository repository = new ConnectionAlertRepository();
    private final Notifier notifier;
    private final Clock clock;
    private final Duration interval;
    private ScheduledExecutorService timer;

    /** Creates the watch; {@link #start} begins the periodic checks. */
    public ConnectionAlerts(DSLContext dsl, Notifier notifier, NotifyConfig config, Clock clock) {
        this.dsl = dsl;
        this.notifier = notifier;
        this.clock = clock;
        this.interval = config.staleCheckInterval();
    }

    @Override
    public void syncEnded(SyncEnded event) {
        if (event.succeeded()) {
            return;
        }
        repository
                .find(dsl, event.connectionId())
                .filter(c -> c.status() == ConnectionStatus.NEEDS_ATTENTION)
                .ifPresent(c -> notifier.publish(new Alert(
                        c.tenantId(),
                        Alert.AlertType.CONNECTION_NEEDS_ATTENTION,
                        "connection:" + c.id() + ":needs-attention:" + c.version(),
                        "Connection to \"" + c.organizationName() + "\" needs attention: syncs are paused",
                        c.statusDetail() == null ? "" : c.statusDetail(),
                        Map.of("connection_id", c.id().toString(), "organization_name", c.organizationName()))));
    }

    /** Announces connections without a successful sync for twice their plan's interval. Returns how many were new. */
    public int checkStale() {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        int announced = 0;
        for (Watched c : repository.active(dsl)) {
            Duration limit = c.plan().refreshInterval().multipliedBy(2);
            OffsetDateTime since = c.lastSuccessAt() != null ? c.lastSuccessAt() : c.createdAt();
            if (since.plus(limit).isAfter(now)) {
                continue;
            }
            String lastSuccess = c.lastSuccessAt() == null
                    ? "never"
                    : c.lastSuccessAt().toInstant().toString();
            boolean fresh = notifier.publish(new Alert(
                    c.tenantId(),
                    Alert.AlertType.CONNECTION_STALE,
                    "connection:" + c.id() + ":stale:" + lastSuccess,
                    "No successful sync of \"" + c.organizationName() + "\" since "
                            + (c.lastSuccessAt() == null ? "it was connected" : lastSuccess),
                    "Its plan syncs every " + c.plan().refreshInterval().toMinutes() + " minutes; the last "
                            + (c.lastSuccessAt() == null ? "syncs have" : "sync has")
                            + " failed. ListSyncRuns shows why; spend shown may be incomplete.",
                    Map.of(
                            "connection_id",
                            c.id().toString(),
                            "organization_name",
                            c.organizationName(),
                            "last_success_at",
                            lastSuccess)));
            announced += fresh ? 1 : 0;
        }
        return announced;
    }

    /** Starts the periodic checks on a daemon thread. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "connection-alerts");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            checkStale();
            notifier.resumeAbandoned();
        } catch (RuntimeException e) {
            log.warn("Connection alert check failed; trying again in {} s: {}", interval.toSeconds(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
