package finora.server.cost;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@code finora_costs} channel with one dedicated connection and
 * invalidates {@link CostQueryCache} per tenant. If the connection drops, the cache is switched
 * off until listening resumes, so a missed notification can never leave a stale answer.
 */
public final class CostChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CostChangeListener.class);
    static final String CHANNEL = "finora_costs";
    /** How often the idle listening connection is checked with a query. */
    static final Duration PING_EVERY = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final CostQueryCache cache;
    private final Thread thread;
    private volatile boolean stopped;

    /** Creates the listener; {@link #start()} begins listening. */
    public CostChangeListener(DataSource dataSource, CostQueryCache cache) {
        this.dataSource = dataSource;
        this.cache = cache;
        this.thread = new Thread(this::run, "cost-change-listener");
        this.thread.setDaemon(true);
    }

    /** Starts listening in the background. */
    public void start() {
        thread.start();
    }

    private void run() {
        while (!stopped) {
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement()) {
                st.setQueryTimeout(5);
                c.setNetworkTimeout(Runnable::run, (int) Duration.ofSeconds(15).toMillis());
                st.execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                cache.setLive(true);
                long lastPing = System.nanoTime();
                while (!stopped) {
                    if (System.nanoTime() - lastPing > PING_EVERY.toNanos()) {
                        // A connection dropped without a FIN (NAT timeout, failover) stays silent forever;
                        // a query on it fails (socket timeout below) and the loop reconnects.
                        st.execute("SELECT 1");
                        lastPing = System.nanoTime();
                    }
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        try {
                            cache.invalidate(UUID.fromString(n.getParameter()));
                        } catch (IllegalArgumentException e) {
                            log.warn("Ignoring a malformed cost change notification");
                        }
                    }
                }
            } catch (Exception e) {
                cache.setLive(false);
                if (!stopped) {
                    log.warn(
                            "Cost change listener lost its connection; query cache off until it is back: {}",
                            e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
        cache.setLive(false);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening and switches the cache off. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cache.setLive(false);
    }
}
