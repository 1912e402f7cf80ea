package finora.admin.spend;

import static com.github.mvysny.kaributesting.v10.BasicUtilsKt.isEffectivelyVisible;
import static com.github.mvysny.kaributesting.v10.GridKt._fetch;
import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormatted;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServletResponse;
import com.vaadin.flow.server.VaadinServletService;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.streams.DownloadEvent;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FakeBudgetService;
import finora.admin.grpc.FakeCostService;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.FakeIntegrationService;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import finora.admin.security.CurrentSession;
import finora.admin.security.Role;
import finora.admin.settings.IntegrationClient;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mock.web.MockHttpServletResponse;

class SpendViewTest {

    /** "Now" of these tests: 25 November 2026, so yesterday is the fake's last complete day. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = server.channel();
    private final CostClient client = new CostClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final IntegrationClient integrations =
            new IntegrationClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(30));
    private final AnomalyClient anomalies = new AnomalyClient(channel, Duration.ofSeconds(5));

    @BeforeEach
    void setUp() {
        ui.signIn(Role.READER, "bob@example.com");
    }

    private SpendView open() {
        SpendView view = new SpendView(client, integrations, anomalies, new CurrentSession(), CLOCK);
        UI.getCurrent().add(view);
        return view;
    }

    @Test
    void spend_showsItsHeading() {
        open();

        assertThat(_get(H2.class).getText()).isEqualTo("Spend");
    }

    @Test
    void defaultRange_isTheLast30Days_endingYesterday() {
        open();

        @SuppressWarnings("unchecked")
        Select<RangePreset> preset = _get(Select.class, spec -> spec.withId("range-preset"));
        assertThat(preset.getValue()).isEqualTo(RangePreset.LAST_30_DAYS);
        DatePicker from = _get(DatePicker.class, spec -> spec.withId("range-from"));
        DatePicker to = _get(DatePicker.class, spec -> spec.withId("range-to"));
        assertThat(from.getValue()).isEqualTo(LocalDate.of(2026, 10, 26));
        assertThat(to.getValue()).isEqualTo(LocalDate.of(2026, 11, 24));
        assertThat(to.getMax()).isEqualTo(LocalDate.of(2026, 11, 24));
    }

    @Test
    void cards_showTotal_changeAgainstThePreviousPeriod_andMonthEndProjection() {
        SpendView view = open();

        assertThat(view.cards().totalText()).isEqualTo("$490.50");
        assertThat(view.cards().changeText()).isEqualTo("+6.5%");
        assertThat(view.cards().projectionText()).isEqualTo("$490.50");
    }

    @Test
    void freshness_saysCompleteThrough_finalThrough_andWhenTodayArrives() {
        open();

        assertThat(_get(com.vaadin.flow.component.html.Paragraph.class, spec -> spec.withId("freshness"))
                        .getText())
                .isEqualTo(
                        "Complete through 2026-11-24; final through 2026-11-22 (re-checked at least 2 days after the day "
                                + "closed); today's spend appears tomorrow.");
    }

    @Test
    void freshness_beforeAnyDayIsFinal_saysSo() {
        assertThat(SpendView.freshnessText(new Freshness(LocalDate.of(2026, 11, 24), null), java.math.BigDecimal.TEN))
                .isEqualTo(
                        "Complete through 2026-11-24; no day is final yet (a day is final once re-checked at least 2 days "
                                + "after it closed); today's spend appears tomorrow.");
    }

    @Test
    void coverage_isSaidNearTheTotal_inTheServersWords() {
        open();

        assertThat(_get(com.vaadin.flow.component.html.Paragraph.class, spec -> spec.withId("coverage-note"))
                        .getText())
                .startsWith("Anthropic: " + FakeIntegrationService.COVERAGE)
                .contains("API platform", "not Claude.ai plans", "Priority Tier", "below the invoice")
                .contains("OpenAI: Tracks OpenAI API platform spend");
    }

    @Test
    void corrections_withoutAny_sayThereAreNone() {
        SpendView view = open();

        assertThat(view.corrections().grid().isVisible()).isFalse();
        assertThat(view.corrections().emptyState().isVisible()).isTrue();
        assertThat(view.corrections().emptyState().getText()).isEqualTo(CorrectionsList.EMPTY);
        assertThat(server.costs().restatementRequests()).last().satisfies(r -> {
            assertThat(r.getStartDate().getMonth()).isEqualTo(10);
            assertThat(r.getStartDate().getDay()).isEqualTo(26);
            assertThat(r.getEndDate().getDay()).isEqualTo(24);
        });
    }

    @Test
    void corrections_ofTheRange_showBeforeAfterTheSignedDifferenceAndWhen_andMarkLateOnes() {
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 11, 5),
                        "Acme Robotics",
                        "412.80",
                        "398.123456",
                        Instant.parse("2026-11-20T04:10:00Z"),
                        true);
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 11, 23), "", "16.35", "16.40", Instant.parse("2026-11-25T02:00:00Z"), false);
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 9, 1),
                        "Acme Robotics",
                        "1",
                        "2",
                        Instant.parse("2026-09-05T02:00:00Z"),
                        true);

        SpendView view = open();

        var grid = view.corrections().grid();
        assertThat(view.corrections().emptyState().isVisible()).isFalse();
        assertThat(_size(grid)).isEqualTo(2);
        assertThat(_getCellComponent(grid, 0, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-05late correction");
        assertThat(_getFormatted(grid, 0, "organization")).isEqualTo("Acme Robotics");
        assertThat(_getFormatted(grid, 0, "change")).isEqualTo("$412.80 → $398.12");
        assertThat(_getFormatted(grid, 0, "delta")).isEqualTo("\u2212$14.68");
        assertThat(_getFormatted(grid, 0, "detected")).isEqualTo("2026-11-20 04:10 UTC");
        // In New York, 04:10 UTC is still the day before: the UTC date stands beside the local one.
        ui.browserTimeZone(java.time.ZoneId.of("America/New_York"));
        assertThat(_getFormatted(grid, 0, "detected")).isEqualTo("2026-11-19 23:10 (2026-11-20 04:10 UTC)");
        assertThat(_getCellComponent(grid, 1, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-23");
        assertThat(_getFormatted(grid, 1, "organization")).isEqualTo(FakeCostService.ORG_ID);
        assertThat(_getFormatted(grid, 1, "delta")).isEqualTo("+$0.05");
    }

    @Test
    void priceCheck_listsEachDiscrepancy_withItsNumbers_andTheHintInPlainWords() {
        server.costs()
                .addDiscrepancy(
                        LocalDate.of(2026, 11, 10),
                        FakeCostService.SONNET,
                        "output_tokens",
                        "standard",
                        2_000_000,
                        "28.00",
                        "30.00",
                        "15",
                        finora.api.v1.PriceHint.PRICE_HINT_DISCOUNT,
                        "Billed 6.7 % below the list price: a discount, or a price cut the price table does not know yet");
        server.costs()
                .addDiscrepancy(
                        LocalDate.of(2026, 11, 20),
                        FakeCostService.OPUS,
                        "output_tokens",
                        "priority",
                        40_000,
                        "0",
                        "3.00",
                        "75",
                        finora.api.v1.PriceHint.PRICE_HINT_PRIORITY_TIER_GAP,
                        "40000 output_tokens on the priority tier have no cost in the cost report");
        // Outside the last 30 days: not shown.
        server.costs()
                .addDiscrepancy(
                        LocalDate.of(2026, 9, 1),
                        FakeCostService.HAIKU,
                        "output_tokens",
                        "standard",
                        1_000_000,
                        "6.00",
                        "5.00",
                        "5",
                        finora.api.v1.PriceHint.PRICE_HINT_ABOVE_LIST,
                        "Billed above the list price");

        SpendView view = open();

        var grid = view.priceCheck().grid();
        assertThat(grid.isVisible()).isTrue();
        assertThat(view.priceCheck().emptyState().isVisible()).isFalse();
        assertThat(view.priceCheck().failure().isVisible()).isFalse();
        assertThat(view.priceCheck().more().isVisible()).isFalse();
        assertThat(_size(grid)).isEqualTo(2);
        // Largest difference first.
        assertThat(_getFormatted(grid, 0, "day")).isEqualTo("2026-11-20");
        assertThat(_getFormatted(grid, 0, "provider")).isEqualTo("Anthropic");
        assertThat(_getFormatted(grid, 0, "model")).isEqualTo(FakeCostService.OPUS + " · output_tokens · priority");
        assertThat(_getFormatted(grid, 0, "billed")).isEqualTo("$0.00");
        assertThat(_getFormatted(grid, 0, "expected")).isEqualTo("$3.00");
        assertThat(_getFormatted(grid, 0, "difference")).isEqualTo("\u2212$3.00");
        assertThat(_getCellComponent(grid, 0, "hint").getElement().getTextRecursively())
                .isEqualTo("Priority Tier usage is not in the cost report");
        assertThat(_getFormatted(grid, 1, "day")).isEqualTo("2026-11-10");
        assertThat(_getFormatted(grid, 1, "billed")).isEqualTo("$28.00");
        assertThat(_getFormatted(grid, 1, "expected")).isEqualTo("$30.00");
        assertThat(_getFormatted(grid, 1, "difference")).isEqualTo("\u2212$2.00");
        var discount = _getCellComponent(grid, 1, "hint");
        assertThat(discount.getElement().getTextRecursively()).isEqualTo("Billed below list price: a discount");
        assertThat(discount.getElement().getAttribute("title")).startsWith("Billed 6.7 % below the list price");
        assertThat(discount.getElement().getClassList()).contains("price-hint");
    }

    @Test
    void priceCheck_withMoreThanAPage_listsTheLargest_andSaysHowManyInAll() {
        for (int i = 0; i < CostClient.PRICE_CHECK_PAGE_SIZE + 1; i++) {
            server.costs()
                    .addDiscrepancy(
                            LocalDate.of(2026, 11, 1 + i % 20),
                            FakeCostService.SONNET,
                            "output_tokens",
                            "standard",
                            1_000_000,
                            "14.00",
                            new java.math.BigDecimal("15.00")
                                    .add(java.math.BigDecimal.valueOf(i))
                                    .toPlainString(),
                            "15",
                            finora.api.v1.PriceHint.PRICE_HINT_DISCOUNT,
                            "");
        }

        SpendView view = open();

        assertThat(_size(view.priceCheck().grid())).isEqualTo(CostClient.PRICE_CHECK_PAGE_SIZE);
        assertThat(_getFormatted(view.priceCheck().grid(), 0, "difference")).isEqualTo("\u2212$201.00");
        assertThat(view.priceCheck().more().isVisible()).isTrue();
        assertThat(view.priceCheck().more().getText()).isEqualTo("The 200 largest of 201 differences in this range.");
    }

    @Test
    void priceCheck_withoutAnyDiscrepancy_saysBilledCostMatchesListPrice() {
        SpendView view = open();

        assertThat(view.priceCheck().grid().isVisible()).isFalse();
        assertThat(view.priceCheck().emptyState().isVisible()).isTrue();
        assertThat(view.priceCheck().emptyState().getText())
                .isEqualTo("Billed cost matches tokens × list price for every priced line.");
        assertThat(view.priceCheck().failure().isVisible()).isFalse();
    }

    @Test
    void priceCheck_thatFails_saysSo_andTheRestOfThePageStillLoads() {
        server.costs()
                .failPriceCheck(io.grpc.Status.UNIMPLEMENTED
                        .withDescription("Method not found: finora.v1.CostService/ListPriceDiscrepancies")
                        .asRuntimeException());
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 11, 5),
                        "Acme Robotics",
                        "412.80",
                        "398.12",
                        Instant.parse("2026-11-20T04:10:00Z"),
                        true);

        SpendView view = open();

        assertThat(isEffectivelyVisible(view.priceCheck().failure())).isTrue();
        assertThat(view.priceCheck().failure().getText()).startsWith("The price check could not be loaded: ");
        // Neither a list nor the "matches" sentence: a failed check proves nothing.
        assertThat(isEffectivelyVisible(view.priceCheck().grid())).isFalse();
        assertThat(isEffectivelyVisible(view.priceCheck().emptyState())).isFalse();
        // Everything else is there: the cards, the corrections, the chart and the breakdowns.
        assertThat(view.cards().totalText()).isEqualTo("$490.50");
        assertThat(_size(view.corrections().grid())).isEqualTo(1);
        assertThat(_get(view.chart(), Svg.class)).isNotNull();
        assertThat(_size(view.dayGrid())).isEqualTo(30);

        // The next load (another range) shows the check again once it answers.
        server.costs().failPriceCheck(null);
        view.choose(RangePreset.LAST_7_DAYS);
        assertThat(isEffectivelyVisible(view.priceCheck().failure())).isFalse();
        assertThat(isEffectivelyVisible(view.priceCheck().emptyState())).isTrue();
    }

    @Test
    void correctedDays_areMarkedOnTheChart_withALegendEntry_andInTheDayGrid() {
        server.costs()
                .addCorrection(
                        LocalDate.of(2026, 11, 5),
                        "Acme Robotics",
                        "412.80",
                        "398.12",
                        Instant.parse("2026-11-20T04:10:00Z"),
                        true);

        SpendView view = open();

        String markup = _get(view.chart(), Svg.class).getElement().getProperty("innerHTML");
        assertThat(markup)
                .contains(
                        "corrected days: 2026-11-05",
                        ">" + SpendChart.CORRECTED_LEGEND + "<",
                        ">" + SpendChart.PROVISIONAL_LEGEND + "<");
        assertThat(_getCellComponent(view.dayGrid(), 10, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-05corrected");
        assertThat(_getCellComponent(view.dayGrid(), 29, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-24provisional");
    }

    @Test
    void anomalies_ofTheRange_showExpectedVsActual_theTopDrivers_andARestatedBadge() {
        server.budgets().addAnomaly(FakeBudgetService.tenantAnomaly(LocalDate.of(2026, 11, 12), "160.00", false));
        server.budgets().addAnomaly(FakeBudgetService.tenantAnomaly(LocalDate.of(2026, 11, 19), "90.50", true));
        server.budgets().addAnomaly(FakeBudgetService.tenantAnomaly(LocalDate.of(2026, 9, 1), "500.00", false));

        SpendView view = open();

        var grid = view.anomalies().grid();
        assertThat(view.anomalies().emptyState().isVisible()).isFalse();
        assertThat(_size(grid)).isEqualTo(2);
        assertThat(_getCellComponent(grid, 0, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-19restated");
        assertThat(_getCellComponent(grid, 1, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-12");
        assertThat(_getFormatted(grid, 1, "scope")).isEqualTo("All spend");
        assertThat(_getFormatted(grid, 1, "spend")).isEqualTo("$40.00 → $160.00");
        assertThat(_getCellComponent(grid, 1, "drivers")
                        .getChildren()
                        .map(c -> c.getElement().getText()))
                .containsExactly(
                        "Workspace Research +$120.00 ($10.00 → $130.00)",
                        "Model " + FakeCostService.OPUS + " +$60.00 ($20.00 → $80.00)",
                        "Token type output_tokens +$30.00 ($15.00 → $45.00)");
        assertThat(server.budgets().anomalyRequests()).last().satisfies(r -> {
            assertThat(r.getStartDate().getDay()).isEqualTo(26);
            assertThat(r.getEndDate().getDay()).isEqualTo(24);
        });
        String markup = _get(view.chart(), Svg.class).getElement().getProperty("innerHTML");
        assertThat(markup).contains("anomalies: 2026-11-12, 2026-11-19", ">" + SpendChart.ANOMALY_LEGEND + "<");
    }

    @Test
    void anomalies_withoutAny_sayThereAreNone_andTheLegendHasNoEntry() {
        SpendView view = open();

        assertThat(view.anomalies().grid().isVisible()).isFalse();
        assertThat(view.anomalies().emptyState().getText()).isEqualTo(AnomaliesList.EMPTY);
        assertThat(_get(view.chart(), Svg.class).getElement().getProperty("innerHTML"))
                .doesNotContain(SpendChart.ANOMALY_LEGEND, "anomalies:");
    }

    @Test
    void modelGrid_showsEachModelsVersion() {
        SpendView view = open();

        var grid = view.byModel().grid();
        assertThat(_getFormatted(grid, 0, "version")).isEqualTo("4.1");
        assertThat(_getFormatted(grid, 1, "model")).isEqualTo(FakeCostService.SONNET);
        assertThat(_getFormatted(grid, 1, "version")).isEqualTo("4.5");
        assertThat(_getFormatted(grid, 3, "version")).isEqualTo("—");
    }

    @Test
    void modelGrid_groupedByFamilyAndVersion_keepsEqualVersionsOfFamiliesApart() {
        SpendView view = open();

        _setValue(view.modelBreakdown(), ModelBreakdown.VERSION);

        var grid = view.byModel().grid();
        assertThat(grid.getColumnByKey("model").isVisible()).isFalse();
        assertThat(_size(grid)).isEqualTo(4);
        assertThat(List.of(0, 1, 2).stream()
                        .map(i -> _getFormatted(grid, i, "family") + " " + _getFormatted(grid, i, "version"))
                        .toList())
                .containsExactly("Opus 4.1", "Sonnet 4.5", "Haiku 4.5");
        assertThat(_getFormatted(grid, 3, "family")).isEqualTo(SpendChart.NO_MODEL);
        assertThat(grid.getColumnByKey("family").getFooterText()).isEqualTo("Total");
        assertThat(view.byModel().totalText()).isEqualTo("$490.50");
        assertThat(server.costs().queries())
                .last()
                .satisfies(q -> assertThat(q.getGroupByList())
                        .containsExactly(finora.api.v1.CostDimension.COST_DIMENSION_MODEL_VERSION));
    }

    @Test
    void dayGrid_hasOneRowPerDay_theTotalInItsFooter_andMarksProvisionalDays() {
        SpendView view = open();

        assertThat(_size(view.dayGrid())).isEqualTo(30);
        assertThat(view.byDay().totalText()).isEqualTo("$490.50");
        assertThat(_getFormatted(view.dayGrid(), 0, "amount")).isEqualTo("$16.35");
        assertThat(_getCellComponent(view.dayGrid(), 0, "day").getElement().getTextRecursively())
                .isEqualTo("2026-10-26");
        assertThat(_getCellComponent(view.dayGrid(), 29, "day").getElement().getTextRecursively())
                .isEqualTo("2026-11-24provisional");
    }

    @Test
    void modelGrid_listsModelsByAmount_withFamilies_andToolsWithoutAModel() {
        SpendView view = open();

        var grid = view.byModel().grid();
        assertThat(_size(grid)).isEqualTo(4);
        assertThat(_getFormatted(grid, 0, "model")).isEqualTo(FakeCostService.OPUS);
        assertThat(_getFormatted(grid, 0, "family")).isEqualTo("Opus");
        assertThat(_getFormatted(grid, 0, "amount")).isEqualTo("$300.00");
        assertThat(_getFormatted(grid, 3, "model")).isEqualTo(SpendChart.NO_MODEL);
        assertThat(view.byModel().totalText()).isEqualTo("$490.50");
    }

    @Test
    void workspaceGrid_listsWorkspacesWithTotals() {
        SpendView view = open();

        var grid = view.byWorkspace().grid();
        assertThat(_getFormatted(grid, 0, "workspace")).isEqualTo("Research");
        assertThat(_getFormatted(grid, 0, "amount")).isEqualTo("$307.50");
        assertThat(_getFormatted(grid, 1, "workspace")).isEqualTo("Default");
        assertThat(_getFormatted(grid, 1, "amount")).isEqualTo("$183.00");
    }

    @Test
    void chart_withAnthropicAndOpenAiSpend_namesTheProviderInEverySeries_andTheTotalsHoldBoth() {
        server.costs()
                .addOpenAiItem(
                        LocalDate.of(2026, 11, 20),
                        "GPT-4o",
                        "gpt-4o-2024-08-06",
                        "proj_demo",
                        "Default project",
                        "7.25");

        SpendView view = open();

        String markup = _get(view.chart(), Svg.class).getElement().getProperty("innerHTML");
        assertThat(markup)
                .contains(">OpenAI · GPT-4o<", ">Anthropic · Sonnet<", "Daily spend by provider and model family");
        assertThat(markup).doesNotContain(">Sonnet<");
        assertThat(_get(com.vaadin.flow.component.html.H3.class, spec -> spec.withId("daily-chart-heading"))
                        .getText())
                .isEqualTo("Daily spend by provider and model family (USD per UTC day)");
        assertThat(view.byDay().totalText()).isEqualTo("$497.75");
        assertThat(_getFormatted(
                        view.byWorkspace().grid(), _size(view.byWorkspace().grid()) - 1, "provider"))
                .isEqualTo("OpenAI");
    }

    @Test
    void chart_withAnthropicSpendOnly_keepsThePlainFamilies() {
        SpendView view = open();

        String markup = _get(view.chart(), Svg.class).getElement().getProperty("innerHTML");
        assertThat(markup).contains(">Sonnet<", "Daily spend by model family").doesNotContain("Anthropic ·");
        assertThat(_get(com.vaadin.flow.component.html.H3.class, spec -> spec.withId("daily-chart-heading"))
                        .getText())
                .isEqualTo("Daily spend by model family (USD per UTC day)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void providerFilter_offersBothProviders_andTheWorkspaceGridSaysWhoseProjectOrWorkspace() {
        SpendView view = open();
        assertThat(_getFormatted(view.byWorkspace().grid(), 0, "provider")).isEqualTo("Anthropic");
        MultiSelectComboBox<finora.admin.settings.AiProvider> providers =
                _get(MultiSelectComboBox.class, spec -> spec.withId("filter-provider"));
        assertThat(providers
                        .getListDataView()
                        .getItems()
                        .map(finora.admin.settings.AiProvider::displayName)
                        .toList())
                .containsExactly("Anthropic", "OpenAI");

        _setValue(providers, Set.of(finora.admin.settings.AiProvider.OPENAI));
        assertThat(view.cards().totalText()).isEqualTo("$0.00");
        assertThat(_size(view.byWorkspace().grid())).isZero();

        _setValue(providers, Set.of(finora.admin.settings.AiProvider.ANTHROPIC));
        assertThat(view.byDay().totalText()).isEqualTo("$490.50");
    }

    @Test
    @SuppressWarnings("unchecked")
    void workspaceFilter_fromListTagValues_narrowsCardsAndGrids() {
        SpendView view = open();
        MultiSelectComboBox<TagOption> workspaces =
                _get(MultiSelectComboBox.class, spec -> spec.withId("filter-workspace"));

        _setValue(workspaces, Set.of(new TagOption(FakeCostService.RESEARCH_ID, "Research")));

        assertThat(view.cards().totalText()).isEqualTo("$307.50");
        assertThat(view.byDay().totalText()).isEqualTo("$307.50");
        assertThat(_size(view.byWorkspace().grid())).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void familyAndModelFilters_offerWhatHasSpend_andNarrowTheTotals() {
        SpendView view = open();
        MultiSelectComboBox<String> families = _get(MultiSelectComboBox.class, spec -> spec.withId("filter-family"));
        MultiSelectComboBox<String> models = _get(MultiSelectComboBox.class, spec -> spec.withId("filter-model"));
        assertThat(families.getListDataView().getItems()).containsExactly("Haiku", "Opus", "Sonnet");
        assertThat(models.getListDataView().getItems())
                .containsExactly(FakeCostService.OPUS, FakeCostService.SONNET, FakeCostService.HAIKU);

        _setValue(families, Set.of("Sonnet"));
        assertThat(view.cards().totalText()).isEqualTo("$180.00");

        _setValue(families, Set.of());
        _setValue(models, Set.of(FakeCostService.HAIKU));
        assertThat(view.byDay().totalText()).isEqualTo("$7.50");
    }

    @Test
    void apiKeyGrid_listsKeysByAmount_withListPrices_andCostWithoutAKey_andTotalsLikeTheSpendTotal() {
        SpendView view = open();

        var grid = view.byApiKey().grid();
        assertThat(_size(grid)).isEqualTo(3);
        assertThat(_getFormatted(grid, 0, "api-key")).isEqualTo(FakeCostService.RESEARCH_KEY_NAME);
        assertThat(_getFormatted(grid, 0, "amount")).isEqualTo("$307.50");
        assertThat(_getFormatted(grid, 0, "list")).isEqualTo("$382.50");
        assertThat(_getFormatted(grid, 1, "api-key")).isEqualTo(FakeCostService.SUPPORT_KEY_NAME);
        assertThat(_getFormatted(grid, 2, "api-key")).isEqualTo(FakeCostService.NOT_ATTRIBUTED);
        assertThat(_getFormatted(grid, 2, "amount")).isEqualTo("$3.00");
        assertThat(view.byApiKey().totalText())
                .isEqualTo(view.cards().totalText())
                .isEqualTo("$490.50");
        assertThat(server.costs().queries())
                .anySatisfy(q -> assertThat(q.getGroupByList())
                        .containsExactly(finora.api.v1.CostDimension.COST_DIMENSION_API_KEY));
    }

    @Test
    void userGrid_listsUsersServiceAccountsAndDeletedUsers_inTheServersWords() {
        SpendView view = open();

        var grid = view.byActor().grid();
        assertThat(List.of(0, 1, 2).stream()
                        .map(i -> _getFormatted(grid, i, "user") + " " + _getFormatted(grid, i, "amount"))
                        .toList())
                .containsExactly(
                        FakeCostService.ADA_NAME + " $303.00",
                        FakeCostService.SUPPORT_ACCOUNT_NAME + " $180.00",
                        FakeCostService.GRACE_NAME + " $7.50");
        assertThat(view.byActor().totalText()).isEqualTo("$490.50");
    }

    @Test
    void apiKeyGrid_sortsByAmountAsANumber_andByName_withoutAskingTheServerAgain_andKeepsTheTotal() {
        SpendView view = open();
        var grid = view.byApiKey().grid();
        int queries = server.costs().queries().size();

        grid.sort(com.vaadin.flow.component.grid.GridSortOrder.asc(grid.getColumnByKey("amount"))
                .build());

        assertThat(List.of(0, 1, 2).stream()
                        .map(i -> _getFormatted(grid, i, "amount"))
                        .toList())
                .containsExactly("$3.00", "$180.00", "$307.50"); // as text, "$180.00" would come first
        assertThat(view.byApiKey().totalText()).isEqualTo("$490.50");

        grid.sort(com.vaadin.flow.component.grid.GridSortOrder.asc(grid.getColumnByKey("api-key"))
                .build());

        assertThat(List.of(0, 1, 2).stream()
                        .map(i -> _getFormatted(grid, i, "api-key"))
                        .toList())
                .isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
        assertThat(server.costs().queries()).hasSize(queries);
    }

    @Test
    @SuppressWarnings("unchecked")
    void apiKeyUserAndProductFilters_fromListTagValues_narrowCardsAndGrids() {
        SpendView view = open();
        MultiSelectComboBox<TagOption> keys = _get(MultiSelectComboBox.class, spec -> spec.withId("filter-api-key"));
        MultiSelectComboBox<TagOption> users = _get(MultiSelectComboBox.class, spec -> spec.withId("filter-user"));
        MultiSelectComboBox<TagOption> products =
                _get(MultiSelectComboBox.class, spec -> spec.withId("filter-product"));
        assertThat(keys.getListDataView().getItems())
                .extracting(TagOption::displayName)
                .containsExactly(
                        FakeCostService.NOT_ATTRIBUTED,
                        FakeCostService.RESEARCH_KEY_NAME,
                        FakeCostService.SUPPORT_KEY_NAME);

        _setValue(keys, Set.of(new TagOption(FakeCostService.SUPPORT_KEY, FakeCostService.SUPPORT_KEY_NAME)));
        assertThat(view.cards().totalText()).isEqualTo("$180.00");
        assertThat(_size(view.byApiKey().grid())).isEqualTo(1);

        _setValue(keys, Set.of());
        _setValue(users, Set.of(new TagOption(FakeCostService.ADA, FakeCostService.ADA_NAME)));
        assertThat(view.byDay().totalText()).isEqualTo("$303.00");

        _setValue(users, Set.of());
        _setValue(products, Set.of(new TagOption("claude_code", "claude_code")));
        assertThat(view.byActor().totalText()).isEqualTo("$180.00");
        assertThat(server.costs().queries())
                .last()
                .satisfies(q -> assertThat(q.getFilter().getTagsList())
                        .singleElement()
                        .satisfies(t -> {
                            assertThat(t.getKey()).isEqualTo("product");
                            assertThat(t.getValuesList()).containsExactly("claude_code");
                        }));
    }

    @Test
    void tokensBesideDollars_andACacheEfficiencyCard_whenTheServerHasUsage() {
        assertThat(open().cards().tokensShown()).as("no usage: no token cards").isFalse();
        server.costs()
                .tokenUsage(finora.api.v1.TokenUsage.newBuilder()
                        .setInputTokens(1_200_000)
                        .setOutputTokens(300_000)
                        .setCacheReadTokens(2_500_000)
                        .setCacheWriteTokens(500_000)
                        .setCostPerMillionTokens(com.google.type.Money.newBuilder()
                                .setCurrencyCode("USD")
                                .setUnits(2)
                                .setNanos(450_000_000))
                        .setCacheHitRatePercent("59.5")
                        .setBatchSharePercent("12.0")
                        .setCacheSavings(com.google.type.Money.newBuilder()
                                .setCurrencyCode("USD")
                                .setUnits(6)
                                .setNanos(75_000_000))
                        .build());

        SpendView view = open();

        assertThat(view.cards().tokensShown()).isTrue();
        assertThat(view.cards().tokensText()).isEqualTo("4.5 M");
        assertThat(view.cards().tokensDetail())
                .isEqualTo("$2.45 per million tokens · in 1.2 M, out 300 K · 12.0% on the Batch API");
        assertThat(view.cards().cacheText()).isEqualTo("59.5% hit rate");
        assertThat(view.cards().cacheDetail()).isEqualTo("Saved $6.08 at list prices · read 2.5 M, written 500 K");
    }

    @Test
    void discountCard_showsListPriceMinusBilled_andSaysWhatItCovers() {
        SpendView view = open();

        assertThat(view.cards().discountShown()).isTrue();
        assertThat(view.cards().discountText()).isEqualTo("$75.00");
        assertThat(view.cards().discountDetail())
                .isEqualTo("List price $565.50 − billed $490.50. " + SpendCards.DISCOUNT_NOTE);
    }

    @Test
    void rangeFromTheLegacyReportOnly_hidesTheDiscount_andGroupsAllCostAsNotAttributed() {
        SpendView view = open();

        view.chooseCustom(LocalDate.of(2026, 7, 1), LocalDate.of(2026, 7, 31));

        assertThat(view.cards().discountShown()).isFalse();
        assertThat(_size(view.byApiKey().grid())).isEqualTo(1);
        assertThat(_getFormatted(view.byApiKey().grid(), 0, "api-key")).isEqualTo(FakeCostService.NOT_ATTRIBUTED);
        assertThat(_getFormatted(view.byApiKey().grid(), 0, "list")).isEqualTo("—");
        assertThat(view.byApiKey().totalText()).isEqualTo(view.cards().totalText());
    }

    @Test
    void todaySoFar_isACardApartFromTheTotal_withItsUtcThroughTime() {
        server.costs()
                .setTodaySoFar(
                        LocalDate.of(2026, 11, 25),
                        Instant.parse("2026-11-25T10:05:00Z"),
                        "1.00",
                        "2.00",
                        "0.50",
                        "0.25",
                        "1.25",
                        "3.00",
                        "0.00",
                        "0.40",
                        "0.60",
                        "1.00");

        SpendView view = open();

        TodayCard today = view.cards().today();
        assertThat(today.isVisible()).isTrue();
        assertThat(today.valueText()).isEqualTo("$10.00");
        assertThat(today.throughText()).isEqualTo("00:00–10:00 UTC, 10 hours; fetched 10:05 UTC");
        assertThat(today.apartText()).startsWith("Not in the total or the chart");
        assertThat(view.cards().totalText()).isEqualTo("$490.50");
        assertThat(view.byDay().totalText()).isEqualTo("$490.50");
        assertThat(_get(com.vaadin.flow.component.html.Paragraph.class, spec -> spec.withId("freshness"))
                        .getText())
                .endsWith("today's spend appears tomorrow (until then, an estimate under Today so far).");
    }

    @Test
    void todaySoFar_givesTheBrowsersTimeBesideUtc_whenItDiffers() {
        server.costs()
                .setTodaySoFar(
                        LocalDate.of(2026, 11, 25),
                        Instant.parse("2026-11-25T10:05:00Z"),
                        "1.00",
                        "2.00",
                        "0.50",
                        "0.25",
                        "1.25",
                        "3.00",
                        "0.00",
                        "0.40",
                        "0.60",
                        "1.00");
        SpendView view = open();

        view.cards().browserZone(java.time.ZoneId.of("Europe/Berlin"));
        assertThat(view.cards().today().throughText()).startsWith("00:00–10:00 UTC (11:00 your time), 10 hours");

        view.cards().browserZone(ZoneOffset.UTC);
        assertThat(view.cards().today().throughText()).startsWith("00:00–10:00 UTC, 10 hours");
    }

    @Test
    void todaySoFar_withoutAnEstimate_isHidden_andTodayStillAppearsTomorrow() {
        SpendView view = open();

        assertThat(view.cards().today().isVisible()).isFalse();
        assertThat(_get(com.vaadin.flow.component.html.Paragraph.class, spec -> spec.withId("freshness"))
                        .getText())
                .endsWith("; today's spend appears tomorrow.");
    }

    @Test
    void todaySoFar_isNotShownForARangeThatEndsBeforeYesterday() {
        server.costs().setTodaySoFar(LocalDate.of(2026, 11, 25), Instant.parse("2026-11-25T10:05:00Z"), "1.00");
        SpendView view = open();
        assertThat(view.cards().today().isVisible()).isTrue();

        view.chooseCustom(LocalDate.of(2026, 9, 1), LocalDate.of(2026, 9, 30));

        assertThat(view.cards().today().isVisible()).isFalse();
    }

    @Test
    void presets_changeTheRange() {
        SpendView view = open();

        view.choose(RangePreset.LAST_7_DAYS);
        assertThat(_size(view.dayGrid())).isEqualTo(7);
        assertThat(view.cards().totalText()).isEqualTo("$114.45");

        view.choose(RangePreset.MONTH_TO_DATE);
        assertThat(view.range().start()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(_size(view.dayGrid())).isEqualTo(24);

        view.choose(RangePreset.LAST_90_DAYS);
        assertThat(_size(view.dayGrid())).isEqualTo(90);
    }

    @Test
    void customRange_fromThePickers_switchesThePresetToCustom() {
        SpendView view = open();

        view.chooseCustom(LocalDate.of(2026, 9, 1), LocalDate.of(2026, 9, 30));

        @SuppressWarnings("unchecked")
        Select<RangePreset> preset = _get(Select.class, spec -> spec.withId("range-preset"));
        assertThat(preset.getValue()).isEqualTo(RangePreset.CUSTOM);
        assertThat(view.cards().totalText()).isEqualTo("$460.50");
    }

    @Test
    void customRange_endingBeforeItStarts_isRefusedAtThePicker() {
        SpendView view = open();

        view.chooseCustom(LocalDate.of(2026, 9, 30), LocalDate.of(2026, 9, 1));

        DatePicker to = _get(DatePicker.class, spec -> spec.withId("range-to"));
        assertThat(to.isInvalid()).isTrue();
        assertThat(to.getErrorMessage()).isEqualTo("Pick a day on or after 2026-09-30");
        assertThat(view.cards().totalText()).isEqualTo("$490.50");
    }

    @Test
    void dayGrid_ofNinetyDays_isReadWhole_soScrollingAndSortingAskNothingMore() {
        SpendView view = open();
        view.choose(RangePreset.LAST_90_DAYS);
        int before = server.costs().queries().size();

        List<CostLine> rows = _fetch(view.dayGrid(), 60, 20);
        view.dayGrid()
                .sort(com.vaadin.flow.component.grid.GridSortOrder.desc(
                                view.dayGrid().getColumnByKey("day"))
                        .build());

        assertThat(rows).extracting(CostLine::period).startsWith(LocalDate.of(2026, 10, 26));
        assertThat(_fetch(view.dayGrid(), 0, 1))
                .extracting(CostLine::period)
                .containsExactly(LocalDate.of(2026, 11, 24));
        assertThat(server.costs().queries()).hasSize(before);
    }

    @Test
    void dailyChart_isServerSideSvg_stackedByModelFamily() {
        SpendView view = open();

        Svg svg = _get(view.chart(), Svg.class);
        String markup = svg.getElement().getProperty("innerHTML");
        assertThat(markup)
                .startsWith("<svg")
                .contains("viewBox=\"0 0 960 320\"")
                .contains("Opus", "Sonnet", "Haiku", SpendChart.NO_MODEL);
    }

    @Test
    void csvAndFocusDownloads_areOffered() {
        open();

        assertThat(_get(Anchor.class, spec -> spec.withId("download-csv")).getText())
                .isEqualTo("Download CSV");
        assertThat(_get(Anchor.class, spec -> spec.withId("download-focus")).getHref())
                .isNotEmpty();
    }

    @Test
    void csvDownload_streamsTheServersExport_forTheRangeOnScreen() throws Exception {
        SpendView view = open();
        view.choose(RangePreset.LAST_7_DAYS);
        MockHttpServletResponse http = new MockHttpServletResponse();

        view.export(download(http), ExportKind.CSV);

        assertThat(http.getHeader("Content-Disposition")).contains("finora-spend-2026-11-18_2026-11-24.csv");
        assertThat(http.getContentAsString()).startsWith("date,model,workspace_id,amount_usd\n2026-11-18,");
        assertThat(http.getContentAsString().lines()).hasSize(1 + 7 * 4);
    }

    @Test
    void csvDownload_whenTheServerIsDown_answers503_notABrokenFile() throws Exception {
        SpendView view = open();
        server.failNextCall(
                io.grpc.Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());
        MockHttpServletResponse http = new MockHttpServletResponse();

        view.export(download(http), ExportKind.CSV);

        assertThat(http.getStatus()).isEqualTo(503);
        assertThat(http.getErrorMessage()).startsWith("The Finora server is not reachable at");
    }

    private static DownloadEvent download(MockHttpServletResponse http) {
        VaadinServletResponse response =
                new VaadinServletResponse(http, (VaadinServletService) VaadinService.getCurrent());
        return new DownloadEvent(
                VaadinRequest.getCurrent(),
                response,
                VaadinSession.getCurrent(),
                _get(Anchor.class, spec -> spec.withId("download-csv")).getElement());
    }

    @Test
    void freshness_withoutAnyConnectedProvider_butKeptHistory_saysHistoryOnly() {
        assertThat(SpendView.freshnessText(new Freshness(null, null), new java.math.BigDecimal("12.50")))
                .startsWith("History only: no connected provider is being refreshed");
    }

    @Test
    void noSpendStoredYet_saysWhenItArrives() {
        server.costs().clear();

        SpendView view = open();

        assertThat(_get(com.vaadin.flow.component.html.Paragraph.class, spec -> spec.withId("freshness"))
                        .getText())
                .startsWith("No spend stored yet");
        assertThat(view.chart().getElement().getTextRecursively()).isEqualTo("No spend in this range.");
        assertThat(view.cards().totalText()).isEqualTo("$0.00");
        assertThat(view.cards().changeText()).isEqualTo("—");
    }

    @Test
    void serverDown_failsTheViewAsUnreachable_soTheRouterShowsTheFriendlyPage() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            CostClient unreachable = new CostClient(nowhere, Duration.ofSeconds(2), Duration.ofSeconds(2));
            IntegrationClient unreachableIntegrations =
                    new IntegrationClient(nowhere, Duration.ofSeconds(2), Duration.ofSeconds(2));

            assertThatThrownBy(() -> new SpendView(
                            unreachable,
                            unreachableIntegrations,
                            new AnomalyClient(nowhere, Duration.ofSeconds(2)),
                            new CurrentSession(),
                            CLOCK))
                    .isInstanceOf(ServerUnreachableException.class)
                    .hasMessageStartingWith("The Finora server is not reachable at");
        } finally {
            nowhere.shutdownNow();
        }
    }

    @Test
    void expiredSession_failsTheViewAsUnauthenticated_soTheRouterSendsToLogin() {
        server.revokeSession();

        assertThatThrownBy(this::open).isInstanceOf(NotAuthenticatedException.class);
    }
}
