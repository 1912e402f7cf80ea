package finora.admin.spend;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Offset-and-limit access, as a lazy grid asks, over the server's token-paged cost query. Page
 * tokens are opaque, so the token of page n is learnt by reading page n-1: pages are walked in
 * order the first time and their tokens remembered; recent pages are cached.
 */
final class CostPages {

    /** Pages kept in memory; the tokens of all pages seen are kept anyway (a few bytes each). */
    private static final int CACHED_PAGES = 20;

    private final Function<String, CostPage> fetch;
    private final int pageSize;
    private final List<String> tokens = new ArrayList<>(List.of(""));
    private final Map<Integer, List<CostLine>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, List<CostLine>> eldest) {
            return size() > CACHED_PAGES;
        }
    };
    private CostPage first;
    private boolean lastPageSeen;

    /**
     * @param fetch reads the page with the given token ("" for the first); the query and page size are fixed
     * @param pageSize rows per page the fetch asks for
     */
    CostPages(Function<String, CostPage> fetch, int pageSize) {
        this.fetch = fetch;
        this.pageSize = pageSize;
    }

    /** The first page, read once: it carries the total, the row count and the freshness. */
    CostPage first() {
        if (first == null) {
            page(0);
        }
        return first;
    }

    int count() {
        return first().totalRows();
    }

    BigDecimal total() {
        return first().total();
    }

    /** Rows {@code offset} to {@code offset + limit - 1}, fewer at the end. */
    List<CostLine> rows(int offset, int limit) {
        int end = Math.min(offset + limit, count());
        List<CostLine> out = new ArrayList<>(Math.max(0, end - offset));
        for (int index = offset / pageSize; index * pageSize < end; index++) {
            List<CostLine> page = page(index);
            if (page.isEmpty()) {
                break;
            }
            int from = Math.max(offset - index * pageSize, 0);
            int to = Math.min(end - index * pageSize, page.size());
            if (from < to) {
                out.addAll(page.subList(from, to));
            }
        }
        return out;
    }

    private List<CostLine> page(int index) {
        List<CostLine> cached = cache.get(index);
        if (cached != null) {
            return cached;
        }
        while (tokens.size() <= index) {
            if (lastPageSeen) {
                return List.of();
            }
            page(tokens.size() - 1); // reading the last known page teaches the next token
        }
        CostPage page = fetch.apply(tokens.get(index));
        if (index == 0) {
            first = page;
        }
        if (index == tokens.size() - 1) {
            if (page.hasNextPage()) {
                tokens.add(page.nextPageToken());
            } else {
                lastPageSeen = true;
            }
        }
        cache.put(index, page.rows());
        return page.rows();
    }
}
