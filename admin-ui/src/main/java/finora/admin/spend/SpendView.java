package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
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
import com.vaadin.flow.server.streams.DownloadHandler;
import finora.admin.base.Badge;
import finora.admin.base.MainLayout;
import finora.admin.grpc.BudgetClient;
import finora.admin.grpc.CostClient;
import finora.admin.grpc.CostFilters;
import finora.admin.grpc.CostGrouping;
import finora.admin.grpc.CostLine;
import finora.admin.grpc.CostOrdering;
import finora.admin.grpc.CostPage;
import finora.admin.grpc.CostQuery;
import finora.admin.grpc.Correction;
import finora.admin.grpc.DateRange;
import finora.admin.grpc.ExportKind;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.Freshness;
import finora.admin.grpc.IntegrationClient;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ProviderOption;
import finora.admin.grpc.SpendSummary;
import finora.admin.grpc.TagOption;
import finora.admin.grpc.TodaySoFar;
import finora.admin.security.CurrentSession;
import jakarta.annotation.security.PermitAll;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spend dashboard, the start page after sign-in: a date range (UTC days, ending yesterday by
 * default because today is never stored) and filters; the total, its change and the month-end
 * projection, with what the total covers; a daily chart stacked by model family that marks provisional,
 * corrected and anomalous days; the anomalies (with what rose most) and the corrections of the range;
 * breakdowns by day, model (or family and version), workspace, API key and user; CSV and FOCUS downloads;
 * and how fresh and how final the data is. Where Anthropic's Cost Analytics API filled the days, a
 * discount card, filters by API key, user and product, and, apart from every total, today's provisional
 * estimate.
 */
