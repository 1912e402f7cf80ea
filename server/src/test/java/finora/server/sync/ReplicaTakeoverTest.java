package finora.server.sync;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.SYNC_REPLICA;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import finora.db.jooq.tables.records.ConnectionRecord;
import finora.db.jooq.tables.records.SyncRunRecord;
import finora.server.App;
import finora.server.auth.Plan;
import finora.server.sync.SyncRepository.Claim;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.PostgresFixture;
import finora.server.testing.TestApps;
import finora.sim.Fault;
import finora.sim.SimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replica heartbeats (issue #15): a crashed replica's connection is synced by another replica within
 * 30 s, not when its 5-minute lease runs out; a live replica keeps its leases however slow its sync;
 * a replica that was taken over can never write again.
 */
class ReplicaTakeoverTest {
    private static final String COST_REPORT = "/v1/organizations/cost_report";
    private static final SimConfig SMALL_DAYS = SimConfig.defaults().withRowsPerDay(4);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<SyncScheduler> schedulers = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private SyncTestBed bed;

    @AfterEach
    void stop() throws Exception {
        schedulers.forEach(s -> s.stop(Duration.ofSeconds(5)));
        pools.forEach(HikariDataSource::close);
        threads.shutdownNow();
        if (bed != null) {
            bed.close();
        }
    }

    /** A replica of its own: its own pool over the test database, its own wiring, scheduler and session. */
    private App ownReplica(String id, SyncConfig sync) {
        return ownReplica(id, sync, TestApps.fastRetries(bed.server.app().config()));
    }

    private App ownReplica(String id, SyncConfig sync, finora.server.provider.anthropic.AnthropicClientConfig client) {
        PostgresFixture.TestDatabase db = bed.server.database();
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.jdbcUrl());
        cfg.setUsername(db.user());
        cfg.setPassword(db.password());
        cfg.setMaximumPoolSize(4);
        cfg.setConnectionTimeout(2000);
        HikariDataSource pool = new HikariDataSource(cfg);
        pools.add(pool);
        App app = TestApps.create(
                bed.server.app().config(),
                DSL.using(pool, SQLDialect.POSTGRES),
                pool,
                bed.clock,
                client,
                sync.withReplicaId(id));
        schedulers.add(app.scheduler());
        return app;
    }

    /** Another scheduler over the test server's wiring and pool. */
    private SyncScheduler replica(String id, SyncConfig sync) {
        App app = bed.server.app();
        SyncScheduler scheduler = new SyncScheduler(app.dsl(), app.costSync(), sync.withReplicaId(id), true, bed.clock);
        schedulers.add(scheduler);
        return scheduler;
    }

    @Test
    void killedReplica_midSync_isSyncedByTheOtherReplicaWithin30Seconds_withProductionTimings() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH); // 90 days: three pages of 31 days
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofSeconds(45))); // A hangs on page 2
        SyncConfig production = SyncConfig.defaults(); // poll 5 s, heartbeat every 3 s, expiring after 15 s
        App a = ownReplica("replica-a", production);
        a.scheduler().start();
        await(
                "replica A mid-sync, waiting for page 2",
                Duration.ofSeconds(20),
                () -> bed.sim.faults().isEmpty()
                        && bed.runs(c.id()).size() == 1
                        && bed.lastRun(c.id()).getDaysDone() == 31);
        SyncScheduler b = replica("replica-b", production);
        b.start();

        // kill -9 of A: its pool goes away with its process, its threads stop, nothing is released.
        long killed = System.nanoTime();
        pools.get(0).close();
        a.scheduler().halt();
        ConnectionRecord held = bed.connection(c.id());
        assertThat(held.getLeaseOwner())
                .as("the dead replica's lease is still there")
                .isEqualTo("replica-a");
        assertThat(held.getLeaseExpiresAt())
                .as("and 5 minutes from running out on the clock")
                .isAfter(SyncTestBed.utc(bed.clock.instant().plus(Duration.ofMinutes(4))));

        await(
                "replica B synced the connection",
                Duration.ofSeconds(30),
                () -> bed.runs(c.id()).stream()
                        .anyMatch(r -> "replica-b".equals(r.getReplicaId()) && "SUCCEEDED".equals(r.getOutcome())));
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("Takeover: replica B finished the killed replica's sync %.1f s after the kill%n", seconds);
        assertThat(seconds).isLessThan(30);

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
        assertThat(bRun.getWindowStart())
                .as("B continues after A's whole days")
                .isEqualTo(TODAY.minusDays(90).plusDays(31));
        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getLeaseToken()).isNull();
        assertThat(row.getLastSyncOutcome()).isEqualTo("SUCCEEDED");
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(90), TODAY);
        bed.assertEveryStoredDayIsWhole(c.id());
    }

    @Test
    void liveHeartbeat_keepsTheLease_longPastTheHeartbeatExpiry() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofMillis(2500)));
        SyncConfig fast = TestApps.syncConfig("x").withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(500));
        SyncScheduler a = replica("replica-a", fast);
        a.start();
        await(
                "replica A waiting for page 2",
                Duration.ofSeconds(10),
                () -> bed.sim.faults().isEmpty());
        SyncScheduler b = replica("replica-b", fast);
        b.start();

        Thread.sleep(1500); // three heartbeat expiries and 75 polls of B
        assertThat(bed.runs(c.id()))
                .as("B never claimed a live replica's connection")
                .hasSize(1);
        assertThat(bed.connection(c.id()).getLeaseOwner()).isEqualTo("replica-a");
        assertThat(bed.dsl.fetchCount(SYNC_REPLICA, SYNC_REPLICA.REPLICA_ID.in("replica-a", "replica-b")))
                .isEqualTo(2);

        await(
                "A's sync done",
                Duration.ofSeconds(10),
                () -> "SUCCEEDED".equals(bed.lastRun(c.id()).getOutcome()));
        assertThat(bed.runs(c.id()))
                .singleElement()
                .satisfies(r -> assertThat(r.getReplicaId()).isEqualTo("replica-a"));
        a.stop(Duration.ofSeconds(5));
        assertThat(bed.dsl.fetchCount(SYNC_REPLICA, SYNC_REPLICA.REPLICA_ID.eq("replica-a")))
                .as("a clean stop ends the session")
                .isZero();
    }

    @Test
    void staleHolder_whoseHeartbeatStopped_isTakenOver_andItsLateWriteIsRefused() throws Exception {
        bed = SyncTestBed.start(SMALL_DAYS);
        Connected c = bed.connect(Plan.GROWTH);
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ZERO));
        // A stalls on page 2, long enough for B to take over and finish even on a busy machine.
        bed.sim.faults().onPath(COST_REPORT, 1, Fault.delay(Duration.ofSeconds(20)));
        SyncConfig fast = TestApps.syncConfig("x").withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(500));
        // A claims and syncs without a heartbeat thread: it stops beating at once, as a replica cut
        // off from the database, frozen or paused would, while its sync still has page 2 in hand.
        // A's client waits out the slow answer (no 2 s timeout and retry), as a replica frozen mid-request would.
        var patient = TestApps.fastRetries(bed.server.app().config());
        App aApp = ownReplica(
                "replica-a",
                fast,
                new finora.server.provider.anthropic.AnthropicClientConfig(
                        patient.baseUrl(),
                        patient.connectTimeout(),
                        Duration.ofSeconds(40),
                        0,
                        patient.baseDelay(),
                        patient.maxDelay()));
        Claim claim = aApp.scheduler().claim(1).get(0);
        CompletableFuture<CostSync.Result> stale =
                CompletableFuture.supplyAsync(() -> aApp.costSync().run(claim, () -> false), threads);
        await(
                "replica A waiting for page 2",
                Duration.ofSeconds(10),
                () -> bed.sim.faults().isEmpty());

        SyncScheduler b = replica("replica-b", fast);
        b.start();
        await(
                "B took over and finished",
                Duration.ofSeconds(19),
                () -> bed.runs(c.id()).stream()
                        .anyMatch(r -> "replica-b".equals(r.getReplicaId()) && "SUCCEEDED".equals(r.getOutcome())));
        assertThat(stale.isDone()).as("A still waits for its page").isFalse();
        ConnectionRecord afterB = bed.connection(c.id());

        CostSync.Result late = stale.get(30, TimeUnit.SECONDS);
        assertThat(late.failure()).as("A's late write was fenced off").isEqualTo(SyncFailure.LEASE_LOST);
        assertThat(late.daysDone()).as("nothing of page 2 stored by A").isEqualTo(31);
        SyncRunRecord aRun = bed.runs(c.id()).stream()
                .filter(r -> r.getReplicaId().equals("replica-a"))
                .findFirst()
                .orElseThrow();
        assertThat(aRun.getOutcome()).isEqualTo("FAILED");
        assertThat(aRun.getErrorReason()).isEqualTo("ABANDONED");
        assertThat(aRun.getDaysDone()).isEqualTo(31);
        ConnectionRecord now = bed.connection(c.id());
        assertThat(now.getNextSyncAt()).as("A's end touched nothing of B's").isEqualTo(afterB.getNextSyncAt());
        assertThat(now.getLastSyncOutcome()).isEqualTo("SUCCEEDED");
        assertThat(bed.dsl.fetchCount(CONNECTION, CONNECTION.LEASE_TOKEN.isNotNull()))
                .isZero();
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(90), TODAY);
        bed.assertEveryStoredDayIsWhole(c.id());
    }
}
