package finora.server.sync;

import static finora.db.jooq.Tables.USAGE_LINE_ITEM;
import static finora.db.jooq.Tables.USAGE_RESTATEMENT;
import static finora.server.sync.SyncTestBed.TODAY;
import static org.assertj.core.api.Assertions.assertThat;

import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.sim.CostTruth;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
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
        assertThat(bed.dsl.fetchCount(USAGE_LINE_ITEM, USAGE_LINE_ITEM.DAY.ge(TODAY))).as("no open day").isZero();
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
        assertThat(bed.dsl.fetchCount(USAGE_RESTATEMENT, USAGE_RESTATEMENT.LEDGER_ID.eq(ledger)
                .and(USAGE_RESTATEMENT.DAY.eq(day)))).isEqualTo(1);
    }

    private Map<String, Map<String, Long>> storedTokens(UUID ledger, LocalDate start, LocalDate endExclusive) {
        Map<String, Map<String, Long>> result = new HashMap<>();
        bed.dsl.select(USAGE_LINE_ITEM.MODEL, USAGE_LINE_ITEM.USAGE_TYPE,
                        DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
                .from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.LEDGER_ID.eq(ledger)).and(USAGE_LINE_ITEM.DAY.ge(start))
                .and(USAGE_LINE_ITEM.DAY.lt(endExclusive)).and(USAGE_LINE_ITEM.MODEL.ne(""))
                .groupBy(USAGE_LINE_ITEM.MODEL, USAGE_LINE_ITEM.USAGE_TYPE)
                .forEach(r -> result.computeIfAbsent(r.value1(), m -> new HashMap<>()).put(r.value2(), r.value3()));
        return result;
    }

    private long storedWebSearches(UUID ledger) {
        Long n = bed.dsl.select(DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class)).from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.LEDGER_ID.eq(ledger)).and(USAGE_LINE_ITEM.USAGE_TYPE.eq("web_search_requests"))
                .fetchOne(0, Long.class);
        return n == null ? 0 : n;
    }
}
