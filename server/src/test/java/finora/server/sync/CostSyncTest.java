package finora.server.sync;

import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_RESTATEMENT;
import static finora.db.jooq.Tables.WORKSPACE;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.at;
import static finora.server.sync.SyncTestBed.utc;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.Connection;
import finora.api.v1.SyncOutcome;
import finora.api.v1.SyncRun;
import finora.db.jooq.tables.records.ConnectionRecord;
import finora.db.jooq.tables.records.CostRestatementRecord;
import finora.db.jooq.tables.records.SyncRunRecord;
import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.PostgresFixture;
import finora.sim.RecordedRequest;
import finora.sim.Restatement;
import finora.sim.SimKeys;
import finora.sim.SimWorkspace;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One sync of a connection against anthropic-sim and a real PostgreSQL, on a clock shared by both. */
class CostSyncTest {
    private SyncTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = SyncTestBed.start();
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    @Test
    void backfill_matchesTheSimulatorToTheCent_byDayModelFamilyAndWorkspace() {
        Connected c = bed.connect(Plan.GROWTH);
        LocalDate start = TODAY.minusDays(90);

        assertThat(bed.syncDue()).isEqualTo(1);

        bed.assertMatchesTruth(c.id(), start, TODAY);
        assertThat(bed.storedDays(c.id()))
                .hasSize(90)
                .containsOnlyKeys(start.datesUntil(TODAY).toList().toArray(LocalDate[]::new));
        SyncRunRecord run = bed.lastRun(c.id());
        assertThat(run.getOutcome()).isEqualTo("SUCCEEDED");
        assertThat(run.getTrigger()).isEqualTo("CONNECT");
        assertThat(run.getWindowStart()).isEqualTo(start);
        assertThat(run.getWindowEnd()).isEqualTo(TODAY.minusDays(1));
        assertThat(run.getPages()).as("31 days a page").isEqualTo(3);
        assertThat(run.getDaysDone()).isEqualTo(90);
        assertThat(run.getDaysTotal()).isEqualTo(90);
        assertThat(run.getRowsWritten())
                .isEqualTo(bed.sim.truth(SimKeys.ORG_A_ID, start, TODAY).items().size());
        assertThat(run.getReplicaId()).isEqualTo("test-replica");
        assertThat(run.getErrorReason()).isNull();

        ConnectionRecord row = bed.connection(c.id());
        assertThat(row.getLastSyncOutcome()).isEqualTo("SUCCEEDED");
        assertThat(row.getLeaseOwner()).isNull();
        assertThat(row.getLeaseToken()).isNull();
        assertThat(row.getLeaseExpiresAt()).isNull();
        assertThat(row.getNextSyncAt())
                .as("GROWTH: 24 h after the end")
                .isEqualTo(utc(bed.clock.instant().plus(Duration.ofHours(24))));

        // Archived workspaces keep their names; the Default workspace is ''.
        Map<String, String> names = new HashMap<>();
        bed.dsl
                .selectFrom(WORKSPACE)
                .where(WORKSPACE.LEDGER_ID.eq(bed.ledger(c.id())))
                .forEach(w -> names.put(w.getWorkspaceId(), w.getName()));
        Map<String, String> expected = new HashMap<>();
        expected.put("", "Default");
        for (SimWorkspace w : bed.sim.workspaces(SimKeys.ORG_A_ID)) {
            expected.put(w.id(), w.name());
        }
        assertThat(names).isEqualTo(expected);
        assertThat(bed.sim.workspaces(SimKeys.ORG_A_ID)).anyMatch(SimWorkspace::archived);

        // What the UI reads.
        Connection grpc = bed.grpc(c);
        assertThat(grpc.getLastSyncOutcome()).isEqualTo(SyncOutcome.SYNC_OUTCOME_SUCCEEDED);
        assertThat(grpc.getLastSyncTime().getSeconds())
                .isEqualTo(bed.clock.instant().getEpochSecond());
        assertThat(grpc.getNextSyncTime().getSeconds())
                .isEqualTo(bed.clock.instant().plus(Duration.ofHours(24)).getEpochSecond());
        assertThat(grpc.getCompleteThrough().getDay())
                .isEqualTo(TODAY.minusDays(1).getDayOfMonth());
        assertThat(grpc.hasProgress()).isFalse();
        List<SyncRun> runs = bed.grpcRuns(c);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).getOutcome()).isEqualTo(SyncOutcome.SYNC_OUTCOME_SUCCEEDED);
        assertThat(runs.get(0).getProgress().getDaysDone()).isEqualTo(90);
        assertThat(runs.get(0).getRows()).isEqualTo(run.getRowsWritten());
    }

    @Test
    void today_isNeverFetchedNorStored() {
        Connected c = bed.connect(Plan.TRIAL);
        bed.syncDue();
        bed.clock.set(at(TODAY.plusDays(1), 0).plusSeconds(1)); // just after midnight
        bed.refresh(c);
        bed.syncDue();

        List<RecordedRequest> reports = bed.sim.requestLog().forPath("/v1/organizations/cost_report").stream()
                .filter(r -> "31".equals(r.parameter("limit"))) // the syncs' requests, not the key check's
                .toList();
        assertThat(reports).hasSize(2);
        for (RecordedRequest r : reports) {
            LocalDate day = LocalDate.ofInstant(r.receivedAt(), ZoneOffset.UTC);
            assertThat(r.parameter("ending_at"))
                    .as("ending_at of a request on " + day)
                    .isEqualTo(day.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
        }
        LocalDate newToday = TODAY.plusDays(1);
        assertThat(bed.storedDays(c.id()))
                .containsKey(TODAY)
                .doesNotContainKey(newToday)
                .allSatisfy((day, total) -> assertThat(day).isBefore(newToday));
        assertThat(bed.lastRun(c.id()).getWindowEnd()).isEqualTo(TODAY);
    }

    @Test
    void laterSyncs_startAtTheEarliestUnfinishedDay_andRefetchAtLeastTheLastThreeDays() {
        Connected c = bed.connect(Plan.TRIAL);
        bed.syncDue();
        SyncRunRecord first = bed.lastRun(c.id());
        assertThat(first.getWindowStart()).isEqualTo(TODAY.minusDays(7));
        // At 10:00 the day before yesterday closed 34 h ago: only days up to three ago are FINAL.
        assertThat(bed.statuses(c.id()))
                .containsEntry(TODAY.minusDays(3), "FINAL")
                .containsEntry(TODAY.minusDays(2), "PROVISIONAL")
                .containsEntry(TODAY.minusDays(1), "PROVISIONAL");

        bed.clock.advance(Duration.ofMinutes(2));
        bed.refresh(c);
        assertThat(bed.syncDue()).isEqualTo(1);
        SyncRunRecord manual = bed.lastRun(c.id());
        assertThat(manual.getTrigger()).isEqualTo("MANUAL");
        assertThat(manual.getWindowStart())
                .as("at least the last 3 closed days")
                .isEqualTo(TODAY.minusDays(3));
        assertThat(manual.getWindowEnd()).isEqualTo(TODAY.minusDays(1));

        assertThat(manual.getReconciliation())
                .as("re-checked less than 24 h ago")
                .isEqualTo("NONE");

        bed.clock.advance(Duration.ofHours(24));
        assertThat(bed.syncDue()).isEqualTo(1);
        SyncRunRecord scheduled = bed.lastRun(c.id());
        assertThat(scheduled.getTrigger()).isEqualTo("SCHEDULE");
        assertThat(scheduled.getReconciliation()).isEqualTo("DAILY");
        assertThat(scheduled.getWindowStart())
                .as("the daily deep reconciliation: 35 days, within TRIAL's 7")
                .isEqualTo(TODAY.plusDays(1).minusDays(7));
        assertThat(scheduled.getWindowEnd()).isEqualTo(TODAY);
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(6), TODAY.plusDays(1));
    }

    @Test
    void window_coversDaysNeverFetched_andStopsAtTheBackfillStart() {
        assertThat(CostSync.window(TODAY, 7, Set.of())).isEqualTo(new CostSync.Window(TODAY.minusDays(7), TODAY));
        // Days before the gap are FINAL; the gap (never fetched) is where the window starts.
        var finals = new HashSet<LocalDate>();
        TODAY.minusDays(90).datesUntil(TODAY.minusDays(40)).forEach(finals::add);
        TODAY.minusDays(30).datesUntil(TODAY).forEach(finals::add);
        assertThat(CostSync.window(TODAY, 90, finals).start()).isEqualTo(TODAY.minusDays(40));
        // All FINAL: still the last three closed days.
        TODAY.minusDays(40).datesUntil(TODAY.minusDays(30)).forEach(finals::add);
        assertThat(CostSync.window(TODAY, 90, finals)).isEqualTo(new CostSync.Window(TODAY.minusDays(3), TODAY));
    }

    @Test
    void provisionalDays_turnFinal_onceFetched48hAfterTheyClosed() {
        Connected c = bed.connect(Plan.TRIAL);
        LocalDate twoAgo = TODAY.minusDays(2);
        LocalDate yesterday = TODAY.minusDays(1);
        bed.syncDue();
        assertThat(bed.statuses(c.id())).containsEntry(twoAgo, "PROVISIONAL").containsEntry(yesterday, "PROVISIONAL");

        bed.clock.set(at(TODAY, 24).minusSeconds(61)); // twoAgo closed 48 h minus a minute ago
        bed.refresh(c);
        bed.syncDue();
        assertThat(bed.statuses(c.id())).containsEntry(twoAgo, "PROVISIONAL");

        bed.clock.set(at(TODAY, 24)); // exactly 48 h after twoAgo closed
        bed.refresh(c);
        bed.syncDue();
        assertThat(bed.statuses(c.id())).containsEntry(twoAgo, "FINAL").containsEntry(yesterday, "PROVISIONAL");
        assertThat(bed.dsl
                        .fetchSingle(
                                COST_DAY,
                                COST_DAY.LEDGER_ID.eq(bed.ledger(c.id())).and(COST_DAY.DAY.eq(twoAgo)))
                        .getFetchedAt())
                .isEqualTo(utc(at(TODAY, 24)));

        bed.clock.advance(Duration.ofHours(24));
        bed.syncDue();
        assertThat(bed.statuses(c.id())).containsEntry(yesterday, "FINAL").containsEntry(TODAY, "PROVISIONAL");
        assertThat(bed.statuses(c.id()).values().stream().filter("PROVISIONAL"::equals))
                .hasSize(2);
    }

    @Test
    void sync_replacesRestatedDay_andRecordsTheRestatement() {
        Connected c = bed.connect(Plan.TRIAL);
        bed.syncDue();
        LocalDate provisional = TODAY.minusDays(2);
        LocalDate finalDay = TODAY.minusDays(5);
        Restatement restated = bed.sim.restateDay(SimKeys.ORG_A_ID, provisional);
        assertThat(bed.storedDays(c.id()).get(provisional)).isEqualByComparingTo(restated.oldTotalUsd());

        bed.clock.advance(Duration.ofHours(24));
        assertThat(bed.syncDue()).isEqualTo(1);

        assertThat(bed.storedDays(c.id()).get(provisional)).isEqualByComparingTo(restated.newTotalUsd());
        bed.assertMatchesTruth(c.id(), provisional, provisional.plusDays(1));
        List<CostRestatementRecord> restatements = bed.dsl
                .selectFrom(COST_RESTATEMENT)
                .where(COST_RESTATEMENT.LEDGER_ID.eq(bed.ledger(c.id())))
                .fetch();
        assertThat(restatements).hasSize(1);
        assertThat(restatements.get(0).getDay()).isEqualTo(provisional);
        assertThat(restatements.get(0).getOldTotalUsd()).isEqualByComparingTo(restated.oldTotalUsd());
        assertThat(restatements.get(0).getNewTotalUsd()).isEqualByComparingTo(restated.newTotalUsd());
        assertThat(restatements.get(0).getRestatedAt()).isEqualTo(utc(bed.clock.instant()));

        assertThat(restatements.get(0).getAfterFinal()).isFalse();

        // A FINAL day corrected later is found by the next daily deep reconciliation.
        assertThat(bed.statuses(c.id())).containsEntry(finalDay, "FINAL");
        Restatement late = bed.sim.restateDay(SimKeys.ORG_A_ID, finalDay);
        bed.clock.advance(Duration.ofHours(24));
        bed.syncDue();
        List<CostRestatementRecord> all = bed.dsl
                .selectFrom(COST_RESTATEMENT)
                .where(COST_RESTATEMENT.LEDGER_ID.eq(bed.ledger(c.id())))
                .orderBy(COST_RESTATEMENT.RESTATED_AT)
                .fetch();
        assertThat(all).hasSize(2);
        assertThat(all.get(1).getDay()).isEqualTo(finalDay);
        assertThat(all.get(1).getAfterFinal()).isTrue();
        assertThat(all.get(1).getNewTotalUsd()).isEqualByComparingTo(late.newTotalUsd());
        assertThat(bed.storedDays(c.id()).get(finalDay)).isEqualByComparingTo(late.newTotalUsd());
    }

    @Test
    void dayWithoutCost_getsACostDayOfZero() {
        LocalDate empty = TODAY.minusDays(4);
        bed.sim.replaceDay(SimKeys.ORG_A_ID, empty, List.of());
        Connected c = bed.connect(Plan.TRIAL);
        bed.syncDue();
        assertThat(bed.storedDays(c.id()).get(empty)).isEqualByComparingTo("0");
        assertThat(bed.lineItems(c.id(), empty)).isZero();
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(7), TODAY);
    }

    @Test
    void enterpriseBackfill_of730Days_matchesTheSimulator_andPrintsItsDuration() {
        Connected c = bed.connect(Plan.ENTERPRISE);
        long start = System.nanoTime();
        bed.syncDue();
        long millis = (System.nanoTime() - start) / 1_000_000;
        SyncRunRecord run = bed.lastRun(c.id());
        System.out.printf(
                "ENTERPRISE backfill: 730 days, %d line items, %d pages in %d ms (%s PostgreSQL)%n",
                run.getRowsWritten(), run.getPages(), millis, PostgresFixture.kind());
        assertThat(run.getOutcome()).isEqualTo("SUCCEEDED");
        assertThat(run.getPages()).isEqualTo(24);
        bed.assertMatchesTruth(c.id(), TODAY.minusDays(730), TODAY);
    }
}
