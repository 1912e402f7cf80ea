package finora.admin.spend;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import java.util.List;

/**
 * A grid of a short list that gives way to a sentence when the list is empty: it grows with its rows
 * up to a few, then scrolls. The anomalies and the corrections of the Spend page each show one.
 */
final class ListOrEmpty<T> extends Composite<VerticalLayout> {

    private final Grid<T> grid;
    private final Paragraph empty;
    private final int rowsShown;
    private final String scrollHeight;

    /**
     * @param grid the grid, columns added
     * @param emptyId element id of the sentence shown instead of an empty grid
     * @param emptyText that sentence
     * @param rowsShown beyond this many rows the grid scrolls instead of growing
     * @param scrollHeight the grid's height once it scrolls
     */
    ListOrEmpty(Grid<T> grid, String emptyId, String emptyText, int rowsShown, String scrollHeight) {
        this.grid = grid;
        this.empty = new Paragraph(emptyText);
        this.rowsShown = rowsShown;
        this.scrollHeight = scrollHeight;
        empty.setId(emptyId);
        empty.addClassName("quiet-line");
        VerticalLayout layout = getContent();
        layout.setPadding(false);
        layout.setSpacing(false);
        layout.add(grid, empty);
        show(List.of());
    }

    void show(List<T> items) {
        grid.setItems(items);
        grid.setVisible(!items.isEmpty());
        grid.setAllRowsVisible(items.size() <= rowsShown);
        if (items.size() > rowsShown) {
            grid.setHeight(scrollHeight);
        }
        empty.setVisible(items.isEmpty());
    }

    Grid<T> grid() {
        return grid;
    }

    Paragraph emptyState() {
        return empty;
    }
}
