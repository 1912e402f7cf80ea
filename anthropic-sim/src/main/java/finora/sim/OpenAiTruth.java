package finora.sim;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the OpenAI face serves for a range of UTC days, exact, for tests to compare with what they
 * stored. Maps keep first-seen order; a {@code null} key is cost without a project.
 */
public final class OpenAiTruth {
    private final LocalDate start;
    private final LocalDate endExclusive;
    private final List<OpenAiCostRow> rows;

    OpenAiTruth(LocalDate start, LocalDate endExclusive, List<OpenAiCostRow> rows) {
        this.start = start;
        this.endExclusive = endExclusive;
        this.rows = List.copyOf(rows);
    }

    /** Every row, oldest day first. */
    public List<OpenAiCostRow> rows() {
        return rows;
    }

    /** Total in US dollars. */
    public BigDecimal totalUsd() {
        return rows.stream().map(OpenAiCostRow::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Dollars per day for every day of the range; days without cost map to zero. */
    public Map<LocalDate, BigDecimal> byDayUsd() {
        Map<LocalDate, BigDecimal> result = new LinkedHashMap<>();
        for (LocalDate d = start; d.isBefore(endExclusive); d = d.plusDays(1)) {
            result.put(d, BigDecimal.ZERO);
        }
        rows.forEach(r -> result.merge(r.day(), r.amountUsd(), BigDecimal::add));
        return result;
    }

    /** Dollars per project id ({@code null}: no project). */
    public Map<String, BigDecimal> byProjectUsd() {
        return sumUsdBy(OpenAiCostRow::projectId);
    }

    /** Dollars per line item. */
    public Map<String, BigDecimal> byLineItemUsd() {
        return sumUsdBy(OpenAiCostRow::lineItem);
    }

    /** Dollars per model id: the line item's text before its first comma ({@code null}: no model). */
    public Map<String, BigDecimal> byModelUsd() {
        return sumUsdBy(r -> OpenAiData.modelOf(r.lineItem()));
    }

    /** Dollars per any key of a row. */
    public <K> Map<K, BigDecimal> sumUsdBy(Function<OpenAiCostRow, K> key) {
        Map<K, BigDecimal> result = new LinkedHashMap<>();
        rows.forEach(r -> result.merge(key.apply(r), r.amountUsd(), BigDecimal::add));
        return result;
    }
}
