package finora.admin.spend;

import java.util.List;

/**
 * The price check of a range: the discrepancies between billed cost and tokens × list price, the
 * largest difference first.
 *
 * @param discrepancies the ones the server sent, at most a page
 * @param total how many the range has (may exceed the page)
 */
public record PriceCheck(List<PriceDiscrepancy> discrepancies, int total) {

    public PriceCheck {
        discrepancies = List.copyOf(discrepancies);
    }
}
