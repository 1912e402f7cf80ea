package finora.bench;

import com.zaxxer.hikari.HikariDataSource;
import finora.server.auth.Plan;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.sync.SyncConfig;
import finora.sim.CostTruth;
import finora.sim.Fault;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #15, "Soak": N minutes (default 30) of syncs of 15-min-plan connections by two replicas while
 * the simulator injects faults at random (5xx, 529, 429 with retry-after, answers slower than the
 * client's timeout), PostgreSQL is restarted once (a third in) and a replica is killed once (two
 * thirds in, mid-sync: every connection is made due with slow cost pages first; a replacement starts
 * 10 s later, as an orchestrator would). Then the faults stop, every
 * connection syncs once more, and the run checks: each ledger's stored days equal the simulator's
 * truth to the cent (day totals and line items), and no two runs of a connection overlapped unless
 * one was abandoned by a takeover (no duplicate run). Prints the result; exit code 1 if a check failed.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description =
                "Syncs under faults, a PostgreSQL restart and a replica kill; checks totals against the simulator.")
public final class SoakRun implements Callable<Integer> {
    @Option(
            names = "--minutes",
            defaultValue = "30",
            description = "Real minutes of faults (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--connections", defaultValue = "8", description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = "--time-scale",
            defaultValue = "10",
            description =
                    "Simulated seconds per real second: 10 syncs each connection every 90 s (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(
            names = "--fault-rate",
            defaultValue = "0.08",
            description = "Share of simulator requests that meet a fault (default: ${DEFAULT-VALUE}).")
    double faultRate;

    private final PrintStream out;
    private boolean killedMidSync;

    SoakRun(PrintStream out) {
        this.out = out;
    }

