package finora.admin.spend;

import static com.github.mvysny.kaributesting.v10.GridKt._getFormatted;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import finora.admin.MockVaadinExtension;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BreakdownGridTest {

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final List<CostOrdering> asked = new ArrayList<>();

    private static CostLine line(String name, String amount, String list, LocalDate day) {
        return new CostLine(
                day,
                "claude-sonnet-4",
                null,
                null,
                "wrk_" + name,
                name,
                new BigDecimal(amount),
                false,
                null,
                null,
                null,
                null,
                null,
                list == null ? null : new BigDecimal(list));
    }

    private static final List<CostLine> LINES = List.of(
            line("research", "307.50", "382.50", LocalDate.of(2026, 11, 3)),
            line("Support", "180.00", null, LocalDate.of(2026, 11, 1)),
            line("batch", "3.00", "9.00", LocalDate.of(2026, 11, 2)));

    private BreakdownGrid grid(int inMemoryRows) {
        BreakdownGrid grid = new BreakdownGrid(
                "by-test",
                g -> {
                    g.componentColumn(
                            "day",
                            "Day",
                            line -> new com.vaadin.flow.component.html.Span(
                                    line.period().toString()),
                            Comparator.comparing(CostLine::period));
                    g.textColumn("workspace", "Workspace", CostLine::workspaceName);
                    g.moneyColumn("list", "List price", CostLine::listAmount);
                },
                inMemoryRows);
        grid.show(
                order -> {
                    asked.add(order);
                    List<CostLine> rows = switch (order) {
                        case AMOUNT_ASC ->
                            LINES.stream()
                                    .sorted(Comparator.comparing(CostLine::amount))
                                    .toList();
                        case AMOUNT_DESC ->
                            LINES.stream()
                                    .sorted(Comparator.comparing(CostLine::amount)
                                            .reversed())
                                    .toList();
                        case DATE -> LINES;
                    };
                    return new CostPages(
                            token -> new CostPage(
                                    rows, new BigDecimal("490.50"), rows.size(), "", new Freshness(null, null)),
                            50);
                },
                CostOrdering.DATE);
        return grid;
    }

    private static List<String> column(Grid<CostLine> grid, String key) {
        return IntStream.range(0, _size(grid))
                .mapToObj(i -> _getFormatted(grid, i, key))
                .toList();
    }

    private static void sort(Grid<CostLine> grid, String key, boolean ascending) {
        var order = GridSortOrder.asc(grid.getColumnByKey(key));
        grid.sort((ascending ? order : GridSortOrder.desc(grid.getColumnByKey(key))).build());
    }

    @Test
    void smallAnswer_sortsByEveryColumn_moneyAsNumbers_textIgnoringCase_withoutAskingTheServerAgain() {
        Grid<CostLine> grid = grid(BreakdownGrid.IN_MEMORY_ROWS).grid();

        assertThat(grid.getColumns()).allSatisfy(c -> assertThat(c.isSortable()).isTrue());
        sort(grid, "amount", true);
        assertThat(column(grid, "amount")).containsExactly("$3.00", "$180.00", "$307.50");
        sort(grid, "amount", false);
        assertThat(column(grid, "amount")).containsExactly("$307.50", "$180.00", "$3.00");
        sort(grid, "list", false);
        assertThat(column(grid, "list")).containsExactly("$382.50", "$9.00", "—");
        sort(grid, "workspace", true);
        assertThat(column(grid, "workspace")).containsExactly("batch", "research", "Support");
        sort(grid, "day", true);
        assertThat(column(grid, "workspace")).containsExactly("Support", "batch", "research");
        assertThat(asked).containsExactly(CostOrdering.DATE);
    }

    @Test
    void largeAnswer_scrollsLazily_andSortsByAmountOnTheServer_only() {
        BreakdownGrid breakdown = grid(2);
        Grid<CostLine> grid = breakdown.grid();

        assertThat(grid.getColumnByKey("amount").isSortable()).isTrue();
        assertThat(grid.getColumnByKey("workspace").isSortable()).isFalse();
        assertThat(grid.getColumnByKey("list").isSortable()).isFalse();
        sort(grid, "amount", true);

        assertThat(column(grid, "amount")).containsExactly("$3.00", "$180.00", "$307.50");
        assertThat(asked).containsExactly(CostOrdering.DATE, CostOrdering.AMOUNT_ASC);
        assertThat(breakdown.totalText()).isEqualTo("$490.50");
    }
}
