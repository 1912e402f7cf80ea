package finora.bench;

import com.zaxxer.hikari.HikariDataSource;
import finora.server.App;
import finora.server.ServerConfig;
import finora.server.auth.Plan;
import finora.server.crypto.CredentialCipher;
import finora.server.db.Database;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.sync.SyncConfig;
import finora.sim.AnthropicSim;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the scale and soak runs share: one PostgreSQL (zonky's embedded one on a port of its own, so it
 * can be restarted), anthropic-sim, and sync replicas in this process, each with its own pools, wiring,
 * scheduler and heartbeat session, as separate server processes would have.
 */
final class SyncFleet implements AutoCloseable {
    final Path dir;
    final int pgPort;
    final AnthropicSim sim;
    final Clock clock;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private final CredentialCipher cipher;
    private final ServerConfig config;
    final List<Replica> replicas = new ArrayList<>();

    /** A replica: its database pools and its application (scheduler, client, sync). */
    record Replica(String id, Database db, App app) {}

    SyncFleet(Clock clock, SimConfig simConfig) throws IOException {
        this.clock = clock;
        this.dir = Files.createTempDirectory("finora-fleet");
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort(); // a free port, kept across a restart
        }
        startPostgres();
        this.sim = AnthropicSim.start(0, simConfig.withClock(clock));
        this.config = ServerConfig.fromEnv(Map.of(
                "FINORA_DATA_DIR",
                dir.resolve("server").toString(),
                "FINORA_METRICS_PORT",
                "-1",
                "FINORA_ANTHROPIC_BASE_URL",
                sim.baseUrl()));
        Files.createDirectories(config.dataDir());
        this.cipher = CredentialCipher.fromConfig(config);
        Database.migrate(dataSource(2));
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    }

    void startPostgres() throws IOException {
        pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /** Stops PostgreSQL (fast shutdown: sessions are cut) and starts it again on the same data and port. */
    Duration restartPostgres() throws IOException {
        long start = System.nanoTime();
        pg.close();
        startPostgres();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    HikariDataSource dataSource(int size) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(jdbcUrl());
        ds.setUsername("postgres");
        ds.setMaximumPoolSize(size);
        ds.setConnectionTimeout(3000);
        return ds;
    }

    /** Starts a replica with its own pools ({@code poolSize} connections for syncs and calls). */
    Replica startReplica(String id, SyncConfig sync, int maxOutbound, int poolSize) {
        return startReplica(
                id,
                sync,
                AnthropicClientConfig.defaults(config.anthropicBaseUrl()).withMaxConcurrentRequests(maxOutbound),
                poolSize);
    }

    /** As above with the given client settings (the base URL is replaced by the simulator's). */
    Replica startReplica(String id, SyncConfig sync, AnthropicClientConfig clientConfig, int poolSize) {
        Database db = Database.open(jdbcUrl(), "postgres", "", null, new Database.PoolSizes(poolSize, 1));
        AnthropicClientConfig client = new AnthropicClientConfig(
                config.anthropicBaseUrl(),
                clientConfig.connectTimeout(),
                clientConfig.requestTimeout(),
                clientConfig.maxRetries(),
                clientConfig.baseDelay(),
                clientConfig.maxDelay(),
                clientConfig.maxConcurrentRequests());
        App app = App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), clock)
                .withExportDataSource(db.exportDataSource())
                .withTuning(4, client, cipher, sync.withReplicaId(id)));
        app.scheduler().start();
        Replica r = new Replica(id, db, app);
        replicas.add(r);
        return r;
    }

    /** kill -9 of a replica: its pools go first (nothing it has in hand reaches the database), then its threads. */
    void kill(Replica r) {
        r.db().close();
        r.app().scheduler().halt();
    }

    /**
     * Creates {@code connections} ENTERPRISE (15-min) tenants with one connection each to organization A,
     * every ledger day FINAL except the last three closed ones, so a sync is the steady-state one
     * (the last 3 days, directory, today's estimate) and not a 2-year backfill; first due times spread
     * evenly over [{@code firstDue}, {@code firstDue + spread}).
     */
    void seed(int connections, Instant firstDue, Duration spread, DataSource ds) throws SQLException {
        seed(connections, firstDue, spread, ds, true);
    }

    /** Moves every seeded connection's due time (and its record in {@code bench_seed}) by {@code shift}. */
    void shiftDueTimes(Duration shift, DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement connectionsDue = c.prepareStatement("UPDATE connection SET"
                        + " next_sync_at = next_sync_at + ? * interval '1 millisecond',"
                        + " last_sync_started_at = last_sync_started_at + ? * interval '1 millisecond'");
                PreparedStatement seeded = c.prepareStatement(
                        "UPDATE bench_seed SET first_due = first_due + ? * interval '1 millisecond'")) {
            c.setAutoCommit(false);
            connectionsDue.setLong(1, shift.toMillis());
            connectionsDue.setLong(2, shift.toMillis());
            connectionsDue.executeUpdate();
            seeded.setLong(1, shift.toMillis());
            seeded.executeUpdate();
            c.commit();
        }
    }

    /** As above; {@code finalHistory} false leaves the ledgers empty, so first syncs backfill 2 years. */
    void seed(int connections, Instant firstDue, Duration spread, DataSource ds, boolean finalHistory)
            throws SQLException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TABLE IF NOT EXISTS bench_seed (connection_id UUID PRIMARY KEY, first_due TIMESTAMPTZ)");
            st.execute(
                    "CREATE TEMP TABLE s AS SELECT g AS n, gen_random_uuid() AS tenant_id, gen_random_uuid() AS ledger_id,"
                            + " gen_random_uuid() AS connection_id FROM generate_series(0, " + (connections - 1)
                            + ") g");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO tenant (tenant_id, name, plan, created_at)"
                    + " SELECT tenant_id, 'fleet-' || n, '" + Plan.ENTERPRISE.name() + "', ? FROM s")) {
                p.setTimestamp(1, now);
                p.execute();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO ledger (ledger_id, tenant_id, provider,"
                    + " external_org_id, external_org_name, created_at, deep_checked_at, month_checked)"
                    + " SELECT ledger_id, tenant_id, 'ANTHROPIC', ?, ?, ?, ?, ? FROM s")) {
                p.setString(1, SimKeys.ORG_A_ID);
                p.setString(2, SimKeys.ORG_A_NAME);
                p.setTimestamp(3, now);
                p.setTimestamp(4, now);
                p.setObject(5, today.withDayOfMonth(1).minusMonths(1));
                p.execute();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO connection (connection_id, tenant_id, provider,"
                    + " external_org_id, external_org_name, status, key_hint, created_at, credential_updated_at,"
                    + " next_sync_at, last_sync_started_at, ledger_id, version)"
                    + " SELECT connection_id, tenant_id, 'ANTHROPIC', ?, ?, 'ACTIVE', 'sk-ant-admin01-…orgA', ?, ?,"
                    + " ?::timestamptz + (n * ?::bigint / " + connections
                    + ") * interval '1 millisecond', ?, ledger_id, 0 FROM s")) {
                p.setString(1, SimKeys.ORG_A_ID);
                p.setString(2, SimKeys.ORG_A_NAME);
                p.setTimestamp(3, now);
                p.setTimestamp(4, now);
                p.setTimestamp(5, Timestamp.from(firstDue));
                p.setLong(6, spread.toMillis());
                p.setTimestamp(7, Timestamp.from(firstDue.minus(Plan.ENTERPRISE.refreshInterval())));
                p.execute();
            }
            st.execute("INSERT INTO bench_seed SELECT connection_id, next_sync_at FROM connection");
            if (finalHistory) {
                // The simulator's own day totals (organization A's, the same for every ledger), so the
                // anomaly detector sees a history like the days it is about to get.
                LocalDate from = today.minusDays(Plan.ENTERPRISE.backfillDays());
                Map<LocalDate, java.math.BigDecimal> truth =
                        sim.truth(SimKeys.ORG_A_ID, from, today.minusDays(3)).byDayUsd();
                List<LocalDate> days = new ArrayList<>();
                List<java.math.BigDecimal> totals = new ArrayList<>();
                for (LocalDate d = from; d.isBefore(today.minusDays(3)); d = d.plusDays(1)) {
                    days.add(d);
                    totals.add(truth.getOrDefault(d, java.math.BigDecimal.ZERO));
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO cost_day (ledger_id, day, total_usd,"
                        + " fetched_at, status, fetched_by) SELECT s.ledger_id, t.day, t.total, ?, 'FINAL', s.connection_id"
                        + " FROM s, unnest(?::date[], ?::numeric[]) AS t(day, total)")) {
                    p.setTimestamp(1, now);
                    p.setArray(
                            2,
                            c.createArrayOf(
                                    "date",
                                    days.stream().map(java.sql.Date::valueOf).toArray()));
                    p.setArray(3, c.createArrayOf("numeric", totals.toArray()));
                    p.execute();
                }
            }
            List<UUID[]> ids = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tenant_id, connection_id FROM s")) {
                while (rs.next()) {
                    ids.add(new UUID[] {rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)});
                }
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO credential (connection_id, ciphertext, created_at) VALUES (?, ?, ?)")) {
                for (UUID[] id : ids) {
                    p.setObject(1, id[1]);
                    p.setBytes(2, cipher.encrypt(SimKeys.ORG_A_ADMIN_KEY, id[0], id[1]));
                    p.setTimestamp(3, now);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
            st.execute("ANALYZE");
        }
    }

    @Override
    public void close() {
        for (Replica r : replicas) {
            try {
                r.app().scheduler().stop(Duration.ofSeconds(5));
                r.app().notifier().close();
                r.db().close();
            } catch (RuntimeException e) {
                // a killed replica's pools are closed already
            }
        }
        sim.close();
        try {
            pg.close();
        } catch (IOException e) {
            // exiting anyway
        }
    }

    /** A clock that runs {@code scale} times faster than real time from {@code start}. */
    static Clock scaled(Instant start, double scale) {
        long t0 = System.nanoTime();
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return start.plusNanos((long) ((System.nanoTime() - t0) * scale));
            }
        };
    }
}
