package finora.server.sync;

import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import finora.api.v1.Connection;
import finora.api.v1.ConnectionStatus;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.SyncOutcome;
import finora.api.v1.SyncRun;
import finora.api.v1.UpdateCredentialRequest;
import finora.db.jooq.tables.records.ConnectionRecord;
import finora.db.jooq.tables.records.SyncRunRecord;
import finora.server.App;
import finora.server.auth.Plan;
import finora.server.integration.ConnectionRepository;
import finora.server.provider.anthropic.AnthropicAdminClient;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestApps;
import finora.sim.Fault;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import io.grpc.StatusRuntimeException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a sync fails, and the state each must leave: what the connection and the run say, that
 * no day is stored by halves, and that the next run repairs what was missed.
 */
class SyncFailuresTest {
    /**
     * Threads of the test's own: on Java 25 CompletableFuture's default pool is the common pool, which has a
     * single worker on two cores, so two tasks that wait for each other would deadlock there.
     */
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private static final String COST_REPORT = "/v1/organizations/cost_report";
    /** GROWTH's 90-day window is three pages; the first holds its 31 oldest days. */
    private static final LocalDate WINDOW_START = TODAY.minusDays(90);

    private static final int FIRST_PAGE_DAYS = 31;
    /** Few rows a day: these tests are about what is stored when, not about volume. */
    private static final SimConfig SMALL_DAYS = SimConfig.defaults().withRowsPerDay(8);

