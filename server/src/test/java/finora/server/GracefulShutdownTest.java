package finora.server;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.SYNC_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportCostsResponse;
import finora.api.v1.ExportFormat;
import finora.api.v1.Provider;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.MutableClock;
import finora.server.testing.TestServer;
import finora.sim.AnthropicSim;
import finora.sim.Fault;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The shutdown sequence ends within its budget even while a sync waits on a slow Anthropic answer
 * and an export's client has stopped reading; each phase runs in order and leaves nothing held.
 */
class GracefulShutdownTest {
    private static final String COST_REPORT = "/v1/organizations/cost_report";

    @Test
    void shutdown_withARunningSyncAndAStalledExport_endsWithinItsBudget() throws Exception {
        MutableClock clock = new MutableClock(TestServer.START);
        Duration budget = Duration.ofSeconds(5);
        try (AnthropicSim sim = AnthropicSim.start(0, SimConfig.defaults().withClock(clock));
                TestServer server = TestServer.start(
                        Map.of(
                                "FINORA_ANTHROPIC_BASE_URL",
                                sim.baseUrl(),
                                "FINORA_EXPORT_STALL_TIMEOUT_SECONDS",
                                "600"),
                        clock)) {
            App app = server.app();
            TestServer.Tenant tenant = server.tenant("shutdown", Plan.GROWTH);
            String admin = server.token(tenant, Role.ADMIN);
            UUID connection = UUID.fromString(server.integrations(admin)
                    .connectProvider(ConnectProviderRequest.newBuilder()
                            .setProvider(Provider.PROVIDER_ANTHROPIC)
                            .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                            .build())
                    .getConnection()
                    .getConnectionId());
            // The first sync stores its first page (31 days), then waits on a page that takes 60 s.
            sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
            sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofSeconds(60)));
            app.scheduler().start();
            await(() -> sim.faults().isEmpty(), "the sync waiting for page 2");

            // An export whose client takes one message and reads no further.
            var call = server.channel()
                    .newCall(
                            CostServiceGrpc.getExportCostsMethod(),
                            CallOptions.DEFAULT.withCallCredentials(TestServer.bearer(admin)));
            CompletableFuture<Status> exportClosed = new CompletableFuture<>();
            call.start(
                    new ClientCall.Listener<ExportCostsResponse>() {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            exportClosed.complete(status);
                        }
                    },
                    new Metadata());
            call.sendMessage(ExportCostsRequest.newBuilder()
                    .setFormat(ExportFormat.EXPORT_FORMAT_CSV)
                    .setStartDate(com.google.type.Date.newBuilder()
                            .setYear(2026)
                            .setMonth(8)
                            .setDay(1))
                    .setEndDate(com.google.type.Date.newBuilder()
                            .setYear(2026)
                            .setMonth(11)
                            .setDay(24))
                    .build());
            call.halfClose();
            call.request(1);
            await(() -> app.exports().running() == 1, "the export running");
            Thread.sleep(200); // blocked on flow control now
            assertThat(exportClosed).isNotDone();

            AtomicLong databaseClosedAt = new AtomicLong();
            long start = System.nanoTime();
            List<GracefulShutdown.Phase> phases = new GracefulShutdown(
                            budget, server.server(), app.scheduler(), () -> databaseClosedAt.set(System.nanoTime()))
                    .run();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("the whole shutdown").isLessThan(budget.plusMillis(250));
            assertThat(phases)
                    .extracting(GracefulShutdown.Phase::name)
                    .containsExactly(
                            "health NOT_SERVING", "syncs stopped", "gRPC server stopped", "pools and database closed");
            assertThat(databaseClosedAt.get()).as("the database closes last").isPositive();
            // The sync was stopped and gave its lease back for another replica.
            var run = server.database()
                    .dsl()
                    .selectFrom(SYNC_RUN)
                    .where(SYNC_RUN.CONNECTION_ID.eq(connection))
                    .orderBy(SYNC_RUN.STARTED_AT.desc())
                    .limit(1)
                    .fetchOne();
            assertThat(run.getOutcome()).isEqualTo("FAILED");
            assertThat(run.getErrorReason()).isEqualTo("STOPPED");
            assertThat(server.database()
                            .dsl()
                            .fetchOne(CONNECTION, CONNECTION.CONNECTION_ID.eq(connection))
                            .getLeaseToken())
                    .isNull();
            // The stalled export was cancelled and its transaction ended.
            assertThat(exportClosed.get(2, TimeUnit.SECONDS).isOk()).isFalse();
            assertThat(app.exports().running()).isZero();
            System.out.printf(
                    "Shutdown with a stalled export and a running sync: %d ms of %d ms; phases %s%n",
                    took.toMillis(), budget.toMillis(), phases);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