@Route(value = "spend", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Spend")
@PermitAll
public class SpendView extends VerticalLayout {

  /** Rows per call when the chart reads every day and family of a range. */
  static final int CHART_PAGE_SIZE = 1000;
  static final int MAX_RANGE_DAYS = 731;

  private static final Logger log = LoggerFactory.getLogger(SpendView.class);

  private final CostClient client;
  private final CurrentSession session;
  private final Clock clock;

  private final Select<RangePreset> preset = new Select<>();
  private final DatePicker from = new DatePicker("From");
  private final DatePicker to = new DatePicker("To");
  private final MultiSelectComboBox<String> families = new MultiSelectComboBox<>("Model family");
  private final MultiSelectComboBox<String> models = new MultiSelectComboBox<>("Model");
  private final MultiSelectComboBox<TagOption> workspaces = new MultiSelectComboBox<>("Workspace");
  private final MultiSelectComboBox<TagOption> apiKeys = new MultiSelectComboBox<>("API key");
  private final MultiSelectComboBox<TagOption> actors = new MultiSelectComboBox<>("User");
  private final MultiSelectComboBox<TagOption> products = new MultiSelectComboBox<>("Product");
  private final MultiSelectComboBox<finora.admin.grpc.AiProvider> providers = new MultiSelectComboBox<>("Provider");
  private final Paragraph freshness = new Paragraph();
  private final SpendCards cards = new SpendCards();
  private final Paragraph coverage = new Paragraph();
  private final Div chart = new Div();
  private final CorrectionsList corrections = new CorrectionsList();
  private final AnomaliesList anomalies = new AnomaliesList();
  private final BudgetClient budgets;
  private final Select<ModelBreakdown> modelBreakdown = new Select<>();
  private final BreakdownGrid byDay;
  private final BreakdownGrid byModel;
  private final BreakdownGrid byWorkspace;
  private final BreakdownGrid byApiKey;
  private final BreakdownGrid byActor;
  private boolean updating;
  private volatile Selection exportSelection;

  /** What a download exports: the range and filters on screen when the page last loaded. */
  private record Selection(DateRange range, CostFilters filters) {}

  public SpendView(CostClient client, IntegrationClient integrations, BudgetClient budgets, CurrentSession session,
      Clock clock) {
    this.client = client;
    this.budgets = budgets;
    this.session = session;
    this.clock = clock;
    setWidthFull();

    byDay = new BreakdownGrid("by-day", grid -> grid.addComponentColumn(this::dayCell)
        .setKey("day").setHeader("Day (UTC)").setFlexGrow(1));
    byModel = new BreakdownGrid("by-model", grid -> {
      grid.addColumn(line -> line.model() == null || line.model().isEmpty() ? SpendChart.NO_MODEL : line.model())
          .setKey("model").setHeader("Model").setFlexGrow(2).setTooltipGenerator(CostLine::model);
      // Grouped by family and version there is no model column to name the costs without a model.
      grid.addColumn(line -> !line.modelFamily().isEmpty() ? line.modelFamily()
              : line.model() == null ? SpendChart.NO_MODEL : "—")
          .setKey("family").setHeader("Family").setFlexGrow(1);
      grid.addColumn(line -> line.modelVersion().isEmpty() ? "—" : line.modelVersion())
          .setKey("version").setHeader("Version").setAutoWidth(true).setFlexGrow(0);
    });
    byWorkspace = new BreakdownGrid("by-workspace", grid -> {
      // OpenAI projects and Anthropic workspaces share this dimension; the provider says whose.
      grid.addColumn(line -> line.provider() == null ? "" : line.provider().displayName()).setKey("provider")
          .setHeader("Provider").setAutoWidth(true).setFlexGrow(0);
      grid.addColumn(CostLine::workspaceName).setKey("workspace").setHeader("Project / workspace").setFlexGrow(2)
          .setTooltipGenerator(CostLine::workspaceName);
      grid.addColumn(CostLine::workspaceId).setKey("id").setHeader("Id").setFlexGrow(1)
          .setTooltipGenerator(CostLine::workspaceId);
    });
    byApiKey = new BreakdownGrid("by-api-key", grid -> {
      grid.addColumn(CostLine::apiKeyName).setKey("api-key").setHeader("API key").setFlexGrow(2)
          .setTooltipGenerator(CostLine::apiKeyId);
      listPriceColumn(grid);
    });
    byActor = new BreakdownGrid("by-user", grid -> {
      grid.addColumn(CostLine::actorName).setKey("user").setHeader("User or service account").setFlexGrow(2)
          .setTooltipGenerator(CostLine::actorId);
      listPriceColumn(grid);
    });

    freshness.setId("freshness");
    freshness.getStyle().set("color", "var(--lumo-secondary-text-color)").set("margin", "0");
    chart.setId("daily-chart");
    chart.setWidthFull();
    chart.getStyle().set("max-width", "72rem");
    H3 correctionsTitle = new H3("Corrections");
    Paragraph correctionsHelp = new Paragraph("Days whose total changed when Finora fetched them again, for the "
        + "whole organization (filters do not apply). A late correction came after the day was final.");
    correctionsHelp.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size",
        "var(--lumo-font-size-s)").set("margin", "0 0 var(--lumo-space-s) 0");

    add(new H2("Spend"), toolbar(), freshness, cards, coverageNote(integrations),
        new H3("Daily spend by model family (USD per UTC day)"), chart,
        new H3("Anomalies"), help("Days whose spend rose far above the usual for their weekday (median of the same "
            + "weekday in up to 8 earlier weeks), for the whole organization and each budget's scope (filters do not "
            + "apply), with what rose most."), anomalies,
        correctionsTitle, correctionsHelp, corrections,
        breakdowns());
    choose(RangePreset.LAST_30_DAYS);
    addAttachListener(e -> e.getUI().getPage().retrieveExtendedClientDetails(details -> {
      try {
        cards.browserZone(java.time.ZoneId.of(details.getTimeZoneId()));
      } catch (RuntimeException unknownZone) {
        // no zone (or one Java does not know): today's card gives UTC only
      }
    }));
  }

  /** List price of a group, where its days state one: the discount shows against the amount beside it. */
  private static void listPriceColumn(Grid<CostLine> grid) {
    grid.addColumn(line -> line.listAmount() == null ? "—" : Usd.format(line.listAmount())).setKey("list")
        .setHeader("List price").setTextAlign(com.vaadin.flow.component.grid.ColumnTextAlign.END).setAutoWidth(true)
        .setFlexGrow(0).setTooltipGenerator(line -> line.listAmount() == null
            ? "No list price: these days came from the legacy cost report" : "Before discounts");
  }

  /** What the totals cover and what not (e.g. no Priority Tier), in the server's words, under the cards. */
  private Component coverageNote(IntegrationClient integrations) {
    List<ProviderOption> providers = integrations.providers(session.token()).stream()
        .filter(p -> !p.coverage().isBlank()).toList();
    coverage.setId("coverage-note");
    coverage.setText(providers.size() == 1 ? providers.get(0).coverage() : providers.stream()
        .map(p -> p.displayName() + ": " + p.coverage()).collect(Collectors.joining(" ")));
    coverage.getStyle().set("margin", "0");
    HorizontalLayout note = new HorizontalLayout(VaadinIcon.INFO_CIRCLE_O.create(), coverage);
    note.setVisible(!providers.isEmpty());
    note.setSpacing(false);
    note.getStyle().set("gap", "var(--lumo-space-s)").set("color", "var(--lumo-secondary-text-color)")
        .set("font-size", "var(--lumo-font-size-s)").set("max-width", "72rem");
    note.getChildren().findFirst().ifPresent(icon -> icon.getStyle().set("flex", "none")
        .set("width", "var(--lumo-icon-size-s)").set("height", "var(--lumo-icon-size-s)"));
    return note;
  }

  private Component toolbar() {
    preset.setId("range-preset");
    preset.setLabel("Range");
    preset.setItems(RangePreset.values());
    preset.setItemLabelGenerator(RangePreset::label);
    preset.addValueChangeListener(e -> {
      if (!updating && e.getValue() != null && e.getValue() != RangePreset.CUSTOM) {
        choose(e.getValue());
      }
    });
    DatePicker.DatePickerI18n i18n = new DatePicker.DatePickerI18n().setDateFormat("yyyy-MM-dd").setFirstDayOfWeek(1);
    for (DatePicker picker : List.of(from, to)) {
      picker.setI18n(i18n);
      picker.setMax(yesterday());
      picker.setWidth("10rem");
      picker.setHelperText("UTC");
      picker.addValueChangeListener(e -> {
        if (!updating && e.isFromClient()) {
          customRangeChanged();
        }
      });
    }
    from.setId("range-from");
    to.setId("range-to");

    families.setId("filter-family");
    models.setId("filter-model");
    workspaces.setId("filter-workspace");
    workspaces.setItemLabelGenerator(TagOption::displayName);
    workspaces.setItems(client.tagValues(session.token(), CostClient.WORKSPACE_TAG));
    analyticsFilter(apiKeys, "filter-api-key", CostClient.API_KEY_TAG);
    analyticsFilter(actors, "filter-user", CostClient.ACTOR_TAG);
    analyticsFilter(products, "filter-product", CostClient.PRODUCT_TAG);
    providers.setId("filter-provider");
    providers.setItemLabelGenerator(finora.admin.grpc.AiProvider::displayName);
    providers.setItems(finora.admin.grpc.AiProvider.values());
    for (MultiSelectComboBox<?> filter : List.of(providers, families, models, workspaces, apiKeys, actors,
        products)) {
      filter.setClearButtonVisible(true);
      filter.setWidth("14rem");
      filter.addValueChangeListener(e -> {
        if (!updating) {
          load();
        }
      });
    }

    Anchor csv = new Anchor(download(ExportKind.CSV), AttachmentType.DOWNLOAD, "Download CSV");
    csv.setId("download-csv");
    Anchor focus = new Anchor(download(ExportKind.FOCUS), AttachmentType.DOWNLOAD, "FOCUS 1.2");
    focus.setId("download-focus");
    focus.setTitle("Line items with FOCUS 1.2 columns, CSV encoded");
    HorizontalLayout downloads = new HorizontalLayout(csv, focus);
    downloads.setAlignItems(FlexComponent.Alignment.BASELINE);

    FlexLayout bar = new FlexLayout(preset, from, to, providers, families, models, workspaces, apiKeys, actors,
        products, downloads);
    bar.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    bar.setAlignItems(FlexComponent.Alignment.BASELINE);
    bar.getStyle().set("gap", "var(--lumo-space-m)");
    bar.setWidthFull();
    return bar;
  }

  /** A filter by a tag only the Cost Analytics API fills; hidden while the data has no value for it. */
  private void analyticsFilter(MultiSelectComboBox<TagOption> box, String id, String tagKey) {
    box.setId(id);
    box.setItemLabelGenerator(TagOption::displayName);
    List<TagOption> options = client.tagValues(session.token(), tagKey);
    box.setItems(options);
    box.setVisible(!options.isEmpty());
  }

    private Component breakdowns() {
    FlexLayout layout = new FlexLayout();
    layout.setFlexWrap(FlexLayout.FlexWrap.WRAP);
    layout.setWidthFull();
    layout.getStyle().set("gap", "var(--lumo-space-l)");
    modelBreakdown.setId("model-breakdown");
    modelBreakdown.setAriaLabel("Group models by");
    modelBreakdown.setItems(ModelBreakdown.values());
    modelBreakdown.setItemLabelGenerator(ModelBreakdown::label);
    modelBreakdown.setValue(ModelBreakdown.MODEL);
    modelBreakdown.setWidth("12rem");
    modelBreakdown.addThemeName("small");
    modelBreakdown.addValueChangeListener(e -> {
      Selection shown = exportSelection;
      if (e.getValue() != null && shown != null) {
        showModels(session.token(), shown.range(), shown.filters());
      }
    });
    HorizontalLayout modelTitle = new HorizontalLayout(new H3("By model"), modelBreakdown);
    modelTitle.setAlignItems(FlexComponent.Alignment.BASELINE);
    modelTitle.setWidthFull();
    modelTitle.setJustifyContentMode(FlexComponent.JustifyContentMode.BETWEEN);
    layout.add(section(new H3("By day"), byDay), section(modelTitle, byModel),
        section(new H3("By provider and project / workspace"), byWorkspace), section(new H3("By API key"), byApiKey),
        section(new H3("By user"), byActor));
    return layout;
  }

  private static Component section(Component title, BreakdownGrid grid) {
    VerticalLayout box = new VerticalLayout(title, grid);
    box.setPadding(false);
    box.setSpacing(false);
    box.getStyle().set("flex", "1 1 22rem").set("min-width", "20rem");
    return box;
  }

  /** Picks a preset: its range goes into the pickers and the page loads. */
  void choose(RangePreset choice) {
    DateRange range = choice.range(yesterday());
    updating = true;
    try {
      preset.setValue(choice);
      from.setValue(range.start());
      to.setValue(range.end());
      from.setInvalid(false);
      to.setInvalid(false);
    } finally {
      updating = false;
    }
    rangeChanged();
  }

  /** Sets a custom range, as a user picking both days would. */
  void chooseCustom(LocalDate start, LocalDate end) {
    updating = true;
    try {
      from.setValue(start);
      to.setValue(end);
    } finally {
      updating = false;
    }
    customRangeChanged();
  }

  private void customRangeChanged() {
    updating = true;
    try {
      preset.setValue(RangePreset.CUSTOM);
    } finally {
      updating = false;
    }
    LocalDate start = from.getValue();
    LocalDate end = to.getValue();
    from.setInvalid(false);
    to.setInvalid(false);
    if (start == null || end == null) {
      return;
    }
    if (end.isBefore(start)) {
      to.setErrorMessage("Pick a day on or after " + start);
      to.setInvalid(true);
      return;
    }
    if (new DateRange(start, end).days() > MAX_RANGE_DAYS) {
      to.setErrorMessage("At most " + MAX_RANGE_DAYS + " days (2 years)");
      to.setInvalid(true);
      return;
    }
    rangeChanged();
  }

  private void rangeChanged() {
    loadFilterOptions();
    load();
  }

  /** The range on screen, or null while the custom range is incomplete or invalid. */
  DateRange range() {
    LocalDate start = from.getValue();
    LocalDate end = to.getValue();
    return start == null || end == null || end.isBefore(start) ? null : new DateRange(start, end);
  }

  CostFilters filters() {
    return new CostFilters(List.copyOf(families.getSelectedItems()), List.copyOf(models.getSelectedItems()),
        values(workspaces), values(apiKeys), values(actors), values(products),
        List.copyOf(providers.getSelectedItems()));
  }

  private static List<String> values(MultiSelectComboBox<TagOption> tag) {
    return tag.getSelectedItems().stream().map(TagOption::value).toList();
  }

  /** Model families and models that have spend in the range, for the filter lists. */
  private void loadFilterOptions() {
    DateRange range = range();
    if (range == null) {
      return;
    }
    CostQuery query = new CostQuery(range, List.of(CostGrouping.MODEL_FAMILY, CostGrouping.MODEL),
        CostFilters.NONE, CostOrdering.AMOUNT_DESC);
    Set<String> familyOptions = new TreeSet<>();
    Set<String> modelOptions = new LinkedHashSet<>();
    for (CostLine line : allRows(query)) {
      if (!line.modelFamily().isEmpty()) {
        familyOptions.add(line.modelFamily());
      }
      if (!line.model().isEmpty()) {
        modelOptions.add(line.model());
      }
    }
    updating = true;
    try {
      keepSelected(families, familyOptions);
      keepSelected(models, modelOptions);
    } finally {
      updating = false;
    }
  }

  private static void keepSelected(MultiSelectComboBox<String> box, Set<String> options) {
    Set<String> selected = new LinkedHashSet<>(box.getSelectedItems());
    Set<String> items = new LinkedHashSet<>(options);
    items.addAll(selected); // a chosen value stays choosable even if the new range has no spend for it
    box.setItems(items);
    box.select(selected);
  }

  /** Loads cards, chart, grids and freshness for the range and filters on screen. */
  void load() {
    DateRange range = range();
    if (range == null) {
      return;
    }
    CostFilters filters = filters();
    String token = session.token();
    SpendSummary summary = client.summary(token, range, filters);
    cards.show(summary, range);
    // The range never reaches today (only closed days are stored); one ending yesterday is the current one.
    Optional<TodaySoFar> today = range.end().isBefore(yesterday()) ? Optional.empty()
        : client.todaySoFar(token, yesterday().plusDays(1));
    cards.showToday(today);
    freshness.setText(freshnessText(summary.freshness(), summary.total(), today.isPresent()));

    List<CostLine> daily = allRows(new CostQuery(range, List.of(CostGrouping.DAY, CostGrouping.MODEL_FAMILY),
        filters, CostOrdering.DATE));
    List<Correction> changed = client.corrections(token, range);
    corrections.show(changed);
    anomalies.show(budgets.anomalies(token, range));
    chart.removeAll();
    if (daily.isEmpty()) {
      Paragraph empty = new Paragraph("No spend in this range.");
      empty.getStyle().set("color", "var(--lumo-secondary-text-color)");
      chart.add(empty);
    } else {
      chart.add(new Svg(SpendChart.svg(daily, range, corrections.days(), anomalies.days())));
    }

    byDay.show(pages(token, new CostQuery(range, List.of(CostGrouping.DAY), filters, CostOrdering.DATE)));
    showModels(token, range, filters);
    byWorkspace.show(pages(token, new CostQuery(range, List.of(CostGrouping.PROVIDER, CostGrouping.WORKSPACE), filters,
        CostOrdering.AMOUNT_DESC)));
    byApiKey.showSortable(order -> pages(token, new CostQuery(range, List.of(CostGrouping.API_KEY), filters, order)));
    byActor.showSortable(order -> pages(token, new CostQuery(range, List.of(CostGrouping.ACTOR), filters, order)));
    exportSelection = new Selection(range, filters);
  }

  /** The model breakdown, by model id or by family and version as chosen above it. */
  private void showModels(String token, DateRange range, CostFilters filters) {
    ModelBreakdown grouping = modelBreakdown.getValue();
    boolean byId = grouping == ModelBreakdown.MODEL;
    byModel.grid().getColumnByKey("model").setVisible(byId);
    byModel.grid().getColumnByKey("family").setFooter(byId ? "" : "Total"); // the model column's footer is hidden
    byModel.show(pages(token, new CostQuery(range, grouping.groupBy(), filters, CostOrdering.AMOUNT_DESC)));
  }

  private CostPages pages(String token, CostQuery query) {
    return new CostPages(pageToken -> client.query(token, query, BreakdownGrid.PAGE_SIZE, pageToken),
        BreakdownGrid.PAGE_SIZE);
  }

  private List<CostLine> allRows(CostQuery query) {
    String token = session.token();
    List<CostLine> rows = new ArrayList<>();
    String pageToken = "";
    do {
      CostPage page = client.query(token, query, CHART_PAGE_SIZE, pageToken);
      rows.addAll(page.rows());
      pageToken = page.nextPageToken();
    } while (!pageToken.isEmpty());
    return rows;
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
    return freshness.finalDay()
        .map(last -> complete + "; final through " + last + " (re-checked at least 2 days after the day closed)" + today)
        .orElse(complete + "; no day is final yet (a day is final once re-checked at least 2 days after it closed)"
            + today);
  }

  /** A day of the day grid, with badges when Anthropic may still change it or has corrected it. */
  private Component dayCell(CostLine line) {
    Span cell = new Span(new Span(line.period() == null ? "" : line.period().toString()));
    if (line.provisional()) {
      Span badge = Badge.of("provisional", Badge.Tone.WARNING, "provisional");
      badge.getElement().setAttribute("title", "Anthropic may still correct this day");
      cell.add(badge);
    }
    if (line.period() != null && corrections.days().contains(line.period())) {
      Span badge = Badge.of("corrected", Badge.Tone.PRIMARY, "corrected");
      badge.getElement().setAttribute("title", "A re-fetch changed this day's total: see Corrections");
      cell.add(badge);
    }
    cell.getChildren().skip(1).forEach(badge -> badge.getStyle().set("margin-left", "var(--lumo-space-s)"));
    return cell;
  }

  private DownloadHandler download(ExportKind kind) {
    return event -> export(event, kind);
  }

  void export(DownloadEvent event, ExportKind kind) throws IOException {
    Selection selection = exportSelection;
    if (selection == null) {
      event.getResponse().sendError(409, "Nothing to export yet");
      return;
    }
    String token = session.token();
    event.setFileName("finora-spend-" + selection.range().start() + "_" + selection.range().end()
        + (kind == ExportKind.FOCUS ? "-focus" : "") + ".csv");
    event.setContentType("text/csv; charset=utf-8");
    // Opened on the first chunk, so a server that refuses or is down can still be answered with a status.
    LazyOutput out = new LazyOutput(event);
    try {
      long rows = client.export(token, selection.range(), selection.filters(), kind, out);
      out.close();
      log.info("Exported {} cost line items ({}) for {}", rows, kind, selection.range());
    } catch (UncheckedIOException e) {
      log.info("The browser stopped the download: {}", e.getMessage());
    } catch (FinoraCallException e) {
      log.info("The export failed: {} ({})", e.getMessage(), e.reason());
      if (out.opened()) {
        throw e; // the file is cut short; the browser reports a failed download
      }
      event.getResponse().sendError(e instanceof NotAuthenticatedException ? 401 : 503, e.getMessage());
    }
  }

  /** The download's output stream, opened only when the first bytes arrive. */
  private static final class LazyOutput extends OutputStream {
    private final DownloadEvent event;
    private OutputStream out;

    LazyOutput(DownloadEvent event) {
      this.event = event;
    }

    boolean opened() {
      return out != null;
    }

    private OutputStream out() {
      if (out == null) {
        out = event.getOutputStream();
      }
      return out;
    }

    @Override
    public void write(int b) throws IOException {
      out().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out().write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out().flush();
    }

    @Override
    public void close() throws IOException {
      out().close();
    }
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

  private static Paragraph help(String text) {
    Paragraph help = new Paragraph(text);
    help.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)")
        .set("margin", "0 0 var(--lumo-space-s) 0");
    return help;
  }

  Select<ModelBreakdown> modelBreakdown() {
    return modelBreakdown;
  }

  Grid<CostLine> dayGrid() {
    return byDay.grid();
  }
}
