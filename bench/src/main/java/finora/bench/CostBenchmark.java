package finora.bench;

import finora.api.v1.CostDimension;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.QueryCostsRequest;
import finora.server.App;
import finora.server.FinoraServer;
import finora.server.ServerConfig;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.db.Database;
import finora.server.db.EmbeddedPostgres;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CostService benchmark: loads generated costs with COPY into an embedded PostgreSQL, starts the
 * real server on Netty, and drives it over real gRPC. Prints, side by side, the transport ceiling
 * (an empty unary RPC), {@code QueryCosts} for 365 days grouped by day × model family, and the naive
 * {@code GROUP BY} over the raw line items; the first two also with grpc-java's default executor of
 * platform threads (the server before it moved to virtual threads), so both stand in one table.
 *
 * <p>The repeated QueryCosts is answered from the answer cache after its first call: these rows
 * measure the cache and the transport, not the rollups.
 */
@Command(name = "finora-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks QueryCosts against the transport ceiling and a naive GROUP BY.")
public final class CostBenchmark implements Callable<Integer> {
    @Option(names = "--tenants", defaultValue = "3", description = "Tenants loaded (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--days", defaultValue = "730", description = "Days per tenant (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--items-per-day", defaultValue = "1000",
            description = "Line items per tenant and day (default: ${DEFAULT-VALUE}).")
    int itemsPerDay;

    @Option(names = "--query-days", defaultValue = "365",
            description = "Days the measured QueryCosts spans (default: ${DEFAULT-VALUE}).")
    int queryDays;

    @Option(names = "--threads", defaultValue = "16", description = "Concurrent callers (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds per measured run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per scenario (default: ${DEFAULT-VALUE}).")
    int warmup;

    private final PrintStream out;
    private Report report;

