package finora.server.sync;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.SYNC_RUN;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.await;
import static finora.server.sync.SyncTestBed.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import finora.api.v1.Connection;
import finora.db.jooq.tables.records.ConnectionRecord;
import finora.db.jooq.tables.records.SyncRunRecord;
import finora.server.App;
import finora.server.auth.Plan;
import finora.server.sync.SyncRepository.Claim;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestApps;
import finora.sim.Fault;
import finora.sim.SimConfig;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scheduling, leases and replicas: several schedulers over one database, with a clock the test moves. */
class SyncSchedulerTest {
    /**
     * Threads of the test's own: on Java 25 CompletableFuture's default pool is the common pool, which has a
     * single worker on two cores, so two tasks that wait for each other would deadlock there.
     */
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private static final String COST_REPORT = "/v1/organizations/cost_report";
    private static final SimConfig SMALL_DAYS = SimConfig.defaults().withRowsPerDay(4);
    private static final Duration LEASE = TestApps.syncConfig("x").leaseDuration();

    private SyncTestBed bed;
    private final List<SyncScheduler> schedulers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        schedulers.forEach(s -> s.stop(Duration.ofSeconds(5)));
        if (bed != null) {
            bed.close();
        }
    }

    /** Another replica: its own scheduler over the same database and wiring. */
    private SyncScheduler replica(String id) {
        App app = bed.server.app();
        SyncScheduler scheduler =
                new SyncScheduler(app.dsl(), app.costSync(), TestApps.syncConfig(id), true, bed.clock);
        schedulers.add(scheduler);
        return scheduler;
    }

    @Test
    void claims_areExclusive_acrossConcurrentReplicas_untilTheLeaseExpires() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Set<UUID> due = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            due.add(bed.connect(Plan.TRIAL).id());
        }
        SyncScheduler a = replica("replica-a");
        SyncScheduler b = replica("replica-b");
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<List<Claim>> claimedByA = CompletableFuture.supplyAsync(() -> claimAll(a, together), threads);
        CompletableFuture<List<Claim>> claimedByB = CompletableFuture.supplyAsync(() -> claimAll(b, together), threads);
        List<Claim> all = new ArrayList<>(claimedByA.get(30, TimeUnit.SECONDS));
        all.addAll(claimedByB.get(30, TimeUnit.SECONDS));

        assertThat(all)
                .extracting(Claim::connectionId)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(due);
        for (Claim claim : all) {
            ConnectionRecord row = bed.connection(claim.connectionId());
            assertThat(row.getLeaseOwner()).isEqualTo(claim.replicaId());
            assertThat(row.getLeaseToken()).isEqualTo(claim.token());
            assertThat(row.getLeaseExpiresAt())
                    .isEqualTo(utc(bed.clock.instant().plus(LEASE)));
        }
        System.out.printf(
                "Concurrent claims: replica-a %d, replica-b %d%n",
                claimedByA.get().size(), claimedByB.get().size());

        assertThat(a.claim(100)).as("leases are live").isEmpty();
        bed.clock.advance(LEASE);
        assertThat(b.claim(100)).as("a lease that expired is free to claim").hasSize(due.size());
    }

    private static List<Claim> claimAll(SyncScheduler scheduler, CyclicBarrier together) {
        try {
            together.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<Claim> claimed = new ArrayList<>();
        for (List<Claim> batch = scheduler.claim(2); !batch.isEmpty(); batch = scheduler.claim(2)) {
            claimed.addAll(batch);
        }
        return claimed;
    }

    @Test
    void twoRunningReplicas_syncEachDueConnectionExactlyOncePerDuePeriod() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(bed.connect(Plan.TRIAL).id());
        }
        bed.sim.faults().onPath(COST_REPORT, Fault.delay(Duration.ofMillis(40))); // runs overlap in time
        replica("replica-a").start();
        replica("replica-b").start();

        await(
                "every connection synced once",
                Duration.ofSeconds(30),
                () -> succeededRuns() == ids.size()
                        && bed.dsl.fetchCount(CONNECTION, CONNECTION.LEASE_TOKEN.isNotNull()) == 0);
        Thread.sleep(200); // a few more polls: nothing is due, nothing may run
        assertRunsPerConnection(ids, 1);

        bed.clock.advance(Duration.ofHours(24));
        await(
                "every connection synced twice",
                Duration.ofSeconds(30),
                () -> succeededRuns() == 2 * ids.size()
                        && bed.dsl.fetchCount(CONNECTION, CONNECTION.LEASE_TOKEN.isNotNull()) == 0);
        Thread.sleep(200);
        assertRunsPerConnection(ids, 2);
        Map<String, Long> byReplica = bed.dsl.selectFrom(SYNC_RUN).fetch().stream()
                .collect(Collectors.groupingBy(SyncRunRecord::getReplicaId, Collectors.counting()));
        System.out.println("Runs by replica: " + byReplica);
        for (UUID id : ids) {
            bed.assertMatchesTruth(id, TODAY.plusDays(1).minusDays(7), TODAY.plusDays(1));
        }
    }

    private int succeededRuns() {
        return bed.dsl.fetchCount(SYNC_RUN, SYNC_RUN.OUTCOME.eq("SUCCEEDED"));
    }

    private void assertRunsPerConnection(List<UUID> ids, int expected) {
        for (UUID id : ids) {
            assertThat(bed.runs(id))
                    .as("runs of " + id)
                    .hasSize(expected)
                    .allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo("SUCCEEDED"));
        }
    }

    @Test
    void expiredLease_isTakenOverByAnotherReplica_andTheStalledReplicaCannotWriteAgain() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofMillis(2500))); // replica A stalls on page 2
        SyncScheduler a = replica("replica-a");
        SyncScheduler b = replica("replica-b");
        Claim claim = a.claim(1).get(0);
        CompletableFuture<CostSync.Result> stalled =
                CompletableFuture.supplyAsync(() -> bed.server.app().costSync().run(claim, () -> false), threads);
        await(
                "replica A waiting for page 2",
                Duration.ofSeconds(10),
                () -> bed.sim.faults().isEmpty());

        // While A holds a live lease: nobody else syncs, a refresh is refused, progress shows.
        assertThat(b.runDueNow()).isZero();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> bed.refresh(c));
        assertThat(GrpcErrors.reason(refused)).isEqualTo("SYNC_IN_PROGRESS");
        Connection running = bed.grpc(c);
        assertThat(running.getProgress().getDaysDone()).isEqualTo(31);
        assertThat(running.getProgress().getDaysTotal()).isEqualTo(90);
        assertThat(bed.grpcRuns(c).get(0).getOutcome().name()).isEqualTo("SYNC_OUTCOME_RUNNING");

        // A "dies": its lease runs out without renewal, and B takes over.
        bed.clock.advance(LEASE.plusSeconds(1));
        assertThat(b.runDueNow()).isEqualTo(1);
        CostSync.Result aResult = stalled.get(10, TimeUnit.SECONDS);
        assertThat(aResult.failure()).as("A's next write was fenced off").isEqualTo(SyncFailure.LEASE_LOST);
        assertThat(aResult.daysDone()).isEqualTo(31);

        List<SyncRunRecord> runs = bed.runs(c.id());
        assertThat(runs).hasSize(2);
        SyncRunRecord aRun = runs.stream()
                .filter(r -> r.getReplicaId().equals("replica-a"))
                .findFirst()
                .orElseThrow();
        SyncRunRecord bRun = runs.stream()
                .filter(r -> r.getReplicaId().equals("replica-b"))
                .findFirst()
                .orElseThrow();
        assertThat(aRun.getOutcome()).isEqualTo("FAILED");
        assertThat(aRun.getErrorReason()).isEqualTo("ABANDONED");
        assertThat(bRun.getOutcome()).isEqualTo("SUCCEEDED");
        assertThat(bRun.getWindowStart())
                .as("B continues after A's whole days")
                .isEqualTo(TODAY.minusDays(90).plusDays(31));
        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getLeaseToken()).isNull();
        assertThat(row.getLastSyncOutcome()).isEqualTo("SUCCEEDED");
        assertThat(row.getNextSyncAt()).isEqualTo(utc(bed.clock.instant().plus(Duration.ofHours(24))));
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(90), TODAY);
        bed.assertEveryStoredDayIsWhole(c.id());
    }

    @Test
    void stop_letsTheRunningSyncFinishItsDay_releasesTheLease_andAnotherReplicaContinues() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        OffsetDateTime due = bed.connection(c.id()).getNextSyncAt();
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofMillis(500)));
        SyncScheduler a = replica("replica-a");
        a.start();
        await(
                "replica A waiting for page 2",
                Duration.ofSeconds(10),
                () -> bed.sim.faults().isEmpty());

        a.stop(Duration.ofSeconds(5));

        SyncRunRecord stopped = bed.lastRun(c.id());
        assertThat(stopped.getOutcome()).isEqualTo("FAILED");
        assertThat(stopped.getErrorReason()).isEqualTo("STOPPED");
        assertThat(stopped.getDaysDone())
                .as("page 1, then the day in hand when the stop came")
                .isEqualTo(32);
        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getLeaseOwner()).isNull();
        assertThat(row.getLeaseToken()).isNull();
        assertThat(row.getNextSyncAt()).as("still due").isEqualTo(due);
        bed.assertEveryStoredDayIsWhole(c.id());

        assertThat(replica("replica-b").runDueNow())
                .as("no wait for a lease to expire")
                .isEqualTo(1);
        SyncRunRecord continued = bed.runs(c.id()).stream()
                .filter(r -> r.getReplicaId().equals("replica-b"))
                .findFirst()
                .orElseThrow(); // same clock reading as the stopped run: find it by replica
        assertThat(continued.getOutcome()).isEqualTo("SUCCEEDED");
        assertThat(continued.getWindowStart()).isEqualTo(TODAY.minusDays(90).plusDays(32));
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(90), TODAY);
    }

    @Test
    void stop_afterItsTimeout_interruptsTheSync_andReleasesTheLease() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofSeconds(5)));
        SyncScheduler a = replica("replica-a");
        a.start();
        await(
                "replica A waiting for page 2",
                Duration.ofSeconds(10),
                () -> bed.sim.faults().isEmpty());

        long start = System.nanoTime();
        a.stop(Duration.ofMillis(200));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).as("stop does not wait for the slow answer").isLessThan(4000);
        SyncRunRecord stopped = bed.lastRun(c.id());
        assertThat(stopped.getOutcome()).isEqualTo("FAILED");
        assertThat(stopped.getErrorReason()).isEqualTo("STOPPED");
        assertThat(stopped.getDaysDone()).isEqualTo(31);
        assertThat(bed.connection(c.id()).getLeaseToken()).isNull();
        bed.assertEveryStoredDayIsWhole(c.id());
    }

    @Test
    void nextSync_isOnePlanIntervalAfterTheRun_andAPlanChangeAppliesAtTheNextScheduling() throws Exception {
        bed = SyncTestBed.start(SimConfig.defaults().withRowsPerDay(2));
        Connected c = bed.connect(Plan.TRIAL);
        bed.syncDue();
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .isEqualTo(utc(bed.clock.instant()).plusHours(24));

        setPlan(c, Plan.ENTERPRISE);
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .as("unchanged until the next scheduling")
                .isEqualTo(utc(bed.clock.instant()).plusHours(24));
        bed.clock.advance(Duration.ofHours(24));
        assertThat(bed.syncDue()).isEqualTo(1);
        LocalDate today = TODAY.plusDays(1);
        assertThat(bed.lastRun(c.id()).getWindowStart())
                .as("the deeper backfill of the new plan")
                .isEqualTo(today.minusDays(730));
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .isEqualTo(utc(bed.clock.instant()).plusMinutes(15));
        bed.assertMatchesTruth(c.id(), today.minusDays(730), today);

        setPlan(c, Plan.SCALE);
        bed.clock.advance(Duration.ofMinutes(15));
        assertThat(bed.syncDue()).isEqualTo(1);
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .isEqualTo(utc(bed.clock.instant()).plusHours(1));
        bed.clock.advance(Duration.ofMinutes(59));
        assertThat(bed.syncDue()).as("not due before the interval").isZero();
        bed.clock.advance(Duration.ofMinutes(1));
        assertThat(bed.syncDue()).isEqualTo(1);
    }

    private void setPlan(Connected c, Plan plan) {
        bed.server.app().accounts().setPlan(c.tenant().id(), plan, "test");
    }

    @Test
    void syncDisabled_theSchedulerNeverClaims() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS, Map.of("FINORA_SYNC_ENABLED", "false"));
        Connected c = bed.connect(Plan.TRIAL);
        bed.server.app().scheduler().start();
        Thread.sleep(300); // fifteen polls' worth
        assertThat(bed.runs(c.id())).isEmpty();
        assertThat(bed.connection(c.id()).getLeaseOwner()).isNull();
    }

    @Test
    void startedScheduler_syncsARefreshedConnectionWithinAPoll() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.TRIAL);
        bed.server.app().scheduler().start();
        await(
                "the first sync",
                Duration.ofSeconds(10),
                () -> "SUCCEEDED".equals(bed.connection(c.id()).getLastSyncOutcome()));
        bed.clock.advance(Duration.ofMinutes(5));
        bed.refresh(c);
        await(
                "the manual sync",
                Duration.ofSeconds(10),
                () -> bed.runs(c.id()).size() == 2 && bed.connection(c.id()).getLeaseToken() == null);
        assertThat(bed.lastRun(c.id()).getTrigger()).isEqualTo("MANUAL");
        assertThat(Collections.frequency(
                        bed.runs(c.id()).stream().map(SyncRunRecord::getOutcome).toList(), "SUCCEEDED"))
                .isEqualTo(2);
    }
}
