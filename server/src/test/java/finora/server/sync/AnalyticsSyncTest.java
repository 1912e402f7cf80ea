package finora.server.sync;

import static finora.db.jooq.Tables.COST_DAY;
import static finora.server.sync.SyncTestBed.date;
import static finora.server.sync.SyncTestBed.normalise;
import static finora.server.sync.SyncTestBed.usd;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.CostDimension;
import finora.api.v1.CostRow;
import finora.api.v1.DataLevel;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.GetSpendSummaryResponse;
import finora.api.v1.ListTagValuesRequest;
import finora.api.v1.TagValue;
import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.sim.CostTruth;
import finora.sim.SimKeys;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Syncs through the Cost Analytics API (beta) against anthropic-sim, whose analytics endpoint serves
 * the same truth as its cost report, attributed to API keys, actors and products; checked through
 * gRPC on a real PostgreSQL.
 */
class AnalyticsSyncTest {
    /** 2026-03-02 10:00Z: the analytics API covers 2026-01-01 to 2026-03-01, 60 closed days. */
    static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    static final LocalDate TODAY = LocalDate.of(2026, 3, 2);
    static final LocalDate FLOOR = LocalDate.of(2026, 1, 1);

    private static final org.assertj.core.data.Offset<BigDecimal> NANO =
            org.assertj.core.data.Offset.offset(new BigDecimal("0.000000001"));

