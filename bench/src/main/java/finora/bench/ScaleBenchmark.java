package finora.bench;

import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;
import finora.server.auth.Plan;
import finora.server.sync.SyncConfig;
import finora.sim.SimConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #15, "Scale": N connections (default 10,000) of tenants on the 15-minute plan, two sync
 * replicas in this process (separate pools, schedulers and heartbeats) on one PostgreSQL, and
 * anthropic-sim answering with a realistic latency. First due times are spread evenly over one
 * cycle, as in steady state; the run lasts one cycle (a shorter one with {@code --time-scale}: the
 * replicas' and the simulator's clock then run that many times faster, and the output says so) plus a
 * tail for the last syncs. Prints syncs/s, the lag from due to started (p50/p99), provider
 * requests/s, database connections used and CPU.
 */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description = "Two sync replicas, N connections on the 15-min plan, one cycle against anthropic-sim.")
public final class ScaleBenchmark implements Callable<Integer> {
    @Option(names = "--connections", defaultValue = "10000", description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = "--time-scale",
            defaultValue = "1",
            description =
                    "Simulated seconds per real second; 1 runs the full 15-minute cycle (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(
            names = "--latency-ms",
            defaultValue = "200",
            description = "Median latency of every simulator answer (default: ${DEFAULT-VALUE}).")
    int latencyMs;

    @Option(
            names = "--workers",
            defaultValue = "16",
            description = "Sync workers per replica (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--max-outbound",
            defaultValue = "16",
            description = "Requests to Anthropic in flight per replica (default: ${DEFAULT-VALUE}).")
    int maxOutbound;

    @Option(
            names = "--pool",
            defaultValue = "10",
            description = "Database pool per replica (default: ${DEFAULT-VALUE}).")
    int pool;

    @Option(
            names = "--poll-ms",
            defaultValue = "1000",
            description = "Poll interval of the schedulers (default: ${DEFAULT-VALUE}).")
    int pollMs;

    @Option(
            names = "--rows-per-day",
            defaultValue = "10",
            description = "Simulated cost rows per day and organization (default: ${DEFAULT-VALUE}).")
    int rowsPerDay;

    private final PrintStream out;

    ScaleBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Runs from the command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleBenchmark(System.out)).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Duration cycle = Plan.ENTERPRISE.refreshInterval();
        Clock clock = SyncFleet.scaled(Instant.now(), timeScale);
        double realCycleSeconds = cycle.toSeconds() / timeScale;
        out.printf(
                Locale.ROOT,
                "Scale run: %,d connections on the %d-min plan, 2 replicas x %d workers, pool %d, "
                        + "outbound limit %d per replica, simulator latency %d ms (median)%n",
                connections,
                cycle.toMinutes(),
                workers,
                pool,
                maxOutbound,
                latencyMs);
        if (timeScale != 1) {
            out.printf(
                    Locale.ROOT,
                    "TIME SCALE %.1f: the 15-min cycle is simulated in %.0f real seconds; lags are "
                            + "shown in simulated seconds (real = simulated / %.1f)%n",
                    timeScale,
                    realCycleSeconds,
                    timeScale);
        }
        try (SyncFleet fleet = new SyncFleet(clock, SimConfig.defaults().withRowsPerDay(rowsPerDay));
                HikariDataSource admin = fleet.dataSource(2)) {
            fleet.sim.faults().setLatency(Duration.ofMillis(latencyMs));
            long seedStart = System.nanoTime();
            Instant seededDue = clock.instant().plusSeconds((long) (5 * timeScale));
            fleet.seed(connections, seededDue, cycle, admin);
            // Seeding takes minutes at 10,000 connections: the cycle starts when it is done, or the
            // connections due while seeding would start late and count as lag the replicas never caused.
            Instant firstDue = clock.instant().plusSeconds((long) (5 * timeScale));
            fleet.shiftDueTimes(Duration.between(seededDue, firstDue), admin);
            out.printf(
                    Locale.ROOT,
                    "Seeded %,d tenants, connections and 2 years of FINAL days in %.1f s%n",
                    connections,
                    (System.nanoTime() - seedStart) / 1e9);

            SyncConfig sync = new SyncConfig(
                    "x", Duration.ofMillis(pollMs), workers, Duration.ofMinutes(5), Duration.ofSeconds(10));
            fleet.startReplica("replica-1", sync, maxOutbound, pool);
            fleet.startReplica("replica-2", sync, maxOutbound, pool);
            long runStart = System.nanoTime();
            long requestsAtStart = fleet.sim.requestLog().total();
            Sampler sampler = new Sampler(admin);
            Thread sampling = Thread.ofVirtual().start(sampler);
            long realEnd = runStart + (long) ((realCycleSeconds + 5 + 60 / timeScale * 2) * 1e9);
            long cycleEnd = runStart + (long) ((realCycleSeconds + 5) * 1e9);
            Instant dueEnd = firstDue.plus(cycle);
            while (System.nanoTime() < realEnd) {
                Thread.sleep(1000);
                if (System.nanoTime() > cycleEnd && firstRunsStarted(admin, dueEnd) >= connections) {
                    break;
                }
            }
            double realSeconds = (System.nanoTime() - runStart) / 1e9;
            long requests = fleet.sim.requestLog().total() - requestsAtStart;
            sampler.stop = true;
            sampling.join();
            for (SyncFleet.Replica r : fleet.replicas) {
                r.app().scheduler().stop(Duration.ofSeconds(10));
            }
            report(admin, firstDue, dueEnd, realSeconds, requests, sampler);
        }
        return 0;
    }

    private static long firstRunsStarted(HikariDataSource ds, Instant dueEnd) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT r.connection_id) FROM sync_run r"
                        + " JOIN bench_seed s USING (connection_id) WHERE s.first_due < '" + dueEnd + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void report(
            HikariDataSource ds, Instant firstDue, Instant dueEnd, double realSeconds, long requests, Sampler sampler)
            throws Exception {
        Histogram lag = new Histogram(3_600_000L, 3);
        long succeeded = 0;
        long failed = 0;
        long runs = 0;
        long syncedInCycle = 0;
        long duplicates;
        String byReplica;
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT r.outcome, r.started_at, s.first_due, r.replica_id"
                    + " FROM (SELECT DISTINCT ON (connection_id) * FROM sync_run ORDER BY connection_id, started_at) r"
                    + " JOIN bench_seed s USING (connection_id)")) {
                while (rs.next()) {
                    runs++;
                    Instant started = rs.getTimestamp(2).toInstant();
                    Instant due = rs.getTimestamp(3).toInstant();
                    lag.recordValue(Math.max(0, Duration.between(due, started).toMillis()));
                    if ("SUCCEEDED".equals(rs.getString(1))) {
                        succeeded++;
                        // Inside its cycle: started before the connection's next due time. (Not "before the
                        // last due time of the run": one due a second before that and started 2 s later is on time.)
                        if (started.isBefore(due.plus(Plan.ENTERPRISE.refreshInterval()))) {
                            syncedInCycle++;
                        }
                    } else {
                        failed++;
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT connection_id FROM sync_run"
                    + " WHERE started_at < '" + dueEnd + "' AND outcome = 'SUCCEEDED' GROUP BY connection_id"
                    + " HAVING count(*) > 1) d")) {
                rs.next();
                duplicates = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT string_agg(replica_id || ' ' || n, ', ' ORDER BY replica_id)"
                    + " FROM (SELECT replica_id, count(*) n FROM sync_run GROUP BY replica_id) x")) {
                rs.next();
                byReplica = rs.getString(1);
            }
        }
        double cycleReal = Plan.ENTERPRISE.refreshInterval().toSeconds() / timeScale;
        out.println();
        out.println("| measure | value |");
        out.println("|---|---:|");
        row("connections (tenants on the 15-min plan)", String.format(Locale.ROOT, "%,d", connections));
        row(
                "cycle",
                timeScale == 1
                        ? "15 min, real time"
                        : String.format(
                                Locale.ROOT, "15 min simulated in %.0f s (time scale %.1f)", cycleReal, timeScale));
        row("first syncs run / succeeded / failed", runs + " / " + succeeded + " / " + failed);
        row(
                "connections synced inside their cycle (started before their next due time)",
                String.format(
                        Locale.ROOT,
                        "%,d of %,d (%.1f %%)",
                        syncedInCycle,
                        connections,
                        100.0 * syncedInCycle / connections));
        row("connections synced twice (2 successful runs) before their next due time", Long.toString(duplicates));
        row(
                "syncs/s sustained (real)",
                String.format(Locale.ROOT, "%.1f", succeeded / Math.min(realSeconds, Math.max(cycleReal, 1))));
        row(
                "lag due → started, p50 / p99 / max (simulated s)",
                String.format(
                        Locale.ROOT,
                        "%.1f / %.1f / %.1f",
                        lag.getValueAtPercentile(50) / 1000.0,
                        lag.getValueAtPercentile(99) / 1000.0,
                        lag.getMaxValue() / 1000.0));
        row("provider requests/s (real)", String.format(Locale.ROOT, "%.1f", requests / realSeconds));
        row("database connections open / active, max", sampler.maxOpen + " / " + sampler.maxActive);
        row(
                "CPU, machine avg (all processes, PostgreSQL included)",
                String.format(Locale.ROOT, "%.0f %%", sampler.machineCpu()));
        row("CPU, this JVM avg (2 replicas + simulator)", String.format(Locale.ROOT, "%.0f %%", sampler.processCpu()));
        row("runs by replica", byReplica);
        row("real seconds measured", String.format(Locale.ROOT, "%.0f", realSeconds));
        boolean goal = syncedInCycle == connections && lag.getValueAtPercentile(99) < 60_000;
        out.println();
        out.println(
                goal
                        ? "GOAL MET: every connection synced inside the cycle with p99 lag < 60 s"
                        : "GOAL NOT MET: every connection inside the cycle with p99 lag < 60 s");
    }

    private void row(String what, String value) {
        out.println("| " + what + " | " + value + " |");
    }

    /** Samples database connections and CPU once a second. */
    private static final class Sampler implements Runnable {
        private final HikariDataSource ds;
        volatile boolean stop;
        volatile long maxOpen;
        volatile long maxActive;
        private double machine;
        private double process;
        private int samples;
        private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        Sampler(HikariDataSource ds) {
            this.ds = ds;
        }

        @Override
        public void run() {
            while (!stop) {
                try (Connection c = ds.getConnection();
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE state = 'active')"
                                + " FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
                    rs.next();
                    maxOpen = Math.max(maxOpen, rs.getLong(1) - 1); // not this sampler's own
                    maxActive = Math.max(maxActive, rs.getLong(2) - 1);
                } catch (Exception e) {
                    // a sample less
                }
                double m = os.getCpuLoad();
                double p = os.getProcessCpuLoad();
                if (m >= 0 && p >= 0) {
                    synchronized (this) {
                        machine += m;
                        process += p;
                        samples++;
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized double machineCpu() {
            return samples == 0 ? 0 : 100 * machine / samples;
        }

        synchronized double processCpu() {
            return samples == 0 ? 0 : 100 * process / samples;
        }
    }
}