    private SyncTestBed bed;
    private CursorRepeatingProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"revoke, KEY_REJECTED, 401", "removeAdminRole, KEY_FORBIDDEN, 403"})
    void rejectedKey_marksNeedsAttention_andStopsTheSchedule_untilTheKeyIsUpdated(
            String action, String reason, String status) throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        if (action.equals("revoke")) {
            bed.sim.keys().revoke(SimKeys.ORG_A_ADMIN_KEY);
        } else {
            bed.sim.keys().removeAdminRole(SimKeys.ORG_A_ADMIN_KEY);
        }

        assertThat(bed.syncDue()).isEqualTo(1);

        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getStatus()).isEqualTo(finora.db.types.ConnectionStatus.NEEDS_ATTENTION);
        assertThat(row.getStatusReason()).isEqualTo(reason);
        assertThat(row.getStatusDetail())
                .contains("HTTP " + status)
                .contains("fresh Admin key")
                .contains("Claude Console")
                .contains("Update")
                .doesNotContain(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(row.getNextSyncAt()).as("schedule stopped").isNull();
        assertThat(row.getLeaseToken()).isNull();
        SyncRunRecord run = bed.lastRun(c.id());
        assertThat(run.getOutcome()).isEqualTo("FAILED");
        assertThat(run.getErrorReason()).isEqualTo(reason);
        assertThat(run.getErrorDetail()).isEqualTo(row.getStatusDetail());

        Connection grpc = bed.grpc(c);
        assertThat(grpc.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_NEEDS_ATTENTION);
        assertThat(grpc.getStatusReason()).isEqualTo(reason);
        assertThat(grpc.getStatusDetail()).contains("Update");
        assertThat(grpc.hasNextSyncTime()).isFalse();
        assertThat(grpc.getLastSyncOutcome()).isEqualTo(SyncOutcome.SYNC_OUTCOME_FAILED);
        assertThat(bed.grpcRuns(c).get(0).getErrorReason()).isEqualTo(reason);
        assertThat(bed.grpcRuns(c).get(0).getError().getReason())
                .as("the run's ErrorInfo")
                .isEqualTo(reason);
        assertThat(bed.grpcRuns(c).get(0).getError().getDomain()).isEqualTo("finora.services");

        bed.clock.advance(Duration.ofDays(3));
        assertThat(bed.syncDue()).as("no sync while the key is refused").isZero();
        StatusRuntimeException refresh = assertThrows(StatusRuntimeException.class, () -> bed.refresh(c));
        assertThat(GrpcErrors.reason(refresh)).isEqualTo("KEY_REJECTED");

        // Update with a fresh key reactivates the connection and makes it due now.
        Connection updated = bed.server
                .integrations(c.admin())
                .updateCredential(UpdateCredentialRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .setAdminApiKey(SimKeys.ORG_A_SECOND_ADMIN_KEY)
                        .build())
                .getConnection();
        assertThat(updated.getStatus()).isEqualTo(ConnectionStatus.CONNECTION_STATUS_ACTIVE);
        assertThat(updated.getNextSyncTime().getSeconds())
                .isEqualTo(bed.clock.instant().getEpochSecond());
        assertThat(bed.syncDue()).isEqualTo(1);
        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");
        LocalDate today = TODAY.plusDays(3);
        bed.assertMatchesTruth(c.id(), today.minusDays(90), today);
    }

    static Stream<Arguments> unavailable() {
        return Stream.of(
                Arguments.of(Fault.serverError(), 500),
                Arguments.of(Fault.overloaded(), 529),
                Arguments.of(Fault.gatewayTimeout(), 504),
                Arguments.of(Fault.rateLimited(Duration.ZERO), 429));
    }

    @ParameterizedTest(name = "HTTP {1}")
    @MethodSource("unavailable")
    void providerUnavailable_afterTheRetries_failsTheRun_keepsWholeDays_andTheNextRunRepairs(Fault fault, int status)
            throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.requestLog().clear();
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO)); // the first page arrives
        bed.sim.faults().onPath(COST_REPORT, 4, fault); // the second fails on the first try and 3 retries

        bed.syncDue();

        assertThat(bed.sim.requestLog().forPath(COST_REPORT)).hasSize(1 + 4);
        SyncRunRecord run = assertFailedCleanly(c, "PROVIDER_UNAVAILABLE", FIRST_PAGE_DAYS);
        assertThat(run.getErrorDetail())
                .contains("HTTP " + status)
                .contains("after 4 tries")
                .doesNotContain(fault.message());
        assertNextRunRepairs(c, WINDOW_START.plusDays(FIRST_PAGE_DAYS));
    }

    @Test
    void timeouts_afterTheRetries_failTheRun() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.TRIAL);
        // A client that waits 200 ms for an answer, on the same database and wiring otherwise.
        App app = bed.server.app();
        var impatient = new AnthropicAdminClient(new AnthropicClientConfig(
                URI.create(bed.sim.baseUrl()),
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                2,
                Duration.ofMillis(5),
                Duration.ofMillis(20)));
        var sync = new CostSync(
                app.dsl(),
                new ConnectionRepository(),
                app.connections(),
                java.util.List.of(new finora.server.provider.anthropic.AnthropicCosts(impatient)),
                new SyncMetrics(new PrometheusRegistry()),
                bed.clock,
                Duration.ofMinutes(5));
        bed.sim.faults().onPath(COST_REPORT, 3, Fault.delay(Duration.ofMillis(700)));

        new SyncScheduler(app.dsl(), sync, TestApps.syncConfig("impatient"), true, bed.clock).runDueNow();

        SyncRunRecord run = assertFailedCleanly(c, "PROVIDER_UNAVAILABLE", 0);
        assertThat(run.getErrorDetail()).contains("did not answer").contains("Timeout");
        bed.clock.advance(Duration.ofHours(24));
        assertThat(bed.syncDue()).isEqualTo(1);
        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");
        bed.assertMatchesTruth(c.id(), TODAY.plusDays(1).minusDays(7), TODAY.plusDays(1));
    }

    @Test
    void aCredentialTheKeySetCannotDecrypt_marksNeedsAttentionWithCredentialUnreadable() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        // as if the key set had been replaced: the stored ciphertext no longer decrypts
        bed.dsl
                .update(finora.db.jooq.Tables.CREDENTIAL)
                .set(
                        finora.db.jooq.Tables.CREDENTIAL.CIPHERTEXT,
                        finora.server.crypto.CredentialCipher.ephemeral()
                                .encrypt("sk-ant-admin01-other", c.tenant().id(), c.id()))
                .where(finora.db.jooq.Tables.CREDENTIAL.CONNECTION_ID.eq(c.id()))
                .execute();

        bed.syncDue();

        var connection = bed.connection(c.id());
        assertThat(connection.getStatus()).isEqualTo(finora.db.types.ConnectionStatus.NEEDS_ATTENTION);
        assertThat(connection.getStatusReason()).isEqualTo("CREDENTIAL_UNREADABLE");
        assertThat(connection.getStatusDetail()).contains("key set").contains("Update");
        assertThat(bed.lastRun(c.id()).getErrorReason()).isEqualTo("CREDENTIAL_UNREADABLE");
        assertThat(bed.syncDue()).as("no retry every cycle").isZero();
    }

    @Test
    void malformedJson_failsTheRunCleanly_andTheNextRunRepairs() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.malformedJson());

        bed.syncDue();

        SyncRunRecord run = assertFailedCleanly(c, "BAD_RESPONSE", FIRST_PAGE_DAYS);
        assertThat(run.getErrorDetail()).contains("malformed JSON");
        assertNextRunRepairs(c, WINDOW_START.plusDays(FIRST_PAGE_DAYS));
    }

    @Test
    void repeatingNextPage_failsTheRunCleanly_andTheNextRunRepairs() throws Exception {
        proxy = new CursorRepeatingProxy();
        bed = SyncTestBed.startBehind(SMALL_DAYS, proxy::forward);
        Connected c = bed.connect(Plan.GROWTH);

        bed.syncDue();

        // Pages 1 and 2 arrived and were stored; page 2 pointed back at itself.
        SyncRunRecord run = assertFailedCleanly(c, "BAD_RESPONSE", 2 * FIRST_PAGE_DAYS);
        assertThat(run.getErrorDetail()).contains("repeated its paging cursor");
        assertThat(run.getPages()).isEqualTo(2);
        proxy.repeat = false;
        assertNextRunRepairs(c, WINDOW_START.plusDays(2 * FIRST_PAGE_DAYS));
    }

    @Test
    void connectionRemovedDuringTheSync_stopsItWithoutWritingMore_andKeepsTheHistory() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofMillis(700)));
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(bed::syncDue, threads);
        SyncTestBed.await(
                "page 2 asked for",
                Duration.ofSeconds(10),
                () -> bed.sim.faults().isEmpty());

        bed.server
                .integrations(c.admin())
                .deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(c.id().toString())
                        .build());
        assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(1);

        SyncRunRecord run = bed.lastRun(c.id());
        assertThat(run.getOutcome()).isEqualTo("FAILED");
        assertThat(run.getErrorReason()).isEqualTo("CONNECTION_REMOVED");
        assertThat(bed.storedDays(c.id())).as("history stays").hasSize(FIRST_PAGE_DAYS);
        bed.assertEveryStoredDayIsWhole(c.id());
        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getStatus()).isEqualTo(finora.db.types.ConnectionStatus.REMOVED);
        assertThat(row.getNextSyncAt()).isNull();
        assertThat(row.getLeaseToken()).isNull();
    }

    /** The run failed with {@code reason}; exactly the first {@code daysStored} days are stored, each whole. */
    private SyncRunRecord assertFailedCleanly(Connected c, String reason, int daysStored) {
        SyncRunRecord run = bed.lastRun(c.id());
        assertThat(run.getOutcome()).isEqualTo("FAILED");
        assertThat(run.getErrorReason()).isEqualTo(reason);
        assertThat(run.getEndedAt()).isNotNull();
        assertThat(run.getDaysDone()).isEqualTo(daysStored);
        assertThat(run.getErrorDetail())
                .doesNotContain(SimKeys.ORG_A_ADMIN_KEY)
                .doesNotContain("{")
                .contains("next sync fetches the rest");
        assertThat(bed.storedDays(c.id())).hasSize(daysStored);
        bed.assertEveryStoredDayIsWhole(c.id());

        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getStatus())
                .as("a provider failure needs no action")
                .isEqualTo(finora.db.types.ConnectionStatus.ACTIVE);
        assertThat(row.getLastSyncOutcome()).isEqualTo("FAILED");
        assertThat(row.getLeaseToken()).isNull();
        assertThat(row.getNextSyncAt())
                .as("retried within minutes, not after a plan interval")
                .isEqualTo(utc(bed.clock.instant()).plus(CostSync.RETRY_BASE));
        SyncRun grpc = bed.grpcRuns(c).get(0);
        assertThat(grpc.getOutcome()).isEqualTo(SyncOutcome.SYNC_OUTCOME_FAILED);
        assertThat(grpc.getErrorReason()).isEqualTo(reason);
        assertThat(bed.grpc(c).getLastSyncOutcome()).isEqualTo(SyncOutcome.SYNC_OUTCOME_FAILED);
        return run;
    }

    /**
     * The retry, minutes later, starts at the first day never stored (or earlier, for the deep
     * reconciliation the failed run did not finish) and completes the window.
     */
    private void assertNextRunRepairs(Connected c, LocalDate firstMissing) {
        bed.clock.advance(CostSync.RETRY_BASE);
        assertThat(bed.syncDue()).isEqualTo(1);
        SyncRunRecord repair = bed.lastRun(c.id());
        assertThat(repair.getOutcome()).isEqualTo("SUCCEEDED");
        // The failed run finished neither the daily (35 days) nor the monthly (October) re-check.
        LocalDate reconciled = TODAY.withDayOfMonth(1).minusMonths(1);
        assertThat(repair.getWindowStart()).isEqualTo(firstMissing.isBefore(reconciled) ? firstMissing : reconciled);
        LocalDate today = TODAY;
        bed.assertMatchesTruth(c.id(), today.minusDays(90), today);
        bed.assertEveryStoredDayIsWhole(c.id());
    }
}
