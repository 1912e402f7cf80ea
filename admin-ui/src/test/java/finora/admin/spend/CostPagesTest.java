package finora.admin.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CostPagesTest {

    private static final int ROWS = 23;
    private static final int PAGE = 5;
    private final List<String> tokensAsked = new ArrayList<>();

    /** A server with 23 rows in pages of 5, whose tokens are opaque strings. */
    private CostPage fetch(String token) {
        tokensAsked.add(token);
        int offset = token.isEmpty() ? 0 : Integer.parseInt(token.substring("opaque-".length()));
        List<CostLine> rows = IntStream.range(offset, Math.min(offset + PAGE, ROWS))
                .mapToObj(i -> new CostLine(
                        LocalDate.of(2026, 1, 1).plusDays(i), null, null, null, null, null, BigDecimal.ONE, false))
                .toList();
        String next = offset + PAGE < ROWS ? "opaque-" + (offset + PAGE) : "";
        return new CostPage(rows, BigDecimal.valueOf(ROWS), ROWS, next, new Freshness(null, null));
    }

    @Test
    void countAndTotal_comeFromTheFirstPage() {
        CostPages pages = new CostPages(this::fetch, PAGE);

        assertThat(pages.count()).isEqualTo(ROWS);
        assertThat(pages.total()).isEqualByComparingTo("23");
        assertThat(tokensAsked).containsExactly("");
    }

    @Test
    void jumpingAhead_walksThePagesInOrder_toLearnTheirTokens() {
        CostPages pages = new CostPages(this::fetch, PAGE);

        List<CostLine> rows = pages.rows(17, 4);

        assertThat(rows).extracting(r -> r.period().getDayOfYear()).containsExactly(18, 19, 20, 21);
        assertThat(tokensAsked).containsExactly("", "opaque-5", "opaque-10", "opaque-15", "opaque-20");
    }

    @Test
    void aRangeAcrossPages_andThePartialLastPage() {
        CostPages pages = new CostPages(this::fetch, PAGE);

        assertThat(pages.rows(3, 4)).hasSize(4);
        assertThat(pages.rows(20, 50))
                .extracting(r -> r.period().getDayOfYear())
                .containsExactly(21, 22, 23);
    }

    @Test
    void readPages_areNotAskedForAgain() {
        CostPages pages = new CostPages(this::fetch, PAGE);
        pages.rows(0, 10);
        int asked = tokensAsked.size();

        pages.rows(0, 10);

        assertThat(tokensAsked).hasSize(asked);
    }

    @Test
    void beyondTheEnd_isEmpty() {
        CostPages pages = new CostPages(this::fetch, PAGE);

        assertThat(pages.rows(30, 5)).isEmpty();
    }
}
