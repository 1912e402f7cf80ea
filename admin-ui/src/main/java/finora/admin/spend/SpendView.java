package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import com.vaadin.flow.server.streams.DownloadEvent;
import finora.admin.base.Badge;
import finora.admin.base.BrowserTime;
import finora.admin.base.MainLayout;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import finora.admin.security.CurrentSession;
import finora.admin.settings.IntegrationClient;
import finora.admin.settings.ProviderOption;
import jakarta.annotation.security.PermitAll;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The spend dashboard, the start page after sign-in: the filter bar (a range of UTC days, ending yesterday
 * by default because today is never stored, and filters, with the downloads); the total, its change and
 * the month-end projection, with what the total covers; a daily chart stacked by model family that marks
 * provisional, corrected and anomalous days; the anomalies (with what rose most) and the corrections of
 * the range; the price check (where billed cost and tokens × list price disagree, with the likely reason);
 * breakdowns by day, model (or family and version), workspace, API key and user, each sortable by any column; and how fresh and how final the data is. Where Anthropic's Cost Analytics API filled the
 * days, a discount card, filters by API key, user and product, and, apart from every total, today's
 * provisional estimate.
 */
@Route(value = "spend", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Spend")
@PermitAll
public class SpendView extends VerticalLayout {

    private final CostClient client;
    private final AnomalyClient anomalyClient;
    private final CurrentSession session;
    private final Clock clock;

    private final SpendDownloads downloads;
    private final SpendFilterBar filterBar;
    private final Paragraph freshness = new Paragraph();
    private final SpendCards cards = new SpendCards();
    private final Paragraph coverage = new Paragraph();
    private static final String CHART_HEADING = "Daily spend by model family (USD per UTC day)";
    private final Div chart = new Div();
    private final H3 chartHeading = new H3(CHART_HEADING);
    private final CorrectionsList corrections = new CorrectionsList();
    private final AnomaliesList anomalies = new AnomaliesList();
    private final PriceCheckList priceCheck = new PriceCheckList();
    private final Select<ModelBreakdown> modelBreakdown = new Select<>();
    private final BreakdownGrid byDay;
    private final BreakdownGrid byModel;
    private final BreakdownGrid byWorkspace;
    private final BreakdownGrid byApiKey;
    private final BreakdownGrid byActor;
    private SpendSelection shown;

    public SpendView(
            CostClient client,
            IntegrationClient integrations,
            AnomalyClient anomalyClient,
            CurrentSession session,
            Clock clock) {
        this.client = client;
        this.anomalyClient = anomalyClient;
        this.session = session;
        this.clock = clock;
        setWidthFull();

        byDay = new BreakdownGrid(
                "by-day",
                grid -> grid.componentColumn(
                                "day",
                                "Day (UTC)",
                                this::dayCell,
                                Comparator.comparing(
                                        CostLine::period, Comparator.nullsFirst(Comparator.naturalOrder())))
                        .setFlexGrow(1));
        byModel = new BreakdownGrid("by-model", grid -> {
            grid.textColumn(
                            "model",
                            "Model",
                            line -> line.model() == null || line.model().isEmpty() ? SpendChart.NO_MODEL : line.model())
                    .setFlexGrow(2)
                    .setTooltipGenerator(CostLine::model);
            // Grouped by family and version there is no model column to name the costs without a model.
            grid.textColumn(
                            "family",
                            "Family",
                            line -> !line.modelFamily().isEmpty()
                                    ? line.modelFamily()
                                    : line.model() == null ? SpendChart.NO_MODEL : "—")
                    .setFlexGrow(1);
            grid.textColumn("version", "Version", line -> line.modelVersion().isEmpty() ? "—" : line.modelVersion())
                    .setAutoWidth(true)
                    .setFlexGrow(0);
        });
        byWorkspace = new BreakdownGrid("by-workspace", grid -> {
            grid.textColumn("workspace", "Project / workspace", CostLine::workspaceName)
                    .setFlexGrow(2)
                    .setTooltipGenerator(CostLine::workspaceName);
            // OpenAI projects and Anthropic workspaces share this dimension; the provider says whose.
            grid.textColumn(
                            "provider",
                            "Provider",
                            line -> line.provider() == null
                                    ? ""
                                    : line.provider().displayName())
                    .setAutoWidth(true)
                    .setFlexGrow(0);
            grid.textColumn("id", "Id", CostLine::workspaceId)
                    .setFlexGrow(1)
                    .setTooltipGenerator(CostLine::workspaceId);
        });
        byApiKey = new BreakdownGrid("by-api-key", grid -> {
            grid.textColumn("api-key", "API key", CostLine::apiKeyName)
                    .setFlexGrow(2)
                    .setTooltipGenerator(CostLine::apiKeyId);
            listPriceColumn(grid);
        });
        byActor = new BreakdownGrid("by-user", grid -> {
            grid.textColumn("user", "User or service account", CostLine::actorName)
                    .setFlexGrow(2)
                    .setTooltipGenerator(CostLine::actorId);
            listPriceColumn(grid);
        });

        downloads = new SpendDownloads(client, session);
        filterBar = new SpendFilterBar(client, session, this::yesterday, this::load, downloads);
        freshness.setId("freshness");
        freshness.addClassName("quiet-line");
        chartHeading.setId("daily-chart-heading");
        chart.setId("daily-chart");
        chart.setWidthFull();
        chart.addClassName("daily-chart");

        add(
                new H2("Spend"),
                filterBar,
                freshness,
                cards,
                coverageNote(integrations),
                chartHeading,
                chart,
                new H3("Anomalies"),
                help("Days whose spend rose far above the usual for their weekday (median of the same "
                        + "weekday in up to 8 earlier weeks), for the whole organization and each budget's scope (filters do not "
                        + "apply), with what rose most."),
                anomalies,
                new H3("Corrections"),
                help("Days whose total changed when Finora fetched them again, for the whole "
                        + "organization (filters do not apply). A late correction came after the day was final."),
                corrections,
                new H3("Price check"),
                help("Where billed cost differs from tokens × list price beyond rounding, for the "
                        + "whole organization (filters do not apply), with the likely reason. Nothing is corrected: totals stay "
                        + "what was billed."),
                priceCheck,
                breakdowns());
        filterBar.choose(RangePreset.LAST_30_DAYS);
        addAttachListener(e -> cards.browserZone(BrowserTime.zone()));
    }

    /** List price of a group, where its days state one: the discount shows against the amount beside it. */
    private static void listPriceColumn(BreakdownGrid grid) {
        grid.moneyColumn("list", "List price", CostLine::listAmount)
                .setTooltipGenerator(line -> line.listAmount() == null
                        ? "No list price: these days came from the legacy cost report"
                        : "Before discounts");
    }

    /** What the totals cover and what not (e.g. no Priority Tier), in the server's words, under the cards. */
    private Component coverageNote(IntegrationClient integrations) {
        List<ProviderOption> providers = integrations.providers(session.token()).stream()
                .filter(p -> !p.coverage().isBlank())
                .toList();
        coverage.setId("coverage-note");
        coverage.setText(
                providers.size() == 1
                        ? providers.get(0).coverage()
                        : providers.stream()
                                .map(p -> p.displayName() + ": " + p.coverage())
                                .collect(Collectors.joining(" ")));
        HorizontalLayout note = new HorizontalLayout(VaadinIcon.INFO_CIRCLE_O.create(), coverage);
        note.setVisible(!providers.isEmpty());
        note.setSpacing(false);
        note.addClassName("coverage-note");
        return note;
    }

    private Component breakdowns() {
        FlexLayout layout = new FlexLayout();
        layout.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        layout.setWidthFull();
        layout.addClassName("breakdowns");
        modelBreakdown.setId("model-breakdown");
        modelBreakdown.setAriaLabel("Group models by");
        modelBreakdown.setItems(ModelBreakdown.values());
        modelBreakdown.setItemLabelGenerator(ModelBreakdown::label);
        modelBreakdown.setValue(ModelBreakdown.MODEL);
        modelBreakdown.setWidth("12rem");
        modelBreakdown.addThemeName("small");
        modelBreakdown.addValueChangeListener(e -> {
            if (e.getValue() != null && shown != null) {
                showModels(session.token(), shown.range(), shown.filters());
            }
        });
        HorizontalLayout modelTitle = new HorizontalLayout(new H3("By model"), modelBreakdown);
        modelTitle.setAlignItems(FlexComponent.Alignment.BASELINE);
        modelTitle.setWidthFull();
        modelTitle.setJustifyContentMode(FlexComponent.JustifyContentMode.BETWEEN);
        layout.add(
                section(new H3("By day"), byDay),
                section(modelTitle, byModel),
                section(new H3("By provider and project / workspace"), byWorkspace),
                section(new H3("By API key"), byApiKey),
                section(new H3("By user"), byActor));
        return layout;
    }

    private static Component section(Component title, BreakdownGrid grid) {
        VerticalLayout box = new VerticalLayout(title, grid);
        box.setPadding(false);
        box.setSpacing(false);
        box.addClassName("breakdown");
        return box;
    }

    /** Picks a preset: its range goes into the pickers and the page loads. */
    void choose(RangePreset choice) {
        filterBar.choose(choice);
    }

    /** Sets a custom range, as a user picking both days would. */
    void chooseCustom(LocalDate start, LocalDate end) {
        filterBar.chooseCustom(start, end);
    }

    /** The range on screen, or null while the custom range is incomplete or invalid. */
    DateRange range() {
        return filterBar.range();
    }

    /** Loads cards, chart, grids and freshness for the range and filters on screen. */
    void load() {
        DateRange range = filterBar.range();
        if (range == null) {
            return;
        }
        CostFilters filters = filterBar.filters();
        String token = session.token();
        SpendSummary summary = client.summary(token, range, filters);
        cards.show(summary, range);
        // The range never reaches today (only closed days are stored); one ending yesterday is the current one.
        Optional<TodaySoFar> today = range.end().isBefore(yesterday())
                ? Optional.empty()
                : client.todaySoFar(token, yesterday().plusDays(1));
        cards.showToday(today);
        freshness.setText(freshnessText(summary.freshness(), summary.total(), today.isPresent()));

        List<CostLine> daily = client.queryAll(
                token,
                new CostQuery(
                        range,
                        List.of(CostGrouping.DAY, CostGrouping.PROVIDER, CostGrouping.MODEL_FAMILY),
                        filters,
                        CostOrdering.DATE));
        corrections.show(client.corrections(token, range));
        anomalies.show(anomalyClient.anomalies(token, range));
        showPriceCheck(token, range);
        chart.removeAll();
        chartHeading.setText(
                daily.stream()
                                        .map(CostLine::provider)
                                        .filter(p -> p != null)
                                        .distinct()
                                        .count()
                                > 1
                        ? "Daily spend by provider and model family (USD per UTC day)"
                        : CHART_HEADING);
        if (daily.isEmpty()) {
            Paragraph empty = new Paragraph("No spend in this range.");
            empty.addClassName("quiet-line");
            chart.add(empty);
        } else {
            chart.add(new Svg(SpendChart.svg(daily, range, corrections.days(), anomalies.days())));
        }

        byDay.show(
                order -> pages(token, new CostQuery(range, List.of(CostGrouping.DAY), filters, order)),
                CostOrdering.DATE);
        showModels(token, range, filters);
        byWorkspace.show(
                order -> pages(
                        token,
                        new CostQuery(range, List.of(CostGrouping.PROVIDER, CostGrouping.WORKSPACE), filters, order)),
                CostOrdering.AMOUNT_DESC);
        byApiKey.show(
                order -> pages(token, new CostQuery(range, List.of(CostGrouping.API_KEY), filters, order)),
                CostOrdering.AMOUNT_DESC);
        byActor.show(
                order -> pages(token, new CostQuery(range, List.of(CostGrouping.ACTOR), filters, order)),
                CostOrdering.AMOUNT_DESC);
        shown = new SpendSelection(range, filters);
        downloads.select(shown);
    }

    /**
     * The price check, or why it could not be loaded: it explains the numbers rather than being them, so
     * a refusal (e.g. a server without the check) leaves the rest of the page. An expired session or an
     * unreachable server still fails the view, as every other call does.
     */
    private void showPriceCheck(String token, DateRange range) {
        try {
            priceCheck.show(client.priceCheck(token, range));
        } catch (NotAuthenticatedException | ServerUnreachableException e) {
            throw e;
        } catch (FinoraCallException e) {
            priceCheck.showFailure(e.getMessage());
        }
    }

    /** The model breakdown, by model id or by family and version as chosen above it. */
    private void showModels(String token, DateRange range, CostFilters filters) {
        ModelBreakdown grouping = modelBreakdown.getValue();
        boolean byId = grouping == ModelBreakdown.MODEL;
        byModel.grid().getColumnByKey("model").setVisible(byId);
        byModel.grid().getColumnByKey("family").setFooter(byId ? "" : "Total"); // the model column's footer is hidden
        byModel.show(
                order -> pages(token, new CostQuery(range, grouping.groupBy(), filters, order)),
                CostOrdering.AMOUNT_DESC);
    }

    private CostPages pages(String token, CostQuery query) {
        return new CostPages(
                pageToken -> client.query(token, query, BreakdownGrid.QUERY_PAGE_SIZE, pageToken),
                BreakdownGrid.QUERY_PAGE_SIZE);
    }

    /**
     * The freshness line: complete through which day, final through which day, and that today comes
     * tomorrow. Freshness covers connected providers only, so with none left the costs shown (if any)
     * are the kept history of removed ones.
     */
    static String freshnessText(Freshness freshness, BigDecimal rangeTotal) {
        return freshnessText(freshness, rangeTotal, false);
    }

    /**
     * The same; with today's estimate on screen, today's final number still appears tomorrow and the
     * estimate is pointed to.
     */
    static String freshnessText(Freshness freshness, BigDecimal rangeTotal, boolean todayShown) {
        if (freshness.complete().isEmpty()) {
            return rangeTotal.signum() != 0
                    ? "History only: no connected provider is being refreshed, so no newer days arrive."
                    : "No spend stored yet: it appears after a connected provider's first refresh. "
                            + "Today's spend appears tomorrow.";
        }
        String complete = "Complete through " + freshness.completeThrough();
        String today = todayShown
                ? "; today's spend appears tomorrow (until then, an estimate under Today so far)."
                : "; today's spend appears tomorrow.";
        return freshness
                .finalDay()
                .map(last -> complete + "; final through " + last + " (re-checked at least 2 days after the day closed)"
                        + today)
                .orElse(complete
                        + "; no day is final yet (a day is final once re-checked at least 2 days after it closed)"
                        + today);
    }

    /** A day of the day grid, with badges when Anthropic may still change it or has corrected it. */
    private Component dayCell(CostLine line) {
        Span cell = new Span(new Span(line.period() == null ? "" : line.period().toString()));
        if (line.provisional()) {
            cell.add(Badge.titled(
                    "provisional", Badge.Tone.WARNING, "provisional", "Anthropic may still correct this day"));
        }
        if (line.period() != null && corrections.days().contains(line.period())) {
            cell.add(Badge.titled(
                    "corrected",
                    Badge.Tone.PRIMARY,
                    "corrected",
                    "A re-fetch changed this day's total: see Corrections"));
        }
        return cell;
    }

    void export(DownloadEvent event, ExportKind kind) throws IOException {
        downloads.export(event, kind);
    }

    private LocalDate yesterday() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    }

    SpendCards cards() {
        return cards;
    }

    BreakdownGrid byDay() {
        return byDay;
    }

    BreakdownGrid byModel() {
        return byModel;
    }

    BreakdownGrid byWorkspace() {
        return byWorkspace;
    }

    BreakdownGrid byApiKey() {
        return byApiKey;
    }

    BreakdownGrid byActor() {
        return byActor;
    }

    Div chart() {
        return chart;
    }

    CorrectionsList corrections() {
        return corrections;
    }

    AnomaliesList anomalies() {
        return anomalies;
    }

    PriceCheckList priceCheck() {
        return priceCheck;
    }

    private static Paragraph help(String text) {
        Paragraph help = new Paragraph(text);
        help.addClassName("help");
        return help;
    }

    Select<ModelBreakdown> modelBreakdown() {
        return modelBreakdown;
    }

    Grid<CostLine> dayGrid() {
        return byDay.grid();
    }
}
