package finora.server.cost;

import static finora.server.testing.GrpcErrors.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportCostsResponse;
import finora.api.v1.ExportFormat;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.WhoAmIRequest;
import finora.server.App;
import finora.server.FinoraServer;
import finora.server.ServerConfig;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.grpc.ServerTransport;
import finora.server.testing.PostgresFixture;
import finora.server.testing.TestApps;
import finora.server.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * ExportCosts cannot hold the server hostage: stalled readers are cut after the stall timeout and
 * give their connections back, exports run on a pool of their own and within per-tenant and overall
 * limits, and their query is bounded by a statement timeout. Over a real Netty server and real HTTP/2
 * flow control: the stalled clients ask for one message and never read on.
 */
class ExportLimitsTest {
    private static final LocalDate FIRST = LocalDate.of(2026, 9, 1);
    private static final ExportCostsRequest EXPORT = ExportCostsRequest.newBuilder()
            .setFormat(ExportFormat.EXPORT_FORMAT_CSV)
            .setStartDate(
                    com.google.type.Date.newBuilder().setYear(2026).setMonth(9).setDay(1))
            .setEndDate(
                    com.google.type.Date.newBuilder().setYear(2026).setMonth(10).setDay(30))
            .build();

    @Test
    void tenStalledExports_leaveEveryOtherRpcWorking_andAreCutAfterTheStallTimeout() throws Exception {
        try (Harness h = new Harness(
                Map.of(
                        "FINORA_EXPORT_MAX_CONCURRENT",
                        "10",
                        "FINORA_EXPORT_MAX_PER_TENANT",
                        "10",
                        "FINORA_EXPORT_STALL_TIMEOUT_SECONDS",
                        "2"),
                1)) {
            String token = h.tokens.get(0);
            List<Stalled> stalled = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                stalled.add(h.stalledExport(token));
            }
            await(() -> h.app.exports().running() == 10, Duration.ofSeconds(10), "10 exports running");
            Thread.sleep(300); // they are now blocked on flow control, each holding an export connection
            assertThat(h.exportPool.getHikariPoolMXBean().getActiveConnections())
                    .isEqualTo(10);

            // Every other RPC works meanwhile, quickly: they use the main pool, which the exports never touch.
            long t0 = System.nanoTime();
            var costs = h.costs(token);
            assertThat(costs.queryCosts(QueryCostsRequest.newBuilder()
                                    .setStartDate(EXPORT.getStartDate())
                                    .setEndDate(EXPORT.getEndDate())
                                    .build())
                            .getTotalRows())
                    .isPositive();
            costs.getSpendSummary(GetSpendSummaryRequest.newBuilder()
                    .setStartDate(EXPORT.getStartDate())
                    .setEndDate(EXPORT.getEndDate())
                    .build());
            IntegrationServiceGrpc.newBlockingStub(h.channel)
                    .withCallCredentials(TestServer.bearer(token))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .listConnections(ListConnectionsRequest.getDefaultInstance());
            AuthServiceGrpc.newBlockingStub(h.channel)
                    .withCallCredentials(TestServer.bearer(token))
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .whoAmI(WhoAmIRequest.getDefaultInstance());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            // An eleventh export is refused at once rather than queued behind the stalled ones.
            var busy = assertThatThrownBy(() -> drain(h.costs(token).exportCosts(EXPORT)))
                    .isInstanceOf(StatusRuntimeException.class)
                    .actual();
            assertThat(reason((StatusRuntimeException) busy)).isEqualTo("EXPORTS_BUSY");

            // After the stall timeout every stalled export is cut and its connection is back.
            await(() -> h.app.exports().running() == 0, Duration.ofSeconds(10), "stalled exports cut");
            await(
                    () -> h.exportPool.getHikariPoolMXBean().getActiveConnections() == 0,
                    Duration.ofSeconds(5),
                    "export connections returned");
            assertThat(h.exportLines(token)).as("a full export works again").isEqualTo(h.seededRows + 1);
            // A stalled client that finally reads gets what was sent, then the reason.
            Stalled first = stalled.get(0);
            first.call.request(Integer.MAX_VALUE);
            Status status = first.closed.get(10, TimeUnit.SECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(reason(status.asRuntimeException(first.trailers))).isEqualTo("EXPORT_STALLED");
            stalled.forEach(s -> s.call.cancel("done", null));
        }
    }

