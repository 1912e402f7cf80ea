package finora.server.sync;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.db.jooq.Tables.SYNC_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.Connection;
import finora.api.v1.CostDimension;
import finora.api.v1.CostRow;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.GetConnectionRequest;
import finora.api.v1.ListSyncRunsRequest;
import finora.api.v1.Provider;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.RefreshConnectionRequest;
import finora.api.v1.SyncRun;
import finora.db.jooq.tables.records.ConnectionRecord;
import finora.db.jooq.tables.records.SyncRunRecord;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.provider.anthropic.ModelName;
import finora.server.testing.MutableClock;
import finora.server.testing.TestServer;
import finora.sim.AnthropicSim;
import finora.sim.CostLineItem;
import finora.sim.CostTruth;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * A test server and anthropic-sim sharing one {@link MutableClock}, over a fresh database, with
 * helpers to connect, sync and compare what was stored with the simulator's truth.
 */
final class SyncTestBed implements AutoCloseable {
    /** The UTC day the clock starts on (10:00Z). */
    static final LocalDate TODAY = LocalDate.ofInstant(TestServer.START, ZoneOffset.UTC);

    final MutableClock clock = new MutableClock(TestServer.START);
    final AnthropicSim sim;
    final TestServer server;
    final DSLContext dsl;

    /** A connection and its tenant's admin token. */
    record Connected(UUID id, TestServer.Tenant tenant, String admin) {}

    private SyncTestBed(SimConfig simConfig, Function<String, String> baseUrl, Map<String, String> env)
            throws Exception {
        this.sim = AnthropicSim.start(0, simConfig.withClock(clock));
        Map<String, String> all = new HashMap<>(env);
        all.put("FINORA_ANTHROPIC_BASE_URL", baseUrl.apply(sim.baseUrl()));
        all.putIfAbsent("FINORA_OPENAI_BASE_URL", baseUrl.apply(sim.baseUrl())); // the simulator's OpenAI face
        this.server = TestServer.start(all, clock);
        this.dsl = server.database().dsl();
    }

    private SyncTestBed(SimConfig simConfig, Function<String, String> baseUrl) throws Exception {
        this(simConfig, baseUrl, Map.of());
    }

    /** Other simulated data and extra environment for the server. */
    static SyncTestBed start(SimConfig simConfig, Map<String, String> env) throws Exception {
        return new SyncTestBed(simConfig, url -> url, env);
    }

    /** The default simulated data (40 rows a day). */
    static SyncTestBed start() throws Exception {
        return new SyncTestBed(SimConfig.defaults(), url -> url);
    }

    /** Other simulated data, e.g. fewer rows a day for deep backfills. */
    static SyncTestBed start(SimConfig simConfig) throws Exception {
        return new SyncTestBed(simConfig, url -> url);
    }

    /** The server reaches the simulator through {@code proxy} (given the simulator's URL, returns the proxy's). */
    static SyncTestBed startBehind(SimConfig simConfig, Function<String, String> proxy) throws Exception {
        return new SyncTestBed(simConfig, proxy);
    }

    /** Connects organization A for a new tenant on {@code plan}, through gRPC; the first sync is due now. */
    Connected connect(Plan plan) {
        return connect(plan, SimKeys.ORG_A_ADMIN_KEY);
    }

