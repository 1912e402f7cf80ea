package finora.sim;

import static finora.sim.SimApiClient.costReport;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratedDataTest {

    private static final LocalDate START = LocalDate.of(2026, 6, 1);
    private static final LocalDate END = LocalDate.of(2026, 9, 1);

    @Test
    void sameSeed_servesIdenticalAnswers() {
        String query =
                costReport(START, START.plusDays(31), "&group_by[]=workspace_id&group_by[]=description&limit=31");
        try (AnthropicSim first = AnthropicSim.start(0);
                AnthropicSim second = AnthropicSim.start(0)) {
            assertThat(new SimApiClient(first)
                            .get(query, SimKeys.ORG_A_ADMIN_KEY)
                            .body())
                    .isEqualTo(new SimApiClient(second)
                            .get(query, SimKeys.ORG_A_ADMIN_KEY)
                            .body());
            assertThat(new SimApiClient(first)
                            .get("/v1/organizations/workspaces?include_archived=true", SimKeys.ORG_B_ADMIN_KEY)
                            .body())
                    .isEqualTo(new SimApiClient(second)
                            .get("/v1/organizations/workspaces?include_archived=true", SimKeys.ORG_B_ADMIN_KEY)
                            .body());
        }
    }

    @Test
    void otherSeed_generatesOtherAmounts() {
        SimData one = data(SimConfig.defaults());
        SimData other = data(SimConfig.defaults().withSeed(7));

        assertThat(total(one.range(SimKeys.ORG_A_ID, START, END)))
                .isNotEqualByComparingTo(total(other.range(SimKeys.ORG_A_ID, START, END)));
    }

    @Test
    void aDay_isTheSameAloneAsInsideARange() {
        SimData data = data(SimConfig.defaults());
        LocalDate day = START.plusDays(40);

        List<CostLineItem> alone = data.day(SimKeys.ORG_A_ID, day);
        List<CostLineItem> inRange = data.range(SimKeys.ORG_A_ID, START, END).stream()
                .filter(item -> item.day().equals(day))
                .toList();

        assertThat(inRange).isEqualTo(alone);
    }

    @Test
    void rowsPerDay_isHonouredAndRowsAreDistinct() {
        SimData data = data(SimConfig.defaults().withRowsPerDay(25).withEmptyDayPercent(0));

        for (LocalDate day = START; day.isBefore(START.plusDays(20)); day = day.plusDays(1)) {
            List<CostLineItem> rows = data.day(SimKeys.ORG_A_ID, day);
            assertThat(rows).hasSize(25);
            Set<CostLineItem> identities = new HashSet<>();
            rows.forEach(row -> identities.add(row.withAmountCents(BigDecimal.ZERO)));
            assertThat(identities).hasSize(25);
        }
    }

    @Test
    void emptyDays_occurAtTheConfiguredRate() {
        SimData none = data(SimConfig.defaults().withEmptyDayPercent(0));
        SimData all = data(SimConfig.defaults().withEmptyDayPercent(100));
        SimData some = data(SimConfig.defaults());

        assertThat(new CostTruth(START, END, none.range(SimKeys.ORG_A_ID, START, END)).emptyDays())
                .isEmpty();
        assertThat(all.range(SimKeys.ORG_A_ID, START, END)).isEmpty();
        LocalDate yearEnd = START.plusDays(365);
        assertThat(new CostTruth(START, yearEnd, some.range(SimKeys.ORG_A_ID, START, yearEnd)).emptyDays())
                .hasSizeBetween(5, 40);
    }

    @Test
    void workspaces_onlyHaveCostWhileTheyExist() {
        SimData data = data(SimConfig.defaults().withWorkspaces(8, 3).withEmptyDayPercent(0));
        List<SimWorkspace> workspaces = data.workspaces(SimKeys.ORG_A_ID);
        assertThat(workspaces).hasSize(8).filteredOn(SimWorkspace::archived).hasSize(3);

        List<CostLineItem> items = data.range(SimKeys.ORG_A_ID, LocalDate.of(2024, 12, 1), LocalDate.of(2026, 11, 1));
        for (SimWorkspace workspace : workspaces) {
            List<CostLineItem> own = items.stream()
                    .filter(item -> workspace.id().equals(item.workspaceId()))
                    .toList();
            assertThat(own)
                    .as(workspace.name())
                    .isNotEmpty()
                    .allSatisfy(item -> assertThat(item.day())
                            .isAfterOrEqualTo(LocalDate.ofInstant(workspace.createdAt(), ZoneOffset.UTC)));
            if (workspace.archived()) {
                assertThat(own)
                        .allSatisfy(item -> assertThat(item.day())
                                .isBefore(LocalDate.ofInstant(workspace.archivedAt(), ZoneOffset.UTC)));
            }
        }
    }

    @Test
    void amounts_haveFourToSixDecimalPlacesOfCents() {
        SimData data = data(SimConfig.defaults());

        assertThat(data.range(SimKeys.ORG_A_ID, START, END))
                .allSatisfy(item -> {
                    assertThat(item.amountCents().scale()).isBetween(4, 6);
                    assertThat(item.amountCents().signum()).isPositive();
                })
                .allSatisfy(item -> assertThat(item.amountUsd())
                        .isEqualByComparingTo(item.amountCents().movePointLeft(2)));
    }

    @Test
    void costTypes_includeSessionUsage_andNoRowIsPriorityTier() {
        SimData data = data(SimConfig.defaults());
        List<CostLineItem> items = data.range(SimKeys.ORG_A_ID, START, END);

        assertThat(items)
                .extracting(CostLineItem::costType)
                .contains("tokens", "web_search", "code_execution", "session_usage");
        assertThat(items)
                .filteredOn(item -> item.costType().equals("session_usage"))
                .allSatisfy(item -> assertThat(item.model()).isNull());
        assertThat(items).extracting(CostLineItem::serviceTier).doesNotContain("priority", "priority_on_demand");
        assertThat(items)
                .filteredOn(item -> item.costType().equals("tokens"))
                .extracting(CostLineItem::speed)
                .contains("standard", "fast")
                .doesNotContainNull();
    }

    @Test
    void tokenRows_describeTheirModel() {
        SimData data = data(SimConfig.defaults());

        assertThat(data.range(SimKeys.ORG_A_ID, START, END))
                .filteredOn(item -> item.costType().equals("tokens"))
                .allSatisfy(item -> {
                    SimModel model = SimModel.DEFAULTS.stream()
                            .filter(m -> m.id().equals(item.model()))
                            .findFirst()
                            .orElseThrow();
                    assertThat(item.description()).startsWith(model.displayName() + " Usage - ");
                    assertThat(item.tokenType())
                            .isIn(
                                    "uncached_input_tokens",
                                    "output_tokens",
                                    "cache_read_input_tokens",
                                    "cache_creation.ephemeral_5m_input_tokens",
                                    "cache_creation.ephemeral_1h_input_tokens");
                    assertThat(item.serviceTier()).isIn("standard", "batch");
                    assertThat(item.contextWindow()).isIn("0-200k", "200k-1M");
                    assertThat(item.inferenceGeo()).isIn("global", "us", "not_available");
                });
    }

    @Test
    void customModels_areBilled() {
        SimModel only = SimModel.of("claude-mythos-5", "Claude Mythos 5", 400, 2000);
        SimData data = data(SimConfig.defaults().withModels(List.of(only)));

        assertThat(data.range(SimKeys.ORG_A_ID, START, START.plusDays(10)))
                .filteredOn(item -> item.model() != null)
                .isNotEmpty()
                .allSatisfy(item -> assertThat(item.model()).isEqualTo("claude-mythos-5"));
    }

    private static SimData data(SimConfig config) {
        SimData data = new SimData(config);
        data.add(new SimOrganization(SimKeys.ORG_A_ID, SimKeys.ORG_A_NAME));
        return data;
    }

    private static BigDecimal total(List<CostLineItem> items) {
        return items.stream().map(CostLineItem::amountCents).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
