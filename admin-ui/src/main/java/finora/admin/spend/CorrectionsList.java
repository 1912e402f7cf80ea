package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import finora.admin.base.Badge;
import finora.admin.base.BrowserTime;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The corrections of the range's days: each time a re-fetch changed a stored day's total, with the
 * totals before and after, the signed change, when Finora saw it, and a "late correction" badge when
 * the day was already final. Corrections are of an organization's whole day, whatever the filters.
 */
class CorrectionsList extends Composite<ListOrEmpty<Correction>> {

    static final String EMPTY = "No corrections in this range: no stored day changed when Finora fetched it again.";
    /** Beyond this many rows the grid scrolls instead of growing. */
    private static final int ROWS_SHOWN = 8;

    private final Grid<Correction> grid = new Grid<>();
    private final ListOrEmpty<Correction> list;
    private Set<LocalDate> days = Set.of();

    CorrectionsList() {
        grid.setId("corrections");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(CorrectionsList::dayCell)
                .setKey("day")
                .setHeader("Day (UTC)")
                .setWidth("13rem")
                .setFlexGrow(0);
        grid.addColumn(c -> c.organizationName().isBlank() ? c.organizationId() : c.organizationName())
                .setKey("organization")
                .setHeader("Organization")
                .setFlexGrow(1)
                .setTooltipGenerator(Correction::organizationId);
        grid.addColumn(c -> Usd.format(c.before()) + " → " + Usd.format(c.after()))
                .setKey("change")
                .setHeader("Before → after")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END);
        grid.addColumn(c -> Usd.signed(c.delta()))
                .setKey("delta")
                .setHeader("Difference")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END);
        grid.addColumn(c -> BrowserTime.format(c.detectedAt(), BrowserTime.ISO))
                .setKey("detected")
                .setHeader("Detected")
                .setAutoWidth(true)
                .setFlexGrow(0);
        list = new ListOrEmpty<>(grid, "corrections-empty", EMPTY, ROWS_SHOWN, "18rem");
    }

    void show(List<Correction> corrections) {
        this.days = corrections.stream().map(Correction::day).collect(Collectors.toCollection(TreeSet::new));
        list.show(List.copyOf(corrections));
    }

    /** The days the shown corrections changed, for the chart's markers and the day grid's badges. */
    Set<LocalDate> days() {
        return days;
    }

    Grid<Correction> grid() {
        return grid;
    }

    Paragraph emptyState() {
        return list.emptyState();
    }

    @Override
    protected ListOrEmpty<Correction> initContent() {
        return list;
    }

    private static Component dayCell(Correction c) {
        Span day = new Span(c.day().toString());
        if (!c.afterFinal()) {
            return day;
        }
        Span late = Badge.titled(
                "late correction",
                Badge.Tone.WARNING,
                "late-correction",
                "The day was already final: Anthropic corrected it later, and the " + "deep reconciliation found it");
        return new Span(day, late);
    }
}