    /** Connects an organization by its admin key for a new tenant on {@code plan}. */
    Connected connect(Plan plan, String key) {
        TestServer.Tenant tenant = server.tenant("tenant-" + UUID.randomUUID(), plan);
        String admin = server.token(tenant, Role.ADMIN);
        String id = server.integrations(admin)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey(key)
                        .build())
                .getConnection()
                .getConnectionId();
        return new Connected(UUID.fromString(id), tenant, admin);
    }

    /** Connects an OpenAI organization by its admin key for a new tenant on {@code plan}. */
    Connected connectOpenAi(Plan plan, String key) {
        TestServer.Tenant tenant = server.tenant("tenant-" + UUID.randomUUID(), plan);
        String admin = server.token(tenant, Role.ADMIN);
        return connectAlso(new Connected(null, tenant, admin), Provider.PROVIDER_OPENAI, key);
    }

    /** Connects one more organization of {@code provider} for the tenant of {@code c}, through gRPC. */
    Connected connectAlso(Connected c, Provider provider, String key) {
        String id = server.integrations(c.admin())
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(provider)
                        .setAdminApiKey(key)
                        .build())
                .getConnection()
                .getConnectionId();
        return new Connected(UUID.fromString(id), c.tenant(), c.admin());
    }

    /** Connects the organization of {@code key} again for the tenant of {@code c} (after a removal), through gRPC. */
    Connected reconnect(Connected c, String key) {
        String id = server.integrations(c.admin())
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey(key)
                        .build())
                .getConnection()
                .getConnectionId();
        return new Connected(UUID.fromString(id), c.tenant(), c.admin());
    }

    /** Removes a connection through gRPC (the history stays). */
    void remove(Connected c) {
        server.integrations(c.admin())
                .deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .build());
    }

    /**
     * QueryCosts through gRPC for [start, endExclusive) grouped by one dimension, all pages: the
     * USD amount per key ({@code key} reads the row's value of the dimension).
     */
    Map<String, BigDecimal> grpcCostsBy(
            Connected c, LocalDate start, LocalDate endExclusive, CostDimension dim, Function<CostRow, String> key) {
        Map<String, BigDecimal> result = new HashMap<>();
        String token = "";
        do {
            QueryCostsResponse page = server.costs(c.admin())
                    .queryCosts(QueryCostsRequest.newBuilder()
                            .setStartDate(date(start))
                            .setEndDate(date(endExclusive.minusDays(1)))
                            .addGroupBy(dim)
                            .setPageSize(1000)
                            .setPageToken(token)
                            .build());
            page.getRowsList().forEach(r -> result.merge(key.apply(r), usd(r.getAmount()), BigDecimal::add));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        result.replaceAll((k, v) -> v.stripTrailingZeros());
        return result;
    }

    /** The QueryCosts total through gRPC for [start, endExclusive). */
    BigDecimal grpcTotal(Connected c, LocalDate start, LocalDate endExclusive) {
        return usd(server.costs(c.admin())
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(endExclusive.minusDays(1)))
                        .build())
                .getTotal());
    }

    /**
     * Through gRPC, QueryCosts for [start, endExclusive) equals the simulator's truth for
     * organization A to the cent: the total and the sums by day, model family and workspace.
     */
    void assertGrpcMatchesTruth(Connected c, LocalDate start, LocalDate endExclusive) {
        CostTruth truth = sim.truth(SimKeys.ORG_A_ID, start, endExclusive);
        assertThat(grpcTotal(c, start, endExclusive)).as("total").isEqualByComparingTo(truth.totalUsd());
        Map<Object, BigDecimal> byDay = normalise(nonZero(truth.byDayUsd()));
        Map<Object, BigDecimal> byDayStrings = new HashMap<>();
        byDay.forEach((k, v) -> byDayStrings.put(k.toString(), v));
        assertThat(grpcCostsBy(
                        c,
                        start,
                        endExclusive,
                        CostDimension.COST_DIMENSION_DAY,
                        r -> LocalDate.of(
                                        r.getPeriodStart().getYear(),
                                        r.getPeriodStart().getMonth(),
                                        r.getPeriodStart().getDay())
                                .toString()))
                .as("by day")
                .isEqualTo(byDayStrings);
        assertThat(grpcCostsBy(
                        c, start, endExclusive, CostDimension.COST_DIMENSION_MODEL_FAMILY, CostRow::getModelFamily))
                .as("by model family")
                .isEqualTo(normalise(truth.sumUsdBy(
                        (CostLineItem i) -> ModelName.parse(i.model()).family())));
        Map<Object, BigDecimal> byWorkspace = new HashMap<>();
        normalise(truth.byWorkspaceUsd()).forEach((k, v) -> byWorkspace.put(k.equals("") ? "default" : k, v));
        assertThat(grpcCostsBy(c, start, endExclusive, CostDimension.COST_DIMENSION_WORKSPACE, CostRow::getWorkspaceId))
                .as("by workspace")
                .isEqualTo(byWorkspace);
    }

    static com.google.type.Date date(LocalDate d) {
        return com.google.type.Date.newBuilder()
                .setYear(d.getYear())
                .setMonth(d.getMonthValue())
                .setDay(d.getDayOfMonth())
                .build();
    }

    static BigDecimal usd(com.google.type.Money m) {
        return BigDecimal.valueOf(m.getUnits())
                .add(BigDecimal.valueOf(m.getNanos(), 9))
                .stripTrailingZeros();
    }

    /** Runs every due sync on the test server's scheduler, on this thread. */
    int syncDue() {
        return server.app().scheduler().runDueNow();
    }

    /** Makes a sync due now through RefreshConnection, as the UI's "Refresh now" does. */
    void refresh(Connected c) {
        server.integrations(c.admin())
                .refreshConnection(RefreshConnectionRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .build());
    }

    Connection grpc(Connected c) {
        return server.integrations(c.admin())
                .getConnection(GetConnectionRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .build())
                .getConnection();
    }

    List<SyncRun> grpcRuns(Connected c) {
        return server.integrations(c.admin())
                .listSyncRuns(ListSyncRunsRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .build())
                .getSyncRunsList();
    }

    /** The ledger (the organization's cost history) a connection feeds. */
    UUID ledger(UUID connectionId) {
        return connection(connectionId).getLedgerId();
    }

    ConnectionRecord connection(UUID id) {
        return dsl.fetchSingle(CONNECTION, CONNECTION.CONNECTION_ID.eq(id));
    }

    /** Runs of a connection, oldest first. */
    List<SyncRunRecord> runs(UUID id) {
        return dsl.selectFrom(SYNC_RUN)
                .where(SYNC_RUN.CONNECTION_ID.eq(id))
                .orderBy(SYNC_RUN.STARTED_AT, SYNC_RUN.SYNC_RUN_ID)
                .fetch();
    }

    /** The latest run; runs started at the same clock reading come in no particular order. */
    SyncRunRecord lastRun(UUID id) {
        List<SyncRunRecord> runs = runs(id);
        assertThat(runs).isNotEmpty();
        return runs.get(runs.size() - 1);
    }

    /** Stored day totals. */
    Map<LocalDate, BigDecimal> storedDays(UUID id) {
        Map<LocalDate, BigDecimal> days = new TreeMap<>();
        dsl.selectFrom(COST_DAY)
                .where(COST_DAY.LEDGER_ID.eq(ledger(id)))
                .forEach(r -> days.put(r.getDay(), r.getTotalUsd().stripTrailingZeros()));
        return days;
    }

    /** Stored day statuses. */
    Map<LocalDate, String> statuses(UUID id) {
        Map<LocalDate, String> days = new TreeMap<>();
        dsl.selectFrom(COST_DAY)
                .where(COST_DAY.LEDGER_ID.eq(ledger(id)))
                .forEach(r -> days.put(r.getDay(), r.getStatus()));
        return days;
    }

    /** Stored line-item USD summed by a column, over [start, endExclusive). */
    <K> Map<K, BigDecimal> storedBy(UUID id, Field<K> field, LocalDate start, LocalDate endExclusive) {
        Map<K, BigDecimal> result = new HashMap<>();
        dsl.select(field, DSL.sum(COST_LINE_ITEM.AMOUNT_USD))
                .from(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.LEDGER_ID.eq(ledger(id)))
                .and(COST_LINE_ITEM.DAY.ge(start))
                .and(COST_LINE_ITEM.DAY.lt(endExclusive))
                .groupBy(field)
                .forEach(r -> result.put(r.value1(), r.value2().stripTrailingZeros()));
        return result;
    }

    int lineItems(UUID id, LocalDate day) {
        return dsl.fetchCount(
                COST_LINE_ITEM, COST_LINE_ITEM.LEDGER_ID.eq(ledger(id)).and(COST_LINE_ITEM.DAY.eq(day)));
    }

    /**
     * What was stored for [start, endExclusive) equals the simulator's truth to the cent: days,
     * line items, and the sums by day, model, model family and workspace.
     */
    void assertMatchesTruth(UUID id, LocalDate start, LocalDate endExclusive) {
        CostTruth truth = sim.truth(SimKeys.ORG_A_ID, start, endExclusive);
        Map<LocalDate, BigDecimal> stored = storedDays(id);
        stored.keySet().removeIf(d -> d.isBefore(start) || !d.isBefore(endExclusive));
        assertThat(stored).as("cost_day totals").isEqualTo(normalise(truth.byDayUsd()));
        assertThat(storedBy(id, COST_LINE_ITEM.DAY, start, endExclusive))
                .as("line items by day")
                .isEqualTo(normalise(nonZero(truth.byDayUsd())));
        assertThat(storedBy(id, COST_LINE_ITEM.MODEL, start, endExclusive))
                .as("by model")
                .isEqualTo(normalise(truth.byModelUsd()));
        assertThat(storedBy(id, COST_LINE_ITEM.MODEL_FAMILY, start, endExclusive))
                .as("by model family")
                .isEqualTo(normalise(truth.sumUsdBy(
                        (CostLineItem i) -> ModelName.parse(i.model()).family())));
        assertThat(storedBy(id, COST_LINE_ITEM.MODEL_VERSION, start, endExclusive))
                .as("by model version")
                .isEqualTo(normalise(truth.sumUsdBy(
                        (CostLineItem i) -> ModelName.parse(i.model()).version())));
        assertThat(storedBy(id, COST_LINE_ITEM.WORKSPACE_ID, start, endExclusive))
                .as("by workspace")
                .isEqualTo(normalise(truth.byWorkspaceUsd()));
        assertThat(dsl.fetchCount(
                        COST_LINE_ITEM,
                        COST_LINE_ITEM
                                .LEDGER_ID
                                .eq(ledger(id))
                                .and(COST_LINE_ITEM.DAY.ge(start))
                                .and(COST_LINE_ITEM.DAY.lt(endExclusive))))
                .as("line items")
                .isEqualTo(truth.items().size());
    }

    /** Every stored day is whole: its line items sum to its total, which is the simulator's, row for row. */
    void assertEveryStoredDayIsWhole(UUID id) {
        Map<LocalDate, BigDecimal> stored = storedDays(id);
        for (Map.Entry<LocalDate, BigDecimal> day : stored.entrySet()) {
            CostTruth truth =
                    sim.truth(SimKeys.ORG_A_ID, day.getKey(), day.getKey().plusDays(1));
            assertThat(day.getValue()).as("total of " + day.getKey()).isEqualByComparingTo(truth.totalUsd());
            assertThat(lineItems(id, day.getKey()))
                    .as("line items of " + day.getKey())
                    .isEqualTo(truth.items().size());
        }
    }

    /** Values stripped of trailing zeros and null keys as '' (how the database stores "not given"). */
    static <K> Map<Object, BigDecimal> normalise(Map<K, BigDecimal> map) {
        Map<Object, BigDecimal> result = new HashMap<>();
        map.forEach((k, v) -> result.merge(k == null ? "" : k, v, BigDecimal::add));
        result.replaceAll((k, v) -> v.stripTrailingZeros());
        return result;
    }

    private static <K> Map<K, BigDecimal> nonZero(Map<K, BigDecimal> map) {
        Map<K, BigDecimal> result = new HashMap<>(map);
        result.values().removeIf(v -> v.signum() == 0);
        return result;
    }

    static Instant at(LocalDate day, int hour) {
        return day.atStartOfDay(ZoneOffset.UTC).plusHours(hour).toInstant();
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    /** Waits up to {@code timeout} (wall clock) for {@code condition}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        sim.close();
    }
}
