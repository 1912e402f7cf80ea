package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;

/**
 * The price check of the range's days: each group whose billed cost differs from its tokens × list
 * price beyond rounding (day, provider, model with token type and tier, billed, expected at list price,
 * the difference) with the likely reason in plain words, the server's own words in its tooltip. The
 * check covers the whole tenant, whatever the filters; nothing is corrected. When the check cannot be
 * loaded it says so, and the rest of the page stays.
 */
class PriceCheckList extends Composite<VerticalLayout> {

    static final String EMPTY = "Billed cost matches tokens × list price for every priced line.";
    /** Beyond this many rows the grid scrolls instead of growing. */
    private static final int ROWS_SHOWN = 8;

    private final Grid<PriceDiscrepancy> grid = new Grid<>();
    private final ListOrEmpty<PriceDiscrepancy> list;
    private final Paragraph more = new Paragraph();
    private final Paragraph failed = new Paragraph();

    PriceCheckList() {
        grid.setId("price-check");
        grid.addThemeVariants(
                GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(d -> d.day().toString())
                .setKey("day")
                .setHeader("Day (UTC)")
                .setWidth("7.5rem")
                .setFlexGrow(0);
        grid.addColumn(d -> d.provider() == null ? "" : d.provider().displayName())
                .setKey("provider")
                .setHeader("Provider")
                .setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(PriceCheckList::line)
                .setKey("model")
                .setHeader("Model, token type, tier")
                .setFlexGrow(2)
                .setTooltipGenerator(d -> "Workspace " + d.workspaceId() + "; " + d.usageQuantity() + " "
                        + (d.tokenType().isEmpty() ? "units" : d.tokenType()) + " counted");
        grid.addColumn(d -> Usd.format(d.billed()))
                .setKey("billed")
                .setHeader("Billed")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END);
        grid.addColumn(d -> Usd.format(d.expected()))
                .setKey("expected")
                .setHeader("At list price")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END)
                .setTooltipGenerator(d -> d.listUnitPrice() == null
                        ? "No list price applies"
                        : "Tokens × $" + d.listUnitPrice().stripTrailingZeros().toPlainString() + " per million");
        grid.addColumn(d -> Usd.signed(d.difference()))
                .setKey("difference")
                .setHeader("Difference")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTextAlign(ColumnTextAlign.END);
        grid.addComponentColumn(PriceCheckList::hintCell)
                .setKey("hint")
                .setHeader("Likely reason")
                .setFlexGrow(2);
        list = new ListOrEmpty<>(grid, "price-check-empty", EMPTY, ROWS_SHOWN, "20rem");
        more.setId("price-check-more");
        more.addClassName("quiet-line");
        more.setVisible(false);
        failed.setId("price-check-failed");
        failed.addClassName("error-line");
        failed.setVisible(false);
    }

    void show(PriceCheck check) {
        failed.setVisible(false);
        list.setVisible(true);
        list.show(check.discrepancies());
        int shown = check.discrepancies().size();
        more.setVisible(check.total() > shown);
        more.setText("The " + shown + " largest of " + check.total() + " differences in this range.");
    }

    /** The check could not be loaded: says so in the server's words instead of a list. */
    void showFailure(String message) {
        list.setVisible(false);
        more.setVisible(false);
        failed.setText("The price check could not be loaded: " + message);
        failed.setVisible(true);
    }

    Grid<PriceDiscrepancy> grid() {
        return grid;
    }

    Paragraph emptyState() {
        return list.emptyState();
    }

    Paragraph failure() {
        return failed;
    }

    Paragraph more() {
        return more;
    }

    @Override
    protected VerticalLayout initContent() {
        VerticalLayout layout = new VerticalLayout(list, more, failed);
        layout.setPadding(false);
        layout.setSpacing(false);
        return layout;
    }

    /** "claude-sonnet-4-5-20250929 · output_tokens · batch"; web search has no model. */
    static String line(PriceDiscrepancy d) {
        String model = !d.model().isEmpty()
                ? d.model()
                : d.tokenType().startsWith("web_search") ? "Web search" : SpendChart.NO_MODEL;
        StringBuilder text = new StringBuilder(model);
        if (!d.tokenType().isEmpty() && !d.tokenType().startsWith("web_search")) {
            text.append(" · ").append(d.tokenType());
        }
        if (!d.serviceTier().isEmpty()) {
            text.append(" · ").append(d.serviceTier());
        }
        return text.toString();
    }

    private static Component hintCell(PriceDiscrepancy d) {
        Span hint = new Span(d.hint().words());
        hint.addClassName("price-hint");
        if (!d.explanation().isBlank()) {
            hint.setTitle(d.explanation());
        }
        return hint;
    }
}