    private SyncTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = SyncTestBed.start();
        bed.clock.set(NOW);
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    @Test
    void sync_fills60DaysFromAnalytics_exactByApiKeyActorWorkspaceAndFamily_olderDaysFromLegacy() {
        bed.sim.setAnalyticsAvailable(true);
        Connected c = bed.connect(Plan.GROWTH); // 90 days: 30 before the analytics floor, 60 after
        assertThat(bed.grpc(c).getDataLevel())
                .as("detected at connect")
                .isEqualTo(DataLevel.DATA_LEVEL_API_KEY_AND_USER);
        LocalDate start = TODAY.minusDays(90);

        long t0 = System.nanoTime();
        assertThat(bed.syncDue()).isEqualTo(1);
        System.out.printf(
                "analytics sync of 90 days (60 analytics + 30 legacy): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(bed.lastRun(c.id()).getOutcome()).isEqualTo("SUCCEEDED");

        // Every day exactly once, from the right source: no gap, no overlap.
        Map<LocalDate, String> sources = new TreeMap<>();
        bed.dsl
                .selectFrom(COST_DAY)
                .where(COST_DAY.LEDGER_ID.eq(bed.ledger(c.id())))
                .forEach(r -> sources.put(r.getDay(), r.getSource()));
        assertThat(sources).hasSize(90);
        start.datesUntil(TODAY)
                .forEach(d -> assertThat(sources.get(d))
                        .as("source of " + d)
                        .isEqualTo(d.isBefore(FLOOR) ? "COST_REPORT" : "ANALYTICS"));
        bed.assertMatchesTruth(c.id(), start, TODAY);
        bed.assertGrpcMatchesTruth(c, start, TODAY);

        CostTruth analytics = bed.sim.truth(SimKeys.ORG_A_ID, FLOOR, TODAY);
        assertThat(bed.grpcCostsBy(c, FLOOR, TODAY, CostDimension.COST_DIMENSION_API_KEY, CostRow::getApiKeyId))
                .as("by API key")
                .isEqualTo(unattributed(analytics.byApiKeyUsd()));
        assertThat(bed.grpcCostsBy(c, FLOOR, TODAY, CostDimension.COST_DIMENSION_ACTOR, CostRow::getActorId))
                .as("by actor")
                .isEqualTo(unattributed(analytics.byActorUsd()));
        assertThat(bed.grpcCostsBy(c, FLOOR, TODAY, CostDimension.COST_DIMENSION_PRODUCT, CostRow::getProduct))
                .as("by product")
                .isEqualTo(unattributed(analytics.byProductUsd()));
        // Legacy days carry no key: they group under "unattributed", to the cent.
        CostTruth legacy = bed.sim.truth(SimKeys.ORG_A_ID, start, FLOOR);
        assertThat(bed.grpcCostsBy(c, start, FLOOR, CostDimension.COST_DIMENSION_API_KEY, CostRow::getApiKeyId))
                .isEqualTo(Map.of("unattributed", legacy.totalUsd().stripTrailingZeros()));

        // Names: keys from the key list, users from the member list, deleted users readable.
        var keys = bed.server
                .costs(c.admin())
                .listTagValues(
                        ListTagValuesRequest.newBuilder().setKey("api_key").build())
                .getValuesList();
        assertThat(keys)
                .extracting(TagValue::getDisplayName)
                .contains("Not attributed")
                .anyMatch(n -> n.startsWith("backend-"));
        var actors = bed.server
                .costs(c.admin())
                .listTagValues(ListTagValuesRequest.newBuilder().setKey("actor").build())
                .getValuesList();
        assertThat(actors)
                .extracting(TagValue::getDisplayName)
                .anyMatch(n -> n.endsWith("(deleted)"))
                .anyMatch(n -> n.contains("<") && n.contains("@example.com>"))
                .anyMatch(n -> n.startsWith("Service account") || n.startsWith("API key"));

        // The discount card: list price - billed over the analytics days.
        GetSpendSummaryResponse summary = summary(c, FLOOR, TODAY.minusDays(1));
        // google.type.Money carries 9 decimals of a dollar; list prices can be finer (the database keeps them exact).
        assertThat(usd(summary.getDiscount().getListAmount())).isCloseTo(analytics.listTotalUsd(), NANO);
        assertThat(usd(summary.getDiscount().getSaved()))
                .isCloseTo(analytics.listTotalUsd().subtract(analytics.totalUsd()), NANO);
        assertThat(analytics.listTotalUsd()).isGreaterThan(analytics.totalUsd());
        assertThat(summary.getTopApiKeysList()).isNotEmpty();
        assertThat(summary.getTopActorsList()).isNotEmpty();
    }

    @Test
    void refusedBeta_fallsBackToTheLegacyReport_andSaysSo() {
        Connected c = bed.connect(Plan.GROWTH); // the simulator refuses the beta unless enabled
        assertThat(bed.syncDue()).isEqualTo(1);

        var connection = bed.grpc(c);
        assertThat(connection.getDataLevel()).isEqualTo(DataLevel.DATA_LEVEL_WORKSPACE);
        assertThat(connection.getDataLevelDetail())
                .contains("refused")
                .contains("HTTP 400")
                .contains("by workspace only");
        assertThat(connection.hasDataLevelCheckTime()).isTrue();
        LocalDate start = TODAY.minusDays(90);
        bed.assertMatchesTruth(c.id(), start, TODAY);
        bed.assertGrpcMatchesTruth(c, start, TODAY);
        assertThat(bed.dsl.fetchCount(COST_DAY, COST_DAY.SOURCE.eq("ANALYTICS")))
                .isZero();
        assertThat(summary(c, start, TODAY).hasTodaySoFar())
                .as("no estimate without the analytics API")
                .isFalse();
        assertThat(summary(c, start, TODAY).hasDiscount()).isFalse();
    }

    @Test
    void nowcast_updatesHourly_staysOutOfTotals_andGivesWayToTheClosedDay() {
        bed.sim.setAnalyticsAvailable(true);
        Connected c = bed.connect(Plan.SCALE); // refreshed every hour
        bed.syncDue();
        CostTruth today = bed.sim.truth(SimKeys.ORG_A_ID, TODAY, TODAY.plusDays(1));

        GetSpendSummaryResponse at10 = summary(c, TODAY.minusDays(6), TODAY);
        assertThat(at10.getTodaySoFar().getLabel()).isEqualTo("today so far, provisional");
        assertThat(usd(at10.getTodaySoFar().getAmount())).isEqualByComparingTo(today.hoursThroughUsd(TODAY, NOW));
        assertThat(at10.getTodaySoFar().getThroughTime().getSeconds()).isLessThanOrEqualTo(NOW.getEpochSecond());
        BigDecimal closedTotal =
                bed.sim.truth(SimKeys.ORG_A_ID, TODAY.minusDays(6), TODAY).totalUsd();
        assertThat(usd(at10.getTotal()))
                .as("the estimate never enters the totals")
                .isEqualByComparingTo(closedTotal);

        bed.clock.advance(Duration.ofHours(1));
        bed.syncDue();
        GetSpendSummaryResponse at11 = summary(c, TODAY.minusDays(6), TODAY);
        assertThat(usd(at11.getTodaySoFar().getAmount()))
                .isEqualByComparingTo(today.hoursThroughUsd(TODAY, NOW.plus(Duration.ofHours(1))));
        assertThat(at11.getTodaySoFar().getHoursCount())
                .isGreaterThanOrEqualTo(at10.getTodaySoFar().getHoursCount());
        assertThat(usd(at11.getTotal())).isEqualByComparingTo(closedTotal);

        // The day closes: the next sync stores it whole and the estimate of it is gone.
        bed.clock.set(TODAY.plusDays(1)
                .atStartOfDay(java.time.ZoneOffset.UTC)
                .toInstant()
                .plusSeconds(1800));
        bed.syncDue();
        GetSpendSummaryResponse next = summary(c, TODAY, TODAY.plusDays(1));
        assertThat(next.hasTodaySoFar()).as("no hour of the new day has closed").isFalse();
        assertThat(usd(next.getTotal())).isEqualByComparingTo(today.totalUsd());
        assertThat(bed.dsl.fetchCount(finora.db.jooq.Tables.COST_NOWCAST)).isZero();
    }

    private GetSpendSummaryResponse summary(Connected c, LocalDate start, LocalDate endInclusive) {
        return bed.server
                .costs(c.admin())
                .getSpendSummary(GetSpendSummaryRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(endInclusive))
                        .build());
    }

    private static Map<Object, BigDecimal> unattributed(Map<String, BigDecimal> truth) {
        Map<Object, BigDecimal> result = new HashMap<>();
        normalise(truth).forEach((k, v) -> result.put(k.equals("") ? "unattributed" : k, v));
        return result;
    }
}
