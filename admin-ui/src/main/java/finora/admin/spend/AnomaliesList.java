package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import finora.admin.base.Badge;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The anomalies of the range's days: the day (with a "restated" badge when the provider changed its
 * numbers), the scope, expected against actual spend, and the workspace, model and token-type values
 * that rose most. Anomalies are detected on the whole tenant and on budgets' scopes, whatever the filters.
 */
class AnomaliesList extends Composite<ListOrEmpty<Anomaly>> {

    static final String EMPTY = "No anomalies in this range: no day's spend rose far above the usual for its weekday.";
    /** Top drivers shown per anomaly. */
    static final int DRIVERS_SHOWN = 4;

    private static final int ROWS_SHOWN = 6;

    private final Grid<Anomaly> grid = new Grid<>();
    private final ListOrEmpty<Anomaly> list;
    private Set<LocalDate> days = Set.of();

    AnomaliesList() {
        grid.setId("anomalies");
        grid.addThemeVariants(
                GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addComponentColumn(AnomaliesList::dayCell)
                .setKey("day")
                .setHeader("Day (UTC)")
                .setWidth("11rem")
                .setFlexGrow(0);
        grid.addColumn(a -> a.scope().label())
                .setKey("scope")
                .setHeader("Scope")
                .setWidth("10rem")
                .setFlexGrow(0);
        grid.addColumn(a -> Usd.format(a.expected()) + " → " + Usd.format(a.actual()))
                .setKey("spend")
                .setHeader("Expected → actual")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END)
                .setTooltipGenerator(a -> "Median of the same weekday in " + a.baselineDays()
                        + " earlier weeks; an anomaly " + "above " + Usd.format(a.upperBound()));
        grid.addComponentColumn(AnomaliesList::drivers)
                .setKey("drivers")
                .setHeader("Top drivers")
                .setFlexGrow(1);
        list = new ListOrEmpty<>(grid, "anomalies-empty", EMPTY, ROWS_SHOWN, "22rem");
    }

    void show(List<Anomaly> anomalies) {
        days = anomalies.stream().map(Anomaly::day).collect(Collectors.toCollection(TreeSet::new));
        list.show(anomalies);
    }

    /** The days with an anomaly, for the chart's markers. */
    Set<LocalDate> days() {
        return days;
    }

    Grid<Anomaly> grid() {
        return grid;
    }

    Paragraph emptyState() {
        return list.emptyState();
    }

    @Override
    protected ListOrEmpty<Anomaly> initContent() {
        return list;
    }

    private static Component dayCell(Anomaly a) {
        Span day = new Span(a.day().toString());
        if (!a.restated()) {
            return day;
        }
        Span restated = Badge.titled(
                "restated",
                Badge.Tone.WARNING,
                "anomaly-restated",
                "The provider changed this day's numbers; these are the new ones. "
                        + "The anomaly was announced once.");
        return new Span(day, restated);
    }

    /** "Workspace Research +$120.00 ($30.00 → $150.00)", one per line, the largest rise first. */
    static Component drivers(Anomaly a) {
        Div box = new Div();
        a.drivers().stream()
                .sorted((x, y) -> y.increase().compareTo(x.increase()))
                .limit(DRIVERS_SHOWN)
                .forEach(d -> {
                    Div line = new Div(d.dimension().label() + " " + name(d) + " " + Usd.signed(d.increase()) + " ("
                            + Usd.format(d.expected()) + " → " + Usd.format(d.actual()) + ")");
                    line.addClassName("anomaly-driver");
                    box.add(line);
                });
        if (a.drivers().isEmpty()) {
            box.setText("—");
        }
        return box;
    }

    private static String name(Anomaly.Driver d) {
        String name = !d.displayName().isBlank() ? d.displayName() : d.value();
        return name.isBlank()
                ? switch (d.dimension()) {
                    case MODEL -> "(no model)";
                    case TOKEN_TYPE -> "(no tokens)";
                    case WORKSPACE -> "Default";
                }
                : name;
    }
}
