package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import finora.admin.base.Badge;
import finora.admin.grpc.Correction;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The corrections of the range's days: each time a re-fetch changed a stored day's total, with the
 * totals before and after, the signed change, when Finora saw it, and a "late correction" badge when
 * the day was already final. Corrections are of an organization's whole day, whatever the filters.
 */
class CorrectionsList extends Composite<VerticalLayout> {

  static final DateTimeFormatter DETECTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.US)
      .withZone(ZoneOffset.UTC);
  static final String EMPTY = "No corrections in this range: no stored day changed when Finora fetched it again.";
  /** Beyond this many rows the grid scrolls instead of growing. */
  private static final int ROWS_SHOWN = 8;

  private final Grid<Correction> grid = new Grid<>();
  private final Paragraph empty = new Paragraph(EMPTY);
  private List<Correction> corrections = List.of();
  private Set<LocalDate> days = Set.of();

  CorrectionsList() {
    grid.setId("corrections");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    grid.addComponentColumn(CorrectionsList::dayCell).setKey("day").setHeader("Day (UTC)").setWidth("13rem")
        .setFlexGrow(0);
    grid.addColumn(c -> c.organizationName().isBlank() ? c.organizationId() : c.organizationName())
        .setKey("organization").setHeader("Organization").setFlexGrow(1).setTooltipGenerator(Correction::organizationId);
    grid.addColumn(c -> Usd.format(c.before()) + " → " + Usd.format(c.after())).setKey("change")
        .setHeader("Before → after").setAutoWidth(true).setFlexGrow(0).setTextAlign(ColumnTextAlign.END);
    grid.addColumn(c -> Usd.signed(c.delta())).setKey("delta").setHeader("Difference").setAutoWidth(true)
        .setFlexGrow(0).setTextAlign(ColumnTextAlign.END);
    grid.addColumn(c -> DETECTED.format(c.detectedAt())).setKey("detected").setHeader("Detected").setAutoWidth(true)
        .setFlexGrow(0);
    empty.setId("corrections-empty");
    empty.getStyle().set("color", "var(--lumo-secondary-text-color)").set("margin", "0");

    VerticalLayout layout = getContent();
    layout.setPadding(false);
    layout.setSpacing(false);
    layout.add(grid, empty);
    show(List.of());
  }

  void show(List<Correction> corrections) {
    this.corrections = List.copyOf(corrections);
    this.days = this.corrections.stream().map(Correction::day).collect(Collectors.toCollection(TreeSet::new));
    grid.setItems(this.corrections);
    grid.setVisible(!this.corrections.isEmpty());
    grid.setAllRowsVisible(this.corrections.size() <= ROWS_SHOWN);
    if (this.corrections.size() > ROWS_SHOWN) {
      grid.setHeight("18rem");
    }
    empty.setVisible(this.corrections.isEmpty());
  }

  /** The days the shown corrections changed, for the chart's markers and the day grid's badges. */
  Set<LocalDate> days() {
    return days;
  }

  Grid<Correction> grid() {
    return grid;
  }

  Paragraph emptyState() {
    return empty;
  }

  private static Component dayCell(Correction c) {
    Span day = new Span(c.day().toString());
    if (!c.afterFinal()) {
      return day;
    }
    Span late = Badge.of("late correction", Badge.Tone.WARNING, "late-correction");
    late.getElement().setAttribute("title", "The day was already final: Anthropic corrected it later, and the "
        + "deep reconciliation found it");
    late.getStyle().set("margin-left", "var(--lumo-space-s)");
    return new Span(day, late);
  }
}
