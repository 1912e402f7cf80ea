package finora.admin.spend;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import finora.admin.grpc.CostLine;
import java.util.function.Consumer;

/**
 * One breakdown of the range (by day, by model or by workspace): lazily loaded rows, the amount
 * column and the total of all rows in the footer.
 */
class BreakdownGrid extends Composite<Grid<CostLine>> {

  static final int PAGE_SIZE = 50;

  private final Span total = new Span();
  private final Grid.Column<CostLine> labelColumn;
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
    grid.addColumn(line -> Usd.format(line.amount())).setKey("amount").setHeader("Amount").setFooter(total)
        .setTextAlign(ColumnTextAlign.END).setAutoWidth(true).setFlexGrow(0);
  }

  /** Shows a new answer: the grid asks {@code pages} for rows as it scrolls. */
  void show(CostPages pages) {
    this.pages = pages;
    total.setText(Usd.format(pages.total()));
    getContent().setItems(query -> pages.rows(query.getOffset(), query.getLimit()).stream(), query -> pages.count());
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
