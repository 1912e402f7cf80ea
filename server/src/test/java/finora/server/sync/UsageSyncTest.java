package finora.server.sync;

import static finora.db.jooq.Tables.USAGE_LINE_ITEM;
import static finora.db.jooq.Tables.USAGE_RESTATEMENT;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.date;
import static finora.server.sync.SyncTestBed.usd;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.CostDimension;
import finora.api.v1.CostRow;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.TokenUsage;
import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.sim.CostLineItem;
import finora.sim.CostTruth;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token usage beside cost (issue #13): the sync stores Anthropic's usage report in the ledger, for
 * the same days as the costs, and a re-fetched day replaces its usage like its costs.
 */
class UsageSyncTest {
    private SyncTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = SyncTestBed.start(SimConfig.defaults().withRowsPerDay(20));
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    @Test
    void sync_storesUsageEqualToTheSimulatorsTruth_byModelAndTokenType() {
        Connected c = bed.connect(Plan.GROWTH);
        bed.syncDue();

        LocalDate first = bed.storedDays(c.id()).keySet().iterator().next();
        CostTruth truth = bed.sim.truth(SimKeys.ORG_A_ID, first, TODAY);
        Map<String, Map<String, Long>> stored = storedTokens(bed.ledger(c.id()), first, TODAY);

        assertThat(stored).isNotEmpty().isEqualTo(truth.tokensByModelAndTokenType());
        assertThat(storedWebSearches(bed.ledger(c.id()))).isPositive().isEqualTo(truth.webSearchRequests());
        assertThat(bed.dsl.fetchCount(USAGE_LINE_ITEM, USAGE_LINE_ITEM.DAY.ge(TODAY)))
                .as("no open day")
                .isZero();
    }

    @Test
    void restatedDay_replacesItsUsage_andIsRecorded() {
        Connected c = bed.connect(Plan.GROWTH);
        bed.syncDue();
        LocalDate day = TODAY.minusDays(1);
        bed.sim.restateDay(SimKeys.ORG_A_ID, day);

        bed.clock.advance(Duration.ofHours(24));
        bed.syncDue();

        UUID ledger = bed.ledger(c.id());
        CostTruth truth = bed.sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1));
        assertThat(storedTokens(ledger, day, day.plusDays(1))).isEqualTo(truth.tokensByModelAndTokenType());
        assertThat(bed.dsl.fetchCount(
                        USAGE_RESTATEMENT,
                        USAGE_RESTATEMENT.LEDGER_ID.eq(ledger).and(USAGE_RESTATEMENT.DAY.eq(day))))
                .isEqualTo(1);
    }

    @Test
    void queryCosts_carriesTokens_whereKnown_andTheSummaryTellsCostPerMillionAndCacheSavings() {
        Connected c = bed.connect(Plan.GROWTH);
        bed.syncDue();
        LocalDate start = TODAY.minusDays(30);
        CostTruth truth = bed.sim.truth(SimKeys.ORG_A_ID, start, TODAY);
        var costs = bed.server.costs(c.admin());

        var byModelAndType = costs.queryCosts(QueryCostsRequest.newBuilder()
                .setStartDate(date(start))
                .setEndDate(date(TODAY.minusDays(1)))
                .addGroupBy(CostDimension.COST_DIMENSION_MODEL)
                .addGroupBy(CostDimension.COST_DIMENSION_TOKEN_TYPE)
                .setPageSize(1000)
                .build());
        Map<String, Map<String, Long>> served = new HashMap<>();
        byModelAndType.getRowsList().stream()
                .filter(r -> r.hasUsageQuantity() && !r.getModel().isEmpty())
                .forEach(r -> served.computeIfAbsent(r.getModel(), m -> new HashMap<>())
                        .put(r.getTokenType(), r.getUsageQuantity()));
        assertThat(served).isEqualTo(truth.tokensByModelAndTokenType());
        var byKey = costs.queryCosts(QueryCostsRequest.newBuilder()
                .setStartDate(date(start))
                .setEndDate(date(TODAY.minusDays(1)))
                .addGroupBy(CostDimension.COST_DIMENSION_API_KEY)
                .build());
        assertThat(byKey.getRowsList())
                .as("the usage report is not split by API key here")
                .noneMatch(CostRow::hasUsageQuantity);

        TokenUsage usage = costs.getSpendSummary(GetSpendSummaryRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(TODAY.minusDays(1)))
                        .build())
                .getTokenUsage();
        Map<String, Long> byType = new HashMap<>();
        truth.tokensByModelAndTokenType().values().forEach(m -> m.forEach((t, n) -> byType.merge(t, n, Long::sum)));
        assertThat(usage.getInputTokens()).isEqualTo(byType.get("uncached_input_tokens"));
        assertThat(usage.getOutputTokens()).isEqualTo(byType.get("output_tokens"));
        assertThat(usage.getCacheReadTokens()).isEqualTo(byType.get("cache_read_input_tokens"));
        long total = byType.values().stream().mapToLong(Long::longValue).sum();
        BigDecimal tokenCost = truth.sumUsdBy(CostLineItem::costType).get("tokens");
        assertThat(usd(usage.getCostPerMillionTokens()))
                .isEqualByComparingTo(
                        tokenCost.movePointRight(6).divide(BigDecimal.valueOf(total), 6, RoundingMode.HALF_EVEN));
        assertThat(usd(usage.getCacheSavings())).isPositive();
        assertThat(new BigDecimal(usage.getCacheHitRatePercent())).isBetween(BigDecimal.ZERO, new BigDecimal("100"));
        assertThat(new BigDecimal(usage.getBatchSharePercent())).isPositive();
    }

    private Map<String, Map<String, Long>> storedTokens(UUID ledger, LocalDate start, LocalDate endExclusive) {
        Map<String, Map<String, Long>> result = new HashMap<>();
        bed.dsl
                .select(
                        USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE,
                        DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
                .from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.LEDGER_ID.eq(ledger))
                .and(USAGE_LINE_ITEM.DAY.ge(start))
                .and(USAGE_LINE_ITEM.DAY.lt(endExclusive))
                .and(USAGE_LINE_ITEM.MODEL.ne(""))
                .groupBy(USAGE_LINE_ITEM.MODEL, USAGE_LINE_ITEM.USAGE_TYPE)
                .forEach(r ->
                        result.computeIfAbsent(r.value1(), m -> new HashMap<>()).put(r.value2(), r.value3()));
        return result;
    }

    private long storedWebSearches(UUID ledger) {
        Long n = bed.dsl
                .select(DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
                .from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.LEDGER_ID.eq(ledger))
                .and(USAGE_LINE_ITEM.USAGE_TYPE.eq("web_search_requests"))
                .fetchOne(0, Long.class);
        return n == null ? 0 : n;
    }
}
