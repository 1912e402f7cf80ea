package finora.admin.spend;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.provider.SortDirection;
import finora.admin.grpc.CostLine;
import finora.admin.grpc.CostOrdering;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One breakdown of the range (by day, by model, by workspace, by API key or by user): lazily loaded
 * rows, the amount column and the total of all rows in the footer.
 */
class BreakdownGrid extends Composite<Grid<CostLine>> {

  static final int PAGE_SIZE = 50;

  private final Span total = new Span();
  private final Grid.Column<CostLine> labelColumn;
  private final Grid.Column<CostLine> amountColumn;
  private CostPages pages;

  /**
   * @param id element id of the grid; the footer total gets {@code <id>-total}
   * @param columns adds the grid's label columns, the first of which carries "Total" in the footer
   */
  BreakdownGrid(String id, Consumer<Grid<CostLine>> columns) {
    Grid<CostLine> grid = getContent();
    grid.setId(id);
    grid.setPageSize(PAGE_SIZE);
    grid.setHeight("22rem");
    grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
    columns.accept(grid);
    labelColumn = grid.getColumns().get(0);
    labelColumn.setFooter("Total");
    total.setId(id + "-total");
    total.getStyle().set("font-weight", "600");
    amountColumn = grid.addColumn(line -> Usd.format(line.amount())).setKey("amount").setHeader("Amount")
        .setFooter(total).setTextAlign(ColumnTextAlign.END).setAutoWidth(true).setFlexGrow(0);
  }

  /** Shows a new answer: the grid asks {@code pages} for rows as it scrolls. */
  void show(CostPages pages) {
    this.pages = pages;
    total.setText(Usd.format(pages.total()));
    getContent().setItems(query -> pages.rows(query.getOffset(), query.getLimit()).stream(), query -> pages.count());
  }

  /**
   * Shows a new answer whose amount column the user may sort, largest first until they do: the
   * server orders by amount, so each order is its own query, read when first asked for.
   *
   * @param pagesInOrder the answer in an order (only {@link CostOrdering#AMOUNT_DESC} and {@code AMOUNT_ASC} are asked)
   */
  void showSortable(Function<CostOrdering, CostPages> pagesInOrder) {
    amountColumn.setSortable(true);
    amountColumn.setSortProperty("amount");
    Map<CostOrdering, CostPages> answers = new EnumMap<>(CostOrdering.class);
    Function<CostOrdering, CostPages> answer = ordering -> answers.computeIfAbsent(ordering, pagesInOrder);
    pages = answer.apply(CostOrdering.AMOUNT_DESC);
    total.setText(Usd.format(pages.total()));
    getContent().setItems(
        query -> answer.apply(ordering(query)).rows(query.getOffset(), query.getLimit()).stream(),
        query -> answer.apply(ordering(query)).count());
  }

  private static CostOrdering ordering(com.vaadin.flow.data.provider.Query<?, ?> query) {
    return query.getSortOrders().stream().findFirst()
        .filter(order -> order.getDirection() == SortDirection.ASCENDING)
        .map(order -> CostOrdering.AMOUNT_ASC)
        .orElse(CostOrdering.AMOUNT_DESC);
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
