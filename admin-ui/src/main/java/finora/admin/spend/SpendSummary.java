package finora.admin.spend;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The headline numbers of a range.
 *
 * @param total USD in the range
 * @param previousTotal USD in the same number of days right before it
 * @param changePercent change against the previous period in percent, one decimal; null when the
 *     previous period had no spend
 * @param topModels top models by spend
 * @param topWorkspaces top workspaces by spend
 * @param monthToDate USD from the 1st of the end day's month through the last complete day
 * @param monthEndProjection linear month-end estimate in USD
 * @param freshness how recent the data is
 * @param discount list price against billed cost over the days that state list prices, or null when none does
 * @param todaySoFar today's provisional estimate, or null (the range does not reach today, or none was fetched)
 */
public record SpendSummary(
        BigDecimal total,
        BigDecimal previousTotal,
        BigDecimal changePercent,
        List<SpendItem> topModels,
        List<SpendItem> topWorkspaces,
        BigDecimal monthToDate,
        BigDecimal monthEndProjection,
        Freshness freshness,
        Discount discount,
        TodaySoFar todaySoFar,
        TokenUsage tokenUsage) {

    /** A summary without token usage. */
    public SpendSummary(
            BigDecimal total,
            BigDecimal previousTotal,
            BigDecimal changePercent,
            List<SpendItem> topModels,
            List<SpendItem> topWorkspaces,
            BigDecimal monthToDate,
            BigDecimal monthEndProjection,
            Freshness freshness,
            Discount discount,
            TodaySoFar todaySoFar) {
        this(
                total,
                previousTotal,
                changePercent,
                topModels,
                topWorkspaces,
                monthToDate,
                monthEndProjection,
                freshness,
                discount,
                todaySoFar,
                null);
    }

    /** Tokens beside cost, when the server has usage for the range. */
    public Optional<TokenUsage> tokens() {
        return Optional.ofNullable(tokenUsage);
    }

    public SpendSummary {
        topModels = List.copyOf(topModels);
        topWorkspaces = List.copyOf(topWorkspaces);
    }

    public Optional<BigDecimal> change() {
        return Optional.ofNullable(changePercent);
    }

    public Optional<Discount> discounted() {
        return Optional.ofNullable(discount);
    }

    public Optional<TodaySoFar> today() {
        return Optional.ofNullable(todaySoFar);
    }
}
