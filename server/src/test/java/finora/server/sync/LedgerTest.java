package finora.server.sync;

import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.at;
import static finora.server.sync.SyncTestBed.date;
import static finora.server.sync.SyncTestBed.normalise;
import static finora.server.sync.SyncTestBed.usd;
import static finora.server.sync.SyncTestBed.utc;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.Connection;
import finora.api.v1.CostDimension;
import finora.api.v1.CostRow;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportFormat;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.ListRestatementsRequest;
import finora.api.v1.ListRestatementsResponse;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.Reconciliation;
import finora.api.v1.SyncRun;
import finora.db.jooq.tables.records.SyncRunRecord;
import finora.server.auth.Plan;
import finora.server.provider.anthropic.ModelName;
import finora.server.sync.SyncTestBed.Connected;
import finora.sim.CostLineItem;
import finora.sim.CostTruth;
import finora.sim.RecordedRequest;
import finora.sim.Restatement;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One true ledger (issue #16), through gRPC on real PostgreSQL against anthropic-sim: one history
 * per organization, late corrections found and listed, amounts exactly as Anthropic writes them,
 * odd answers that heal.
 */
class LedgerTest {
    /** Few rows a day: these tests are about which days and amounts are stored, not volume. */
    private static final int ROWS_PER_DAY = 12;

    private SyncTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = SyncTestBed.start(SimConfig.defaults().withRowsPerDay(ROWS_PER_DAY));
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    @Test
    void removeThenReconnect_continuesTheHistory_andEveryAnswerEqualsTheSimulatorToTheCent() {
        Connected first = bed.connect(Plan.GROWTH);
        bed.syncDue();
        bed.remove(first);
        bed.clock.advance(Duration.ofDays(3));
        LocalDate today = TODAY.plusDays(3);

        Connected again = bed.reconnect(first, SimKeys.ORG_A_ADMIN_KEY);
        assertThat(bed.syncDue()).isEqualTo(1);

        assertThat(again.id()).isNotEqualTo(first.id());
        assertThat(bed.ledger(again.id())).as("the same history").isEqualTo(bed.ledger(first.id()));
        SyncRunRecord run = bed.lastRun(again.id());
        assertThat(run.getOutcome()).isEqualTo("SUCCEEDED");
        assertThat(run.getWindowStart())
                .as("no second backfill: what is missing or not FINAL, plus the " + "35-day reconciliation")
                .isEqualTo(today.minusDays(CostSync.DEEP_DAYS));
        LocalDate start = today.minusDays(90);
        bed.assertGrpcMatchesTruth(again, start, today);
        bed.assertMatchesTruth(again.id(), start, today);
        CostTruth truth = bed.sim.truth(SimKeys.ORG_A_ID, start, today);
        assertThat(usd(bed.server
                        .costs(again.admin())
                        .getSpendSummary(GetSpendSummaryRequest.newBuilder()
                                .setStartDate(date(start))
                                .setEndDate(date(today.minusDays(1)))
                                .build())
                        .getTotal()))
                .isEqualByComparingTo(truth.totalUsd());
        List<String> csv = export(again, start, today);
        assertThat(csv).hasSize(truth.items().size() + 1);
        assertThat(csv.stream().skip(1).map(l -> amount(l)).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(truth.totalUsd());
        assertThat(bed.grpc(again).getCompleteThrough()).isEqualTo(date(today.minusDays(1)));
    }

    @Test
    void twoTenantsConnectingTheSameOrganization_keepSeparateHistories() {
        Connected a = bed.connect(Plan.GROWTH);
        Connected b = bed.connect(Plan.GROWTH);
        assertThat(bed.syncDue()).isEqualTo(2);

        assertThat(bed.ledger(a.id())).isNotEqualTo(bed.ledger(b.id()));
        bed.assertGrpcMatchesTruth(a, TODAY.minusDays(90), TODAY);
        bed.assertGrpcMatchesTruth(b, TODAY.minusDays(90), TODAY);
    }

    @Test
    void lateCorrectionOfAFinalDay_isFoundByTheDailyDeepReconciliation_andListedByListRestatements() {
        Connected c = bed.connect(Plan.GROWTH);
        bed.syncDue();
        LocalDate finalDay = TODAY.minusDays(20);
        assertThat(bed.statuses(c.id())).containsEntry(finalDay, "FINAL");
        Restatement late = bed.sim.restateDay(SimKeys.ORG_A_ID, finalDay);

        bed.clock.advance(Duration.ofHours(1));
        bed.refresh(c);
        bed.syncDue();
        assertThat(bed.lastRun(c.id()).getReconciliation())
                .as("re-checked an hour ago")
                .isEqualTo("NONE");
        assertThat(restatements(c, finalDay, finalDay).getRestatementsList()).isEmpty();

        bed.clock.set(at(TODAY.plusDays(1), 11));
        bed.syncDue();

        SyncRunRecord deep = bed.lastRun(c.id());
        assertThat(deep.getReconciliation()).isEqualTo("DAILY");
        assertThat(deep.getWindowStart()).isEqualTo(TODAY.plusDays(1).minusDays(CostSync.DEEP_DAYS));
        var listed = restatements(c, TODAY.minusDays(90), TODAY).getRestatementsList();
        assertThat(listed).singleElement().satisfies(r -> {
            assertThat(r.getDay()).isEqualTo(date(finalDay));
            assertThat(r.getOrganizationId()).isEqualTo(SimKeys.ORG_A_ID);
            assertThat(usd(r.getBefore())).isEqualByComparingTo(late.oldTotalUsd());
            assertThat(usd(r.getAfter())).isEqualByComparingTo(late.newTotalUsd());
            assertThat(usd(r.getDelta()))
                    .isEqualByComparingTo(late.newTotalUsd().subtract(late.oldTotalUsd()));
            assertThat(r.getDetectTime().getSeconds())
                    .isEqualTo(at(TODAY.plusDays(1), 11).getEpochSecond());
            assertThat(r.getAfterFinal()).isTrue();
        });
        assertThat(bed.grpcRuns(c).get(0).getReconciliation()).isEqualTo(Reconciliation.RECONCILIATION_DAILY);
        bed.assertGrpcMatchesTruth(c, TODAY.plusDays(1).minusDays(90), TODAY.plusDays(1));
        // Truthful watermark: every day through it was fetched 48 h or more after it closed.
        var answer = bed.server
                .costs(c.admin())
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(TODAY.minusDays(5)))
                        .setEndDate(date(TODAY))
                        .build());
        assertThat(answer.getFinalThrough()).isEqualTo(date(TODAY.minusDays(2)));
        assertThat(answer.getCompleteThrough()).isEqualTo(date(TODAY));

        // Once after a month closed (from the 3rd), the whole month is re-checked.
        bed.clock.set(at(LocalDate.of(2026, 12, 3), 10));
        bed.syncDue();
        SyncRunRecord monthly = bed.lastRun(c.id());
        assertThat(monthly.getReconciliation()).isEqualTo("MONTHLY");
        assertThat(monthly.getWindowStart()).isBeforeOrEqualTo(LocalDate.of(2026, 11, 1));
        bed.clock.advance(Duration.ofHours(24));
        bed.syncDue();
        assertThat(bed.lastRun(c.id()).getReconciliation())
                .as("the month only once")
                .isEqualTo("DAILY");
    }

    @Test
    void amountsWithFourAndNineDecimals_syncExactly() {
        LocalDate day = TODAY.minusDays(4);
        List<CostLineItem> items = new ArrayList<>(
                bed.sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items());
        items.set(0, items.get(0).withAmountCents(new BigDecimal("151452.0374")));
        items.set(1, items.get(1).withAmountCents(new BigDecimal("0.123456789")));
        bed.sim.replaceDay(SimKeys.ORG_A_ID, day, items);
        Connected c = bed.connect(Plan.TRIAL);

        bed.syncDue();

        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");
        List<BigDecimal> stored = bed.dsl
                .select(COST_LINE_ITEM.AMOUNT_USD)
                .from(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.LEDGER_ID.eq(bed.ledger(c.id())))
                .and(COST_LINE_ITEM.DAY.eq(day))
                .fetch(COST_LINE_ITEM.AMOUNT_USD);
        assertThat(stored)
                .as("exact, scale and all")
                .contains(new BigDecimal("1514.520374"), new BigDecimal("0.00123456789"));
        BigDecimal truth = bed.sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).totalUsd();
        assertThat(bed.storedDays(c.id()).get(day)).isEqualByComparingTo(truth);
        assertThat(export(c, day, day.plusDays(1))).anyMatch(l -> l.contains(",0.00123456789,"));
        // google.type.Money carries nanos: a finer total is rounded half-even there, and only there.
        assertThat(bed.grpcTotal(c, day, day.plusDays(1)))
                .isEqualByComparingTo(truth.setScale(9, RoundingMode.HALF_EVEN));
    }

    @Test
    void amountThatIsNotANumber_failsTheRunWithAReason_storesEveryOtherDay_retriesWithinMinutes_andHeals() {
        LocalDate odd = TODAY.minusDays(3);
        bed.sim.garbleAmount(SimKeys.ORG_A_ID, odd, "n/a");
        Connected c = bed.connect(Plan.TRIAL);

        bed.syncDue();

        SyncRunRecord failed = bed.lastRun(c.id());
        assertThat(failed.getOutcome()).isEqualTo("FAILED");
        assertThat(failed.getErrorReason()).isEqualTo("BAD_RESPONSE");
        assertThat(failed.getErrorDetail()).contains("not a number").contains(odd.toString());
        Connection connection = bed.grpc(c);
        assertThat(connection.getLastSyncErrorReason()).isEqualTo("BAD_RESPONSE");
        assertThat(connection.getLastSyncErrorDetail()).contains(odd.toString());
        assertThat(bed.storedDays(c.id())).hasSize(6).doesNotContainKey(odd);
        bed.assertEveryStoredDayIsWhole(c.id());
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .as("retried after 5 minutes, not 24 h")
                .isEqualTo(utc(bed.clock.instant().plus(Duration.ofMinutes(5))));

        bed.clock.advance(Duration.ofMinutes(5));
        assertThat(bed.syncDue()).isEqualTo(1);
        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("FAILED");
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .as("backing off")
                .isEqualTo(utc(bed.clock.instant().plus(Duration.ofMinutes(10))));

        bed.sim.garbleAmount(SimKeys.ORG_A_ID, odd, null);
        bed.clock.advance(Duration.ofMinutes(10));
        assertThat(bed.syncDue()).isEqualTo(1);
        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");
        assertThat(bed.grpc(c).getLastSyncErrorReason()).isEmpty();
        assertThat(bed.connection(c.id()).getNextSyncAt())
                .isEqualTo(utc(bed.clock.instant().plus(Duration.ofHours(24))));
        bed.assertGrpcMatchesTruth(c, TODAY.minusDays(7), TODAY);
    }

    @Test
    void densePageRefusedWith400_isAskedAgainWithASmallerLimit() {
        bed.sim.setMaxResultsPerPage(ROWS_PER_DAY * 10); // 31 days a page are too dense, 7 are not
        Connected c = bed.connect(Plan.GROWTH);

        bed.syncDue();

        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");
        List<RecordedRequest> pages = bed.sim.requestLog().forPath("/v1/organizations/cost_report").stream()
                .filter(r -> r.parameterValues("group_by[]").contains("description"))
                .toList();
        assertThat(pages.get(0).parameter("limit")).isEqualTo("31");
        assertThat(pages.get(0).status()).isEqualTo(400);
        assertThat(pages.subList(1, pages.size())).allSatisfy(r -> {
            assertThat(r.parameter("limit")).isEqualTo("7");
            assertThat(r.status()).isEqualTo(200);
        });
        bed.assertGrpcMatchesTruth(c, TODAY.minusDays(90), TODAY);
    }

    @Test
    void refusedRequest_failsTheRun_keepingAnthropicsRequestIdAndMessage_inListSyncRuns() {
        bed.sim.setMaxResultsPerPage(1); // even the smaller page is refused
        Connected c = bed.connect(Plan.TRIAL);

        bed.syncDue();

        RecordedRequest refused =
                bed.sim.requestLog().forPath("/v1/organizations/cost_report").getLast();
        assertThat(refused.status()).isEqualTo(400);
        SyncRun run = bed.grpcRuns(c).get(0);
        assertThat(run.getErrorReason()).isEqualTo("PROVIDER_REFUSED");
        assertThat(run.getProviderRequestId()).isEqualTo(refused.requestId());
        assertThat(run.getProviderErrorMessage()).contains("smaller limit");
        assertThat(run.getErrorDetail() + run.getProviderErrorMessage()).doesNotContain(SimKeys.ORG_A_ADMIN_KEY);
    }

    @Test
    void speedSessionUsageAndTheNewDimensions_matchTheSimulator() {
        Connected c = bed.connect(Plan.TRIAL);
        bed.syncDue();
        LocalDate start = TODAY.minusDays(7);
        CostTruth truth = bed.sim.truth(SimKeys.ORG_A_ID, start, TODAY);

        assertThat(bed.sim.requestLog().forPath("/v1/organizations/cost_report"))
                .allSatisfy(r -> assertThat(r.header("anthropic-beta")).contains("fast-mode-2026-02-01"));
        assertThat(bed.grpcCostsBy(c, start, TODAY, CostDimension.COST_DIMENSION_SPEED, CostRow::getSpeed))
                .containsKeys("standard", "fast")
                .isEqualTo(normalise(truth.sumUsdBy(CostLineItem::speed)));
        assertThat(bed.grpcCostsBy(c, start, TODAY, CostDimension.COST_DIMENSION_COST_TYPE, CostRow::getCostType))
                .containsKey("session_usage")
                .isEqualTo(normalise(truth.sumUsdBy(CostLineItem::costType)));
        assertThat(bed.grpcCostsBy(
                        c, start, TODAY, CostDimension.COST_DIMENSION_CONTEXT_WINDOW, CostRow::getContextWindow))
                .isEqualTo(normalise(truth.sumUsdBy(CostLineItem::contextWindow)));
        assertThat(bed.grpcCostsBy(
                        c, start, TODAY, CostDimension.COST_DIMENSION_INFERENCE_GEO, CostRow::getInferenceGeo))
                .isEqualTo(normalise(truth.sumUsdBy(CostLineItem::inferenceGeo)));
        Map<String, BigDecimal> byVersion = bed.grpcCostsBy(
                c,
                start,
                TODAY,
                CostDimension.COST_DIMENSION_MODEL_VERSION,
                r -> (r.getModelFamily() + " " + r.getModelVersion()).trim());
        assertThat(byVersion)
                .isEqualTo(normalise(truth.sumUsdBy(
                        (CostLineItem i) -> ModelName.parse(i.model()).displayName())));
        assertThat(bed.grpcCostsBy(
                        c,
                        start,
                        TODAY,
                        CostDimension.COST_DIMENSION_MODEL,
                        r -> r.getModel() + "|" + r.getModelFamily() + "|" + r.getModelVersion()))
                .allSatisfy((key, amount) -> {
                    String[] parts = key.split("\\|", -1);
                    ModelName name = ModelName.parse(parts[0]);
                    assertThat(parts[1]).isEqualTo(name.family());
                    assertThat(parts[2]).isEqualTo(name.version());
                });
    }

    /**
     * amount_usd of a CSV export line of a legacy-filled day: eleventh from the end (then status, speed,
     * the analytics columns and the provider, all unquoted and empty or plain on such days).
     */
    private static BigDecimal amount(String line) {
        String[] fields = line.split(",", -1);
        return new BigDecimal(fields[fields.length - 11]);
    }

    private ListRestatementsResponse restatements(Connected c, LocalDate start, LocalDate end) {
        return bed.server
                .costs(c.admin())
                .listRestatements(ListRestatementsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .build());
    }

    private List<String> export(Connected c, LocalDate start, LocalDate endExclusive) {
        StringBuilder csv = new StringBuilder();
        bed.server
                .costs(c.admin())
                .exportCosts(ExportCostsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(endExclusive.minusDays(1)))
                        .setFormat(ExportFormat.EXPORT_FORMAT_CSV)
                        .build())
                .forEachRemaining(chunk -> csv.append(chunk.getData().toString(StandardCharsets.UTF_8)));
        return csv.toString().lines().toList();
    }
}