    /** Runs from the command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakRun(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Clock clock = SyncFleet.scaled(Instant.now(), timeScale);
        long totalMs = (long) (minutes * 60_000);
        out.printf(
                Locale.ROOT,
                "Soak: %.1f min, %d connections on the 15-min plan, 2 replicas, time scale %.1f "
                        + "(a sync every %.0f real s per connection), %.0f %% of requests faulted%n",
                minutes,
                connections,
                timeScale,
                Plan.ENTERPRISE.refreshInterval().toSeconds() / timeScale,
                faultRate * 100);
        try (SyncFleet fleet = new SyncFleet(clock, SimConfig.defaults().withRowsPerDay(4));
                HikariDataSource admin = fleet.dataSource(2)) {
            fleet.seed(connections, clock.instant(), Duration.ofSeconds((long) (60 * timeScale)), admin, false);
            // Fast enough to finish inside the run; retries and timeouts as in production, scaled down.
            AnthropicClientConfig client = new AnthropicClientConfig(
                    URI.create("http://unused"),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    3,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(2),
                    8);
            SyncConfig sync = new SyncConfig(
                    "x",
                    Duration.ofMillis(500),
                    4,
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5));
            fleet.startReplica("replica-1", sync, client, 6);
            SyncFleet.Replica victim = fleet.startReplica("replica-2", sync, client, 6);
            fleet.sim.faults().setLatency(Duration.ofMillis(50));
            fleet.sim
                    .faults()
                    .setRandom(
                            faultRate,
                            List.of(
                                    Fault.serverError(),
                                    Fault.overloaded(),
                                    Fault.rateLimited(Duration.ofSeconds(1)),
                                    Fault.delay(Duration.ofSeconds(3))));
            long start = System.nanoTime();
            boolean restarted = false;
            boolean killed = false;
            boolean provoked = false;
            while (true) {
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                if (!restarted && elapsed > totalMs / 3) {
                    Duration took = fleet.restartPostgres();
                    out.printf(
                            Locale.ROOT,
                            "[%4.0f s] PostgreSQL restarted (down %.1f s)%n",
                            elapsed / 1e3,
                            took.toMillis() / 1e3);
                    restarted = true;
                } else if (!killed && !provoked && elapsed > totalMs * 2 / 3) {
                    // Make every connection due with slow cost pages, so replica 2 is caught mid-sync.
                    fleet.sim
                            .faults()
                            .onPath(
                                    "/v1/organizations/cost_report",
                                    2 * connections,
                                    Fault.delay(Duration.ofSeconds(1)));
                    try (Connection c = admin.getConnection();
                            Statement st = c.createStatement()) {
                        st.execute("UPDATE connection SET next_sync_at = '" + clock.instant() + "'");
                    }
                    provoked = true;
                } else if (!killed && provoked && (holdsLease(admin, "replica-2") || elapsed > totalMs * 5 / 6)) {
                    // Mid-sync if at all possible: a kill while idle would show no takeover.
                    boolean midSync = holdsLease(admin, "replica-2");
                    fleet.kill(victim);
                    killedMidSync = midSync;
                    out.printf(
                            Locale.ROOT,
                            "[%4.0f s] replica-2 killed %s(pools closed, threads stopped, nothing " + "released)%n",
                            elapsed / 1e3,
                            midSync ? "mid-sync " : "while idle ");
                    Thread.sleep(10_000);
                    fleet.startReplica("replica-3", sync, client, 6);
                    out.printf(
                            Locale.ROOT,
                            "[%4.0f s] replica-3 started in its place%n",
                            (System.nanoTime() - start) / 1e9);
                    killed = true;
                } else if (elapsed > totalMs) {
                    break;
                }
                Thread.sleep(provoked && !killed ? 100 : 1000);
            }
            fleet.sim.faults().setRandom(0, List.of());
            fleet.sim.faults().setLatency(Duration.ZERO);
            Instant settle = clock.instant();
            out.printf(
                    Locale.ROOT,
                    "[%4.0f s] faults off; waiting for every connection to sync once more%n",
                    (System.nanoTime() - start) / 1e9);
            try (Connection c = admin.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("UPDATE connection SET next_sync_at = LEAST(next_sync_at, '" + settle + "')");
            }
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (System.nanoTime() < deadline && settledConnections(admin, settle) < connections) {
                Thread.sleep(1000);
            }
            for (SyncFleet.Replica r : fleet.replicas) {
                if (r != victim) {
                    r.app().scheduler().stop(Duration.ofSeconds(10));
                }
            }
            return check(fleet, admin, settle, (System.nanoTime() - start) / 1e9);
        }
    }

    private static boolean holdsLease(HikariDataSource ds, String replica) {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM connection WHERE lease_owner = '" + replica + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Connections whose last run started after {@code after} and succeeded. */
    private static int settledConnections(HikariDataSource ds, Instant after) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT connection_id) FROM sync_run WHERE outcome = "
                        + "'SUCCEEDED' AND started_at >= '" + after + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private int check(SyncFleet fleet, HikariDataSource ds, Instant settle, double seconds) throws Exception {
        LocalDate today = LocalDate.ofInstant(fleet.clock.instant(), ZoneOffset.UTC);
        LocalDate from = today.minusDays(Plan.ENTERPRISE.backfillDays());
        CostTruth truth = fleet.sim.truth(SimKeys.ORG_A_ID, from, today);
        Map<LocalDate, BigDecimal> truthByDay = new HashMap<>();
        truth.byDayUsd().forEach((d, v) -> truthByDay.put(d, v));
        int ledgersExact = 0;
        int ledgers = 0;
        long overlapping;
        long itemMismatches;
        String outcomes;
        String failures;
        long takeovers;
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            Map<UUID, Map<LocalDate, BigDecimal>> stored = new HashMap<>();
            try (ResultSet rs =
                    st.executeQuery("SELECT l.ledger_id, d.day, d.total_usd FROM ledger l LEFT JOIN cost_day d"
                            + " ON d.ledger_id = l.ledger_id AND d.day >= '" + from + "' AND d.day < '" + today
                            + "'")) {
                while (rs.next()) {
                    Map<LocalDate, BigDecimal> days =
                            stored.computeIfAbsent(rs.getObject(1, UUID.class), k -> new HashMap<>());
                    if (rs.getObject(2) != null) {
                        days.put(rs.getObject(2, LocalDate.class), rs.getBigDecimal(3));
                    }
                }
            }
            for (Map<LocalDate, BigDecimal> days : stored.values()) {
                ledgers++;
                boolean exact = true;
                for (LocalDate d = from; d.isBefore(today); d = d.plusDays(1)) {
                    BigDecimal want = truthByDay.getOrDefault(d, BigDecimal.ZERO);
                    BigDecimal got = days.get(d);
                    if (got == null || got.compareTo(want) != 0) {
                        exact = false;
                        break;
                    }
                }
                if (exact) {
                    ledgersExact++;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM cost_day d LEFT JOIN (SELECT ledger_id, day,"
                    + " sum(amount_usd) s FROM cost_line_item GROUP BY 1, 2) i USING (ledger_id, day)"
                    + " WHERE d.total_usd <> coalesce(i.s, 0)")) {
                rs.next();
                itemMismatches = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM sync_run a JOIN sync_run b"
                            + " ON a.connection_id = b.connection_id AND a.sync_run_id < b.sync_run_id"
                            + " AND a.started_at < coalesce(b.ended_at, 'infinity') AND b.started_at < coalesce(a.ended_at, 'infinity')"
                            + " WHERE coalesce(a.error_reason, '') <> 'ABANDONED' AND coalesce(b.error_reason, '') <> 'ABANDONED'")) {
                rs.next();
                overlapping = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT string_agg(outcome || ' ' || n, ', ') FROM (SELECT outcome,"
                    + " count(*) n FROM sync_run GROUP BY 1 ORDER BY 1) x")) {
                rs.next();
                outcomes = rs.getString(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(string_agg(error_reason || ' ' || n, ', '), 'none')"
                    + " FROM (SELECT error_reason, count(*) n FROM sync_run WHERE outcome = 'FAILED' GROUP BY 1"
                    + " ORDER BY 2 DESC) x")) {
                rs.next();
                failures = rs.getString(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sync_run WHERE error_reason = 'ABANDONED'")) {
                rs.next();
                takeovers = rs.getLong(1);
            }
        }
        out.println();
        out.println("| check | result |");
        out.println("|---|---|");
        out.printf(
                Locale.ROOT,
                "| run | %.0f real s, %,d provider requests (%d %% faulted at random) |%n",
                seconds,
                fleet.sim.requestLog().total(),
                Math.round(faultRate * 100));
        out.println("| sync runs | " + outcomes + " |");
        out.println("| failed runs by reason | " + failures + " |");
        out.println("| replica-2 killed | " + (killedMidSync ? "mid-sync" : "while idle") + " |");
        out.println("| runs abandoned by a takeover | " + takeovers + " |");
        out.printf(
                Locale.ROOT,
                "| ledgers equal to the simulator's truth, every day of %d | %d of %d |%n",
                Plan.ENTERPRISE.backfillDays(),
                ledgersExact,
                ledgers);
        out.println("| days whose line items do not add up to the day total | " + itemMismatches + " |");
        out.println("| overlapping runs of one connection (neither abandoned): duplicates | " + overlapping + " |");
        boolean ok = ledgersExact == ledgers && ledgers == connections && itemMismatches == 0 && overlapping == 0;
        out.println();
        out.println(ok ? "SOAK PASSED: stored totals equal the simulator's truth, no duplicate run" : "SOAK FAILED");
        return ok ? 0 : 1;
    }
}
