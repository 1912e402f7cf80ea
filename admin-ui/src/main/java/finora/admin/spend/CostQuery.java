package finora.admin.spend;

import java.util.List;
import java.util.Objects;

/**
 * A cost question: which days, grouped how, filtered how, in which order.
 *
 * @param range the UTC days
 * @param groupBy dimensions; empty means one row for the whole range
 * @param filters which costs count
 * @param ordering row order
 */
public record CostQuery(DateRange range, List<CostGrouping> groupBy, CostFilters filters, CostOrdering ordering) {

    public CostQuery {
        Objects.requireNonNull(range, "range");
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(filters, "filters");
        Objects.requireNonNull(ordering, "ordering");
    }
}
