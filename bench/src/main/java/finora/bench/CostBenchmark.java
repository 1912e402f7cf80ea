package finora.bench;

import com.google.protobuf.ByteString;
import finora.api.v1.CostDimension;
import finora.api.v1.CostFilter;
import finora.api.v1.CostOrder;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.TagFilter;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CostService benchmark: loads generated costs with COPY into an embedded PostgreSQL, starts the
 * real server on Netty, and drives it over real gRPC. Prints, side by side in one run: the transport
 * ceiling (an empty unary RPC); {@code QueryCosts} repeating one 365-day query (answered by the answer
 * cache after its first call: it measures the cache and the transport); distinct ~365-day queries
 * that never hit the cache (random tenants, ranges, groupings and filters: the rollups' real speed);
 * the Spend page's real mix for new ranges; and the naive {@code GROUP BY} over the raw line items.
 */
@Command(
        name = "finora-bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks QueryCosts (cached, cache-missing, the Spend page's mix) against the transport "
                + "ceiling and a naive GROUP BY.")
public final class CostBenchmark implements Callable<Integer> {
    @Option(names = "--tenants", defaultValue = "3", description = "Tenants loaded (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--days", defaultValue = "730", description = "Days per tenant (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(
            names = "--items-per-day",
            defaultValue = "1000",
            description = "Line items per tenant and day (default: ${DEFAULT-VALUE}).")
    int itemsPerDay;

    @Option(
            names = "--query-days",
            defaultValue = "365",
            description = "Days the measured QueryCosts spans (default: ${DEFAULT-VALUE}).")
    int queryDays;

    @Option(names = "--threads", defaultValue = "16", description = "Concurrent callers (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Seconds per measured run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "Warm-up seconds per scenario (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--per-grouping",
            defaultValue = "false",
            description = "Also measure the cache-miss queries one grouping at a time.")
    boolean perGrouping;

    @Option(
            names = "--explain",
            defaultValue = "false",
            description = "Print EXPLAIN ANALYZE of each grouping's query over the detail rollup and over the "
                    + "rollup QueryCosts now reads, then exit.")
    boolean explain;

    @Option(
            names = "--naive",
            defaultValue = "true",
            negatable = true,
            description = "Measure the naive GROUP BY over the raw rows (default: ${DEFAULT-VALUE}).")
    boolean naive;

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
    public record Line(String scenario, double rpcsPerCall, LoadGenerator.Result max, LoadGenerator.Result half) {
        /** RPCs per second at the maximum (a call may be several RPCs: a page load). */
        double rpcQps() {
            return max.qps() * rpcsPerCall;
        }
    }

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
        ServerConfig config =
                ServerConfig.fromEnv(Map.of("FINORA_DATA_DIR", dir.toString(), "FINORA_METRICS_PORT", "-1"));
        try (Database db = Database.open(EmbeddedPostgres.start(dir), Database.PoolSizes.of(config))) {
            App app = App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), Clock.systemUTC()));
            out.printf("Loading %d tenants x %d days x %d line items with COPY...%n", tenants, days, itemsPerDay);
            long loadStart = System.nanoTime();
            List<DataLoader.Loaded> loaded = new ArrayList<>();
            List<String> tokens = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                var tenant = app.accounts().createTenant("bench-" + t, Plan.ENTERPRISE);
                tokens.add(app.accounts()
                        .createToken(tenant.id(), Role.READER, "bench", "bench")
                        .token());
                loaded.add(DataLoader.load(db.dataSource(), tenant.id(), yesterday, days, itemsPerDay, t));
            }
            long rows = loaded.stream().mapToLong(DataLoader.Loaded::rows).sum();
            out.printf("Loaded %,d line items in %.1f s%n", rows, (System.nanoTime() - loadStart) / 1e9);

            DataLoader.Loaded target = loaded.get(0);
            int span = Math.min(queryDays, days);
            LocalDate start = target.lastDay().minusDays(span - 1L);
            if (explain) {
                try (Connection c = db.dataSource().getConnection()) {
                    c.createStatement().execute("VACUUM ANALYZE");
                    Plans.print(out, c, target.tenantId(), start, target.lastDay());
                }
                report = new Report(List.of(), true, rows);
                return 0;
            }
            QueryCostsRequest query = QueryCostsRequest.newBuilder()
                    .setStartDate(date(start))
                    .setEndDate(date(target.lastDay()))
                    .addGroupBy(CostDimension.COST_DIMENSION_DAY)
                    .addGroupBy(CostDimension.COST_DIMENSION_MODEL_FAMILY)
                    .build(); // the API's default page: 100 rows, as a grid loads them
            List<Line> lines = new ArrayList<>();
            boolean exact;
            // The server as it runs: virtual threads behind the call gate.
            try (Served served = serve(app, FinoraServer.Handlers.virtualThreads(config.concurrency()), tokens)) {
                var answer =
                        served.costs(0).withDeadlineAfter(2, TimeUnit.MINUTES).queryCosts(query); // cold caches
                BigDecimal queried = BigDecimal.valueOf(answer.getTotal().getUnits())
                        .add(BigDecimal.valueOf(answer.getTotal().getNanos(), 9));
                BigDecimal truth = naiveTotal(db, target, start);
                exact = queried.compareTo(truth) == 0;
                out.printf(
                        "QueryCosts total %s, SQL over raw rows %s: %s%n",
                        queried.toPlainString(), truth.toPlainString(), exact ? "exact" : "MISMATCH");
                Queries queries = new Queries(loaded, span, new Random(42));
                lines.add(measure("empty unary RPC (health Check): the ceiling", 1, served.emptyCall()));
                lines.add(measure(
                        "QueryCosts " + span + "d day x family, cached repeat",
                        1,
                        () -> served.costs(0).queryCosts(query)));
                lines.add(measure(
                        "QueryCosts distinct ~" + span + "d, cache miss",
                        1,
                        () -> served.costs(queries.tenantOf()).queryCosts(queries.next(Queries.Grouping.ANY))));
                if (perGrouping) {
                    for (Queries.Grouping g : Queries.Grouping.values()) {
                        if (g != Queries.Grouping.ANY) {
                            lines.add(measure(
                                    "  cache miss, " + g.label,
                                    1,
                                    () -> served.costs(queries.tenantOf()).queryCosts(queries.next(g))));
                        }
                    }
                }
                SpendPage page = new SpendPage(served, queries);
                page.load(); // learns how many RPCs one page load makes
                lines.add(measure(
                        "Spend page (summary + " + SpendPage.QUERIES + " QueryCosts), cache miss",
                        page.rpcs(),
                        page::load));
                if (naive) {
                    lines.add(measure(
                            "naive GROUP BY day x family, raw rows (JDBC)", 1, () -> naiveGroupBy(db, target, start)));
                }
                if (queries.repeats() > 0) {
                    out.printf(
                            "Note: %d distinct-query draws ran out of new combinations and repeated one.%n",
                            queries.repeats());
                }
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

    /**
     * Draws QueryCosts requests the server has not answered before (so its answer cache never
     * helps): a random tenant, a random range of {@code span - 30} to {@code span} days inside the
     * loaded history, one of the groupings the Spend page and dashboards ask for, and half the time
     * a filter on a model family, a model, a workspace or an API key.
     */
    static final class Queries {
        enum Grouping {
            ANY("any"),
            DAY_FAMILY("day x family", CostDimension.COST_DIMENSION_DAY, CostDimension.COST_DIMENSION_MODEL_FAMILY),
            DAY_WORKSPACE("day x workspace", CostDimension.COST_DIMENSION_DAY, CostDimension.COST_DIMENSION_WORKSPACE),
            MODEL("model", CostDimension.COST_DIMENSION_MODEL),
            MONTH_FAMILY(
                    "month x family", CostDimension.COST_DIMENSION_MONTH, CostDimension.COST_DIMENSION_MODEL_FAMILY),
            WEEK("week", CostDimension.COST_DIMENSION_WEEK);

            final String label;
            final List<CostDimension> dims;

            Grouping(String label, CostDimension... dims) {
                this.label = label;
                this.dims = List.of(dims);
            }
        }

        private final List<DataLoader.Loaded> tenants;
        private final int span;
        private final Random random;
        private final Set<ByteString> seen = ConcurrentHashMap.newKeySet();
        private final AtomicLong repeats = new AtomicLong();
        private final ThreadLocal<Integer> tenant = ThreadLocal.withInitial(() -> 0);

        Queries(List<DataLoader.Loaded> tenants, int span, Random random) {
            this.tenants = tenants;
            this.span = span;
            this.random = random;
        }

        /** The tenant of the request the calling thread draws next (drawn now). */
        int tenantOf() {
            int t;
            synchronized (random) {
                t = random.nextInt(tenants.size());
            }
            tenant.set(t);
            return t;
        }

        long repeats() {
            return repeats.get();
        }

        QueryCostsRequest next(Grouping grouping) {
            int t = tenant.get();
            for (int attempt = 0; ; attempt++) {
                QueryCostsRequest r;
                synchronized (random) {
                    r = draw(tenants.get(t), grouping);
                }
                ByteString key = r.toByteString().concat(ByteString.copyFromUtf8("@" + t));
                if (seen.add(key)) {
                    return r;
                }
                if (attempt > 10_000) {
                    repeats.incrementAndGet();
                    return r;
                }
            }
        }

        /** A new range (no filter) for the Spend page: the same draws, kept distinct per tenant. */
        QueryCostsRequest nextRange() {
            int t = tenant.get();
            for (int attempt = 0; ; attempt++) {
                QueryCostsRequest r;
                synchronized (random) {
                    r = draw(tenants.get(t), Grouping.DAY_FAMILY).toBuilder()
                            .clearFilter()
                            .clearGroupBy()
                            .build();
                }
                if (seen.add(r.toByteString().concat(ByteString.copyFromUtf8("@range" + t))) || attempt > 10_000) {
                    return r;
                }
            }
        }

        private QueryCostsRequest draw(DataLoader.Loaded loaded, Grouping grouping) {
            int available =
                    (int) (loaded.lastDay().toEpochDay() - loaded.firstDay().toEpochDay()) + 1;
            int length = Math.min(available, span - random.nextInt(Math.min(31, span)));
            LocalDate first = loaded.firstDay().plusDays(random.nextInt(available - length + 1));
            Grouping g = grouping != Grouping.ANY
                    ? grouping
                    : Grouping.values()[1 + random.nextInt(Grouping.values().length - 1)];
            QueryCostsRequest.Builder b = QueryCostsRequest.newBuilder()
                    .setStartDate(date(first))
                    .setEndDate(date(first.plusDays(length - 1L)))
                    .addAllGroupBy(g.dims);
            CostFilter.Builder f = CostFilter.newBuilder();
            switch (random.nextInt(8)) {
                case 0 -> f.addModelFamilies(DataLoader.MODELS[random.nextInt(DataLoader.MODELS.length)][1]);
                case 1 -> f.addModels(DataLoader.MODELS[random.nextInt(DataLoader.MODELS.length)][0]);
                case 2 ->
                    f.addTags(TagFilter.newBuilder()
                            .setKey("workspace")
                            .addValues(DataLoader.WORKSPACES[1 + random.nextInt(DataLoader.WORKSPACES.length - 1)]));
                case 3 ->
                    f.addTags(TagFilter.newBuilder().setKey("api_key").addValues("apikey_bench_" + random.nextInt(7)));
                default -> {} // half the queries: no filter
            }
            return b.setFilter(f).build();
        }
    }

    /**
     * One load of the admin UI's Spend page for a new range (so nothing is cached), as SpendView.load()
     * asks: GetSpendSummary, the chart's day x family rows (1,000-row pages, all of them), then the
     * first 50-row page of the by-day, by-model (family and model), by-workspace, by-API-key and
     * by-user grids. (The page also asks for today so far, corrections and anomalies: not measured.)
     */
    private static final class SpendPage {
        static final int QUERIES = 6;
        private final Served served;
        private final Queries queries;
        private final AtomicLong loads = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();

        SpendPage(Served served, Queries queries) {
            this.served = served;
            this.queries = queries;
        }

        double rpcs() {
            return (double) calls.get() / loads.get();
        }

        void load() {
            int t = queries.tenantOf();
            QueryCostsRequest range = queries.nextRange();
            var costs = served.costs(t);
            costs.getSpendSummary(GetSpendSummaryRequest.newBuilder()
                    .setStartDate(range.getStartDate())
                    .setEndDate(range.getEndDate())
                    .build());
            int rpcs = 1;
            QueryCostsRequest chart = range.toBuilder()
                    .addGroupBy(CostDimension.COST_DIMENSION_DAY)
                    .addGroupBy(CostDimension.COST_DIMENSION_MODEL_FAMILY)
                    .setOrderBy(CostOrder.COST_ORDER_DATE)
                    .setPageSize(1000)
                    .build();
            String pageToken = "";
            do {
                pageToken = costs.queryCosts(
                                chart.toBuilder().setPageToken(pageToken).build())
                        .getNextPageToken();
                rpcs++;
            } while (!pageToken.isEmpty());
            costs.queryCosts(grid(range, CostOrder.COST_ORDER_DATE, CostDimension.COST_DIMENSION_DAY));
            costs.queryCosts(grid(
                    range,
                    CostOrder.COST_ORDER_AMOUNT_DESC,
                    CostDimension.COST_DIMENSION_MODEL_FAMILY,
                    CostDimension.COST_DIMENSION_MODEL));
            costs.queryCosts(grid(range, CostOrder.COST_ORDER_AMOUNT_DESC, CostDimension.COST_DIMENSION_WORKSPACE));
            costs.queryCosts(grid(range, CostOrder.COST_ORDER_AMOUNT_DESC, CostDimension.COST_DIMENSION_API_KEY));
            costs.queryCosts(grid(range, CostOrder.COST_ORDER_AMOUNT_DESC, CostDimension.COST_DIMENSION_ACTOR));
            calls.addAndGet(rpcs + 5);
            loads.incrementAndGet();
        }

        private static QueryCostsRequest grid(QueryCostsRequest range, CostOrder order, CostDimension... dims) {
            return range.toBuilder()
                    .addAllGroupBy(List.of(dims))
                    .setOrderBy(order)
                    .setPageSize(500)
                    .build();
        }
    }

    /** A running server and a channel to it; closing stops both. */
    private record Served(FinoraServer server, ManagedChannel channel, List<String> tokens) implements AutoCloseable {
        CostServiceGrpc.CostServiceBlockingStub costs(int tenant) {
            return CostServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(bearer(tokens.get(tenant)))
                    .withDeadlineAfter(10, TimeUnit.SECONDS);
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

    private static Served serve(App app, FinoraServer.Handlers handlers, List<String> tokens)
            throws java.io.IOException {
        FinoraServer server = FinoraServer.create(
                        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), app, handlers)
                .start(Duration.ofSeconds(5));
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
        return new Served(server, channel, tokens);
    }

    private Line measure(String name, double rpcsPerCall, Runnable call) throws InterruptedException {
        out.printf("Measuring %s...%n", name);
        var max = LoadGenerator.closedLoop(call, threads, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds));
        var half = LoadGenerator.fixedRate(call, threads, Math.max(1, max.qps() / 2), Duration.ofSeconds(seconds));
        return new Line(name, rpcsPerCall, max, half);
    }

    private void print(List<Line> lines) {
        Line ceiling = lines.get(0);
        out.println();
        out.printf(
                "%-52s | %9s %7s %7s %7s | %9s %7s %7s | %s%n",
                "scenario", "max QPS", "% ceil", "p50 ms", "p99 ms", "half QPS", "p50 ms", "p99 ms", "errors");
        out.println("-".repeat(128));
        for (Line l : lines) {
            out.printf(
                    "%-52s | %9.0f %6.1f%% %7.2f %7.2f | %9.0f %7.2f %7.2f | %d%n",
                    l.scenario(),
                    l.max().qps(),
                    l.rpcQps() / ceiling.max().qps() * 100,
                    l.max().p50Millis(),
                    l.max().p99Millis(),
                    l.half().qps(),
                    l.half().p50Millis(),
                    l.half().p99Millis(),
                    l.max().errors() + l.half().errors());
        }
        Line miss = lines.get(2);
        out.printf(
                "%n%% ceil: RPCs per second against the empty RPC's (a Spend page load makes %.1f RPCs).%n",
                lines.stream()
                        .filter(l -> l.scenario().startsWith("Spend page"))
                        .findFirst()
                        .map(Line::rpcsPerCall)
                        .orElse(0.0));
        out.printf(
                "Cache-miss QueryCosts reach %.1f %% of the transport ceiling's QPS (goal >= 25 %%); "
                        + "p99 at half load %.2f ms (goal <= 20 ms).%n",
                miss.rpcQps() / ceiling.max().qps() * 100, miss.half().p99Millis());
        out.printf(
                "Machine: %d cores, %s %s; load average at the end %.2f%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }

    private static final String NAIVE = "select day, model_family, sum(amount_usd) from cost_line_item "
            + "where tenant_id = ? and day between ? and ? group by day, model_family order by day, model_family";

    private static void naiveGroupBy(Database db, DataLoader.Loaded target, LocalDate start) {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement(NAIVE)) {
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
        return com.google.type.Date.newBuilder()
                .setYear(d.getYear())
                .setMonth(d.getMonthValue())
                .setDay(d.getDayOfMonth())
                .build();
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
