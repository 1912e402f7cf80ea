package finora.sim;

import static finora.sim.SimApiClient.costReport;
import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestatementTest {

    private AnthropicSim sim;
    private SimApiClient client;
    private LocalDate day;

    @BeforeEach
    void start() {
        sim = AnthropicSim.start(0);
        client = new SimApiClient(sim);
        LocalDate from = LocalDate.of(2026, 11, 20);
        day = sim.truth(SimKeys.ORG_A_ID, from, from.plusDays(30))
                .items()
                .get(0)
                .day();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void restateDay_changesTheTotalARefetchSees() {
        BigDecimal before = fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day);
        BigDecimal otherOrganization = fetchedTotalUsd(SimKeys.ORG_B_ADMIN_KEY, day);
        BigDecimal neighbour = fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day.plusDays(1));

        Restatement restatement = sim.restateDay(SimKeys.ORG_A_ID, day);

        BigDecimal after = fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day);
        assertThat(restatement.oldTotalUsd()).isEqualByComparingTo(before);
        assertThat(restatement.newTotalUsd()).isEqualByComparingTo(after);
        assertThat(after).isNotEqualByComparingTo(before);
        assertThat(sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).totalUsd()).isEqualByComparingTo(after);
        assertThat(fetchedTotalUsd(SimKeys.ORG_B_ADMIN_KEY, day)).isEqualByComparingTo(otherOrganization);
        assertThat(fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day.plusDays(1))).isEqualByComparingTo(neighbour);
    }

    @Test
    void restateDay_twiceChangesAgain() {
        Restatement first = sim.restateDay(SimKeys.ORG_A_ID, day);
        Restatement second = sim.restateDay(SimKeys.ORG_A_ID, day);

        assertThat(second.oldTotalUsd()).isEqualByComparingTo(first.newTotalUsd());
        assertThat(second.newTotalUsd()).isNotEqualByComparingTo(first.newTotalUsd());
    }

    @Test
    void replaceDay_servesExactlyTheGivenItems() {
        List<CostLineItem> items = new ArrayList<>(
                sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items());
        CostLineItem first = items.get(0);
        items.set(0, first.withAmountCents(first.amountCents().add(new BigDecimal("100.5"))));

        Restatement restatement = sim.replaceDay(SimKeys.ORG_A_ID, day, items);

        assertThat(restatement.newTotalUsd().subtract(restatement.oldTotalUsd()))
                .isEqualByComparingTo("1.005");
        assertThat(fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day)).isEqualByComparingTo(restatement.newTotalUsd());

        sim.replaceDay(SimKeys.ORG_A_ID, day, List.of());
        assertThat(json(client.get(costReport(day, day.plusDays(1), ""), SimKeys.ORG_A_ADMIN_KEY))
                        .at("/data/0/results"))
                .isEmpty();
    }

    @Test
    void replaceDay_rejectsItemsOfAnotherDay() {
        CostLineItem item =
                sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items().get(0);

        assertThatThrownBy(() -> sim.replaceDay(SimKeys.ORG_A_ID, day.plusDays(1), List.of(item)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replaceDay_servesAmountsWithTheScaleTheyWereGiven() {
        CostLineItem item =
                sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items().get(0);
        sim.replaceDay(SimKeys.ORG_A_ID, day, List.of(item.withAmountCents(new BigDecimal("1.000000001"))));

        assertThat(json(client.get(costReport(day, day.plusDays(1), ""), SimKeys.ORG_A_ADMIN_KEY))
                        .at("/data/0/results/0/amount")
                        .asText())
                .isEqualTo("1.000000001");
    }

    @Test
    void reset_bringsBackTheOriginalDay() {
        BigDecimal before = fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day);
        sim.restateDay(SimKeys.ORG_A_ID, day);

        sim.reset();

        assertThat(fetchedTotalUsd(SimKeys.ORG_A_ADMIN_KEY, day)).isEqualByComparingTo(before);
    }

    private BigDecimal fetchedTotalUsd(String key, LocalDate day) {
        return SimApiClient.sumCents(client.allCostPages(
                        key, day, day.plusDays(1), "&group_by[]=workspace_id&group_by[]=description"))
                .movePointLeft(2);
    }
}
