package finora.admin.spend;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.function.ValueProvider;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One breakdown of the range (by day, by model, by workspace, by API key or by user): its rows, the
 * amount column and the total of all rows in the footer. Every column sorts: an answer of up to
 * {@link #IN_MEMORY_ROWS} rows is read whole and sorted here, text as text and money as numbers; a
 * larger one scrolls lazily and sorts by amount only, each order asked of the server.
 */
class BreakdownGrid extends Composite<Grid<CostLine>> {

    /** Rows the grid asks for at a time. */
    static final int PAGE_SIZE = 50;
    /** Rows per server call: an answer of {@link #IN_MEMORY_ROWS} takes at most a few calls. */
    static final int QUERY_PAGE_SIZE = 500;
    /** Answers up to this many rows are held whole, so every column sorts without asking the server. */
    static final int IN_MEMORY_ROWS = 2000;

    private static final Comparator<String> TEXT = Comparator.nullsFirst(String.CASE_INSENSITIVE_ORDER);

    private final Span total = new Span();
    private final Grid.Column<CostLine> amountColumn;
    private final int inMemoryRows;
    private CostPages pages;

    /**
     * @param id element id of the grid; the footer total gets {@code <id>-total}
     * @param columns adds the grid's label columns through {@link #textColumn} and its kin; the first
     *     carries "Total" in the footer
     */
    BreakdownGrid(String id, Consumer<BreakdownGrid> columns) {
        this(id, columns, IN_MEMORY_ROWS);
    }

    BreakdownGrid(String id, Consumer<BreakdownGrid> columns, int inMemoryRows) {
        this.inMemoryRows = inMemoryRows;
        Grid<CostLine> grid = getContent();
        grid.setId(id);
        grid.setPageSize(PAGE_SIZE);
        grid.setHeight("22rem");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        columns.accept(this);
        grid.getColumns().get(0).setFooter("Total");
        total.setId(id + "-total");
        total.addClassName("breakdown-total");
        // The sort property names the amount in the lazy grid's queries: the server sorts a large answer.
        amountColumn = moneyColumn("amount", "Amount", CostLine::amount)
                .setFooter(total)
                .setSortProperty("amount");
    }

    /** A text column, sorted alphabetically whatever the case, empty values first. */
    Grid.Column<CostLine> textColumn(String key, String header, ValueProvider<CostLine, String> text) {
        return getContent()
                .addColumn(text)
                .setKey(key)
                .setHeader(header)
                .setComparator(Comparator.comparing(text::apply, TEXT));
    }

    /** A column of components (e.g. a day with its badges), sorted by {@code order}. */
    Grid.Column<CostLine> componentColumn(
            String key, String header, ValueProvider<CostLine, Component> cell, Comparator<CostLine> order) {
        return getContent()
                .addComponentColumn(cell)
                .setKey(key)
                .setHeader(header)
                .setComparator(order);
    }

    /** A right-aligned USD column sorted by the amount itself, not by its text; rows without one ("—") first. */
    Grid.Column<CostLine> moneyColumn(String key, String header, Function<CostLine, BigDecimal> amount) {
        return getContent()
                .addColumn(line -> amount.apply(line) == null ? "—" : Usd.format(amount.apply(line)))
                .setKey(key)
                .setHeader(header)
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setComparator(Comparator.comparing(amount, Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /** Shows a new answer in the server's order. */
    void show(CostPages pages) {
        show(ordering -> pages, CostOrdering.DATE);
    }

    /**
     * Shows a new answer, first in {@code initial} order. A small answer is held whole and sorted here;
     * a large one is read as the grid scrolls, and sorting it by amount asks the server for that order
     * (each order read when first asked for).
     *
     * @param pagesInOrder the answer in an order: {@code initial}, {@link CostOrdering#AMOUNT_DESC} or {@code AMOUNT_ASC}
     */
    void show(Function<CostOrdering, CostPages> pagesInOrder, CostOrdering initial) {
        Map<CostOrdering, CostPages> answers = new EnumMap<>(CostOrdering.class);
        Function<CostOrdering, CostPages> answer = ordering -> answers.computeIfAbsent(ordering, pagesInOrder);
        pages = answer.apply(initial);
        total.setText(Usd.format(pages.total()));
        Grid<CostLine> grid = getContent();
        if (pages.count() <= inMemoryRows) {
            List<CostLine> rows = pages.rows(0, pages.count());
            grid.getColumns().forEach(column -> column.setSortable(true));
            grid.setItems(rows);
            return;
        }
        grid.getColumns().forEach(column -> column.setSortable(column == amountColumn));
        grid.setItems(
                query -> answer.apply(ordering(query, initial)).rows(query.getOffset(), query.getLimit()).stream(),
                query -> answer.apply(ordering(query, initial)).count());
    }

    private static CostOrdering ordering(Query<?, ?> query, CostOrdering unsorted) {
        return query.getSortOrders().stream()
                .findFirst()
                .map(order -> order.getDirection() == SortDirection.ASCENDING
                        ? CostOrdering.AMOUNT_ASC
                        : CostOrdering.AMOUNT_DESC)
                .orElse(unsorted);
    }

    Grid<CostLine> grid() {
        return getContent();
    }

    String totalText() {
        return total.getText();
    }

    CostPages pages() {
        return pages;
    }
}
