package finora.server.sync;

import static finora.db.jooq.Tables.PRICE;
import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.date;
import static finora.server.sync.SyncTestBed.usd;
import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.ListPriceDiscrepanciesRequest;
import finora.api.v1.PriceDiscrepancy;
import finora.api.v1.PriceHint;
import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.sim.CostLineItem;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Billed cost against tokens × list price (issue #13): the simulator bills at the list prices the
 * price table holds, so its data has no discrepancy; a changed amount or a new price version does.
 */
class PriceCheckTest {
    private SyncTestBed bed;
    private Connected c;

    @BeforeEach
    void start() throws Exception {
        bed = SyncTestBed.start(SimConfig.defaults().withRowsPerDay(20));
        c = bed.connect(Plan.GROWTH);
        bed.syncDue();
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    @Test
    void simulatorData_billedAtListPrice_hasNoDiscrepancy() {
        var answer = discrepancies(TODAY.minusDays(30), TODAY.minusDays(1));

        assertThat(answer).isEmpty();
    }

    @Test
    void billedBelowTokensTimesPrice_isReportedAsDiscount_andNotCorrected() {
        LocalDate day = TODAY.minusDays(1);
        List<CostLineItem> items = new ArrayList<>(
                bed.sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items());
        CostLineItem biggest = items.stream()
                .filter(i -> i.costType().equals("tokens"))
                .max(Comparator.comparing(CostLineItem::amountCents))
                .orElseThrow();
        items.set(
                items.indexOf(biggest),
                biggest.withAmountCents(biggest.amountCents().multiply(new BigDecimal("0.8"))));
        bed.sim.replaceDay(SimKeys.ORG_A_ID, day, items);
        bed.clock.advance(Duration.ofHours(24));
        bed.syncDue();

        List<PriceDiscrepancy> found = discrepancies(day, day);

        assertThat(found).hasSize(1);
        PriceDiscrepancy d = found.get(0);
        assertThat(d.getHint()).isEqualTo(PriceHint.PRICE_HINT_DISCOUNT);
        assertThat(d.getModel()).isEqualTo(biggest.model());
        assertThat(d.getTokenType()).isEqualTo(biggest.tokenType());
        assertThat(d.getExplanation()).contains("below the list price");
        assertThat(usd(d.getDifference())).isNegative();
        assertThat(d.getSkuPriceId()).startsWith("anthropic/" + biggest.model() + "/" + biggest.tokenType() + "/");
        // Listed, never corrected: the day's total is still what was billed.
        assertThat(bed.grpcTotal(c, day, day.plusDays(1)))
                .isEqualByComparingTo(
                        bed.sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).totalUsd());
    }

    @Test
    void priceChange_appliesFromItsDate() {
        LocalDate from = TODAY.minusDays(10);
        CostLineItem sample = bed.sim.truth(SimKeys.ORG_A_ID, from, TODAY).items().stream()
                .filter(i -> i.costType().equals("tokens"))
                .findFirst()
                .orElseThrow();
        var current = bed.dsl
                .selectFrom(PRICE)
                .where(PRICE.MODEL.eq(sample.model()))
                .and(PRICE.TOKEN_TYPE.eq(sample.tokenType()))
                .and(PRICE.SERVICE_TIER.eq(sample.serviceTier()))
                .and(PRICE.CONTEXT_WINDOW.eq(sample.contextWindow()))
                .and(PRICE.SPEED.eq(sample.speed()))
                .fetchSingle();
        var next = current.copy();
        next.setPriceId("test/new-price@" + from);
        next.setEffectiveFrom(from);
        next.setUsdPerMillion(current.getUsdPerMillion().multiply(BigDecimal.TWO));
        bed.dsl.executeInsert(next);

        List<PriceDiscrepancy> found = discrepancies(TODAY.minusDays(30), TODAY.minusDays(1));

        assertThat(found).isNotEmpty().allSatisfy(d -> {
            assertThat(d.getDay())
                    .satisfies(day -> assertThat(LocalDate.of(day.getYear(), day.getMonth(), day.getDay()))
                            .isAfterOrEqualTo(from));
            assertThat(d.getModel()).isEqualTo(sample.model());
            assertThat(d.getHint()).isEqualTo(PriceHint.PRICE_HINT_PRICE_CHANGE);
            assertThat(d.getSkuPriceId()).isEqualTo("test/new-price@" + from);
            assertThat(d.getExplanation()).contains("effective from " + current.getEffectiveFrom());
        });
        assertThat(found).anySatisfy(d -> assertThat(d.getDay()).isEqualTo(date(sample.day())));
    }

    private List<PriceDiscrepancy> discrepancies(LocalDate start, LocalDate end) {
        return bed.server
                .costs(c.admin())
                .listPriceDiscrepancies(ListPriceDiscrepanciesRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .setPageSize(1000)
                        .build())
                .getDiscrepanciesList();
    }
}
