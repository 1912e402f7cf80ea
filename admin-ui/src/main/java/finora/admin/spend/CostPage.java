package finora.admin.spend;

import java.math.BigDecimal;
import java.util.List;

/**
 * One page of a cost query's answer.
 *
 * @param rows this page's rows
 * @param total USD over every row of the whole answer (all pages)
 * @param totalRows rows over all pages
 * @param nextPageToken opaque token for the next page; empty on the last page
 * @param freshness how recent the data is
 */
public record CostPage(
        List<CostLine> rows, BigDecimal total, int totalRows, String nextPageToken, Freshness freshness) {

    public CostPage {
        rows = List.copyOf(rows);
    }

    public boolean hasNextPage() {
        return !nextPageToken.isEmpty();
    }
}