    @Test
    void exportsOverTheTenantOrReplicaLimit_areRefusedWithExportsBusyAndRetryInfo() throws Exception {
        try (Harness h =
                new Harness(Map.of("FINORA_EXPORT_MAX_CONCURRENT", "2", "FINORA_EXPORT_MAX_PER_TENANT", "1"), 3)) {
            Stalled a = h.stalledExport(h.tokens.get(0));
            await(() -> h.app.exports().running() == 1, Duration.ofSeconds(10), "A's export running");
            StatusRuntimeException tenantFull = refused(h, h.tokens.get(0));
            assertThat(tenantFull.getStatus().getDescription()).contains("Your organization already has 1 export");

            Stalled b = h.stalledExport(h.tokens.get(1));
            await(() -> h.app.exports().running() == 2, Duration.ofSeconds(10), "B's export running");
            StatusRuntimeException replicaFull = refused(h, h.tokens.get(2));
            assertThat(replicaFull.getStatus().getDescription()).contains("as many exports as it allows (2)");

            // A client that cancels frees its place at once.
            a.call.cancel("user gave up", null);
            b.call.cancel("user gave up", null);
            await(() -> h.app.exports().running() == 0, Duration.ofSeconds(5), "cancelled exports end");
            assertThat(h.exportLines(h.tokens.get(2))).isEqualTo(1); // tenant C has no costs: the header only
        }
    }

    @Test
    void exportQuery_isBoundedByTheStatementTimeout() throws Exception {
        try (Harness h = new Harness(Map.of("FINORA_EXPORT_STATEMENT_TIMEOUT_SECONDS", "1"), 1);
                Connection locker = h.db.dataSource().getConnection();
                Statement st = locker.createStatement()) {
            locker.setAutoCommit(false);
            st.execute("LOCK TABLE cost_line_item IN ACCESS EXCLUSIVE MODE"); // the export's query now waits
            long t0 = System.nanoTime();
            var e = assertThatThrownBy(() -> drain(h.costs(h.tokens.get(0)).exportCosts(EXPORT)))
                    .isInstanceOf(StatusRuntimeException.class)
                    .actual();
            assertThat(reason((StatusRuntimeException) e)).isEqualTo("EXPORT_TIMEOUT");
            assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            locker.rollback();
            assertThat(h.app.exports().running()).isZero();
            assertThat(h.exportLines(h.tokens.get(0))).isEqualTo(h.seededRows + 1);
        }
    }