    /** Creates the benchmark printing to {@code out}. */
    public CostBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Runs from the command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CostBenchmark(System.out)).execute(args));
    }

    /** One row of the printed table. */
    public record Line(String scenario, LoadGenerator.Result max, LoadGenerator.Result half) {}

    /** What a run measured; {@code exact} says QueryCosts' total equalled the SQL sum of the raw rows. */
    public record Report(List<Line> lines, boolean exact, long rowsLoaded) {}

    /** The last run's report (for the smoke test). */
    public Report report() {
        return report;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("finora-bench");
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        ServerConfig config = ServerConfig.fromEnv(Map.of("FINORA_DATA_DIR", dir.toString(),
                "FINORA_METRICS_PORT", "-1"));
        try (Database db = Database.open(EmbeddedPostgres.start(dir), Database.PoolSizes.of(config))) {
            App app = App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), Clock.systemUTC()));
            out.printf("Loading %d tenants x %d days x %d line items with COPY...%n", tenants, days, itemsPerDay);
            long loadStart = System.nanoTime();
            List<DataLoader.Loaded> loaded = new ArrayList<>();
            String token = null;
            for (int t = 0; t < tenants; t++) {
                var tenant = app.accounts().createTenant("bench-" + t, Plan.ENTERPRISE);
                if (t == 0) {
                    token = app.accounts().createToken(tenant.id(), Role.READER, "bench", "bench").token();
                }
                loaded.add(DataLoader.load(db.dataSource(), tenant.id(), yesterday, days, itemsPerDay, t));
            }
            long rows = loaded.stream().mapToLong(DataLoader.Loaded::rows).sum();
            out.printf("Loaded %,d line items in %.1f s%n", rows, (System.nanoTime() - loadStart) / 1e9);

            DataLoader.Loaded target = loaded.get(0);
            LocalDate start = target.lastDay().minusDays(Math.min(queryDays, days) - 1L);
            QueryCostsRequest query = QueryCostsRequest.newBuilder()
                    .setStartDate(date(start)).setEndDate(date(target.lastDay()))
                    .addGroupBy(CostDimension.COST_DIMENSION_DAY).addGroupBy(CostDimension.COST_DIMENSION_MODEL_FAMILY)
                    .build(); // the API's default page: 100 rows, as a grid loads them
            QueryCostsRequest bigPage = query.toBuilder().setPageSize(1000).build();
            String queryName = "QueryCosts " + Math.min(queryDays, days) + "d day x family";
            List<Line> lines = new ArrayList<>();
            boolean exact;

            // Before: grpc-java's default executor (a cached pool of platform threads, no gate).
            try (Served served = serve(app, FinoraServer.Handlers.platformThreads(), token)) {
                lines.add(measure("empty unary RPC, platform threads", served.emptyCall()));
                lines.add(measure(queryName + ", platform threads", () -> served.costs().queryCosts(query)));
            }
            // After, as the server runs: virtual threads behind the call gate.
            try (Served served = serve(app, FinoraServer.Handlers.virtualThreads(config.concurrency()), token)) {
                var answer = served.costs().queryCosts(query);
                BigDecimal queried = BigDecimal.valueOf(answer.getTotal().getUnits())
                        .add(BigDecimal.valueOf(answer.getTotal().getNanos(), 9));
                BigDecimal truth = naiveTotal(db, target, start);
                exact = queried.compareTo(truth) == 0;
                out.printf("QueryCosts total %s, SQL over raw rows %s: %s%n", queried.toPlainString(),
                        truth.toPlainString(), exact ? "exact" : "MISMATCH");
                lines.add(measure("empty unary RPC (health Check)", served.emptyCall()));
                lines.add(measure(queryName, () -> served.costs().queryCosts(query)));
                lines.add(measure("naive GROUP BY, raw rows (JDBC)", () -> naiveGroupBy(db, target, start)));
                lines.add(measure("QueryCosts, same, 1000-row pages", () -> served.costs().queryCosts(bigPage)));
            }
            print(lines);
            report = new Report(lines, exact, rows);
            return exact ? 0 : 1;
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A running server and a channel to it; closing stops both. */
    private record Served(FinoraServer server, ManagedChannel channel, String token) implements AutoCloseable {
        CostServiceGrpc.CostServiceBlockingStub costs() {
            return CostServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token))
                    .withDeadlineAfter(5, TimeUnit.SECONDS);
        }

        Runnable emptyCall() {
            var health = HealthGrpc.newBlockingStub(channel);
            return () -> health.withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow();
            server.shutdown(Duration.ofSeconds(5));
        }
    }

    private static Served serve(App app, FinoraServer.Handlers handlers, String token) throws java.io.IOException {
        FinoraServer server = FinoraServer.create(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                app, handlers).start(Duration.ofSeconds(5));
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
                InsecureChannelCredentials.create()).build();
        return new Served(server, channel, token);
    }

    private Line measure(String name, Runnable call) throws InterruptedException {
        out.printf("Measuring %s...%n", name);
        var max = LoadGenerator.closedLoop(call, threads, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds));
        var half = LoadGenerator.fixedRate(call, threads, Math.max(1, max.qps() / 2), Duration.ofSeconds(seconds));
        return new Line(name, max, half);
    }

    private void print(List<Line> lines) {
        out.println();
        out.printf("%-48s | %10s %8s %8s | %10s %8s %8s | %s%n", "scenario", "max QPS", "p50 ms", "p99 ms",
                "half QPS", "p50 ms", "p99 ms", "errors");
        out.println("-".repeat(124));
        for (Line l : lines) {
            out.printf("%-48s | %10.0f %8.2f %8.2f | %10.0f %8.2f %8.2f | %d%n", l.scenario(), l.max().qps(),
                    l.max().p50Millis(), l.max().p99Millis(), l.half().qps(), l.half().p50Millis(),
                    l.half().p99Millis(), l.max().errors() + l.half().errors());
        }
        double ratio = lines.get(3).max().qps() / lines.get(2).max().qps() * 100;
        out.printf("%nQueryCosts reaches %.0f %% of the transport ceiling's QPS (goal >= 50 %%); "
                + "p99 at half load %.2f ms (goal <= 10 ms).%n", ratio, lines.get(3).half().p99Millis());
        out.printf("Virtual threads against platform threads: QueryCosts %.0f vs %.0f QPS, p99 at half load "
                + "%.2f vs %.2f ms.%n", lines.get(3).max().qps(), lines.get(1).max().qps(),
                lines.get(3).half().p99Millis(), lines.get(1).half().p99Millis());
        out.printf("Machine: %d cores, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
    }

    private static final String NAIVE = "select day, model_family, sum(amount_usd) from cost_line_item "
            + "where tenant_id = ? and day between ? and ? group by day, model_family order by day, model_family";

    private static void naiveGroupBy(Database db, DataLoader.Loaded target, LocalDate start) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement st = c.prepareStatement(NAIVE)) {
            st.setObject(1, target.tenantId());
            st.setObject(2, start);
            st.setObject(3, target.lastDay());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rs.getBigDecimal(3);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigDecimal naiveTotal(Database db, DataLoader.Loaded target, LocalDate start) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement("select sum(amount_usd) from cost_line_item "
                        + "where tenant_id = ? and day between ? and ?")) {
            st.setObject(1, target.tenantId());
            st.setObject(2, start);
            st.setObject(3, target.lastDay());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private static com.google.type.Date date(LocalDate d) {
        return com.google.type.Date.newBuilder().setYear(d.getYear()).setMonth(d.getMonthValue())
                .setDay(d.getDayOfMonth()).build();
    }

    private static CallCredentials bearer(String token) {
        Metadata.Key<String> key = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(key, "Bearer " + token);
                applier.apply(headers);
            }
        };
    }
}