    private static StatusRuntimeException refused(Harness h, String token) {
        var thrown = assertThatThrownBy(() -> drain(h.costs(token).exportCosts(EXPORT)))
                .isInstanceOf(StatusRuntimeException.class)
                .actual();
        StatusRuntimeException e = (StatusRuntimeException) thrown;
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(reason(e)).isEqualTo("EXPORTS_BUSY");
        RetryInfo retry = StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(d -> d.is(RetryInfo.class))
                .map(d -> {
                    try {
                        return d.unpack(RetryInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                })
                .findFirst()
                .orElseThrow();
        assertThat(retry.getRetryDelay().getSeconds()).isPositive();
        return e;
    }

    private static int drain(java.util.Iterator<ExportCostsResponse> it) {
        int n = 0;
        while (it.hasNext()) {
            n += it.next().getRows();
        }
        return n;
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** An export whose client asked for one message and reads no further. */
    private record Stalled(
            ManagedChannel channel,
            ClientCall<ExportCostsRequest, ExportCostsResponse> call,
            CompletableFuture<Status> closed,
            Metadata trailers) {}

    /** The real wiring on Netty (ephemeral port) over a fresh database, exports on a pool of their own. */
    private static final class Harness implements AutoCloseable {
        final PostgresFixture.TestDatabase db = PostgresFixture.newDatabase();
        final HikariDataSource exportPool;
        final App app;
        final FinoraServer server;
        final ManagedChannel channel;
        final List<String> tokens = new ArrayList<>();
        final List<ManagedChannel> stalledChannels = new ArrayList<>();
        int seededRows;

        Harness(Map<String, String> env, int tenants) throws Exception {
            Map<String, String> all = new HashMap<>(env);
            all.put("FINORA_GRPC_PORT", "0");
            all.put("FINORA_METRICS_PORT", "-1");
            ServerConfig config = ServerConfig.fromEnv(all);
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(db.jdbcUrl());
            cfg.setUsername(db.user());
            cfg.setPassword(db.password());
            cfg.setMaximumPoolSize(config.exports().poolSize());
            cfg.setPoolName("test-export");
            exportPool = new HikariDataSource(cfg);
            app = TestApps.create(
                    config,
                    db.dsl(),
                    db.dataSource(),
                    exportPool,
                    Clock.systemUTC(),
                    TestApps.fastRetries(config),
                    TestApps.syncConfig("test"));
            CostSeeder seeder = new CostSeeder(db.dsl(), 7);
            for (int t = 0; t < tenants; t++) {
                var tenant = app.accounts().createTenant("t" + t, Plan.SCALE);
                tokens.add(app.accounts()
                        .createToken(tenant.id(), Role.READER, "exports", "test")
                        .token());
                if (t < 2) {
                    UUID ledger = seeder.connection(tenant.id(), "org-" + t, "Org " + t);
                    seeder.days(tenant.id(), ledger, FIRST, 60, FIRST.plusDays(50)); // ~300 KB of CSV
                }
            }
            seededRows = (int) seeder.items.stream()
                    .filter(i -> i.tenant().equals(app.accounts().tenant("t0").id()))
                    .count();
            server = FinoraServer.create(ServerTransport.builder(config), app).start(Duration.ofHours(1));
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
        }

        CostServiceGrpc.CostServiceBlockingStub costs(String token) {
            return CostServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(TestServer.bearer(token))
                    .withDeadlineAfter(10, TimeUnit.SECONDS);
        }

        /** Lines of a complete CSV export (the header included). */
        int exportLines(String token) {
            StringBuilder csv = new StringBuilder();
            costs(token)
                    .exportCosts(EXPORT)
                    .forEachRemaining(r -> csv.append(r.getData().toStringUtf8()));
            return csv.toString().split("\r\n").length;
        }

        /** Starts an export on a connection of its own with a small HTTP/2 window, reads one message, then none. */
        Stalled stalledExport(String token) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .flowControlWindow(16 * 1024)
                    .build();
            stalledChannels.add(ch);
            var call = ch.newCall(
                    CostServiceGrpc.getExportCostsMethod(),
                    CallOptions.DEFAULT.withCallCredentials(TestServer.bearer(token)));
            CompletableFuture<Status> closed = new CompletableFuture<>();
            Metadata trailers = new Metadata();
            call.start(
                    new ClientCall.Listener<>() {
                        @Override
                        public void onClose(Status status, Metadata t) {
                            trailers.merge(t);
                            closed.complete(status);
                        }
                    },
                    new Metadata());
            call.sendMessage(EXPORT);
            call.halfClose();
            call.request(1);
            return new Stalled(ch, call, closed, trailers);
        }

        @Override
        public void close() throws Exception {
            stalledChannels.forEach(ManagedChannel::shutdownNow);
            channel.shutdownNow();
            server.shutdown(Duration.ofSeconds(2));
            exportPool.close();
            db.close();
        }
    }
}
