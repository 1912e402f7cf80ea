package finora.sim;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The exact cost of an organization over a range of UTC days, as the simulator serves it, for tests to
 * compare against whatever they stored. Amounts are exact {@link BigDecimal} US dollars (cents / 100).
 *
 * <p>Maps keep first-seen order and may hold a {@code null} key: the Default workspace in
 * {@link #byWorkspaceUsd()}, non-token cost (web search, code execution) in {@link #byModelUsd()}.
 */
public final class CostTruth {

    private final LocalDate start;
    private final LocalDate endExclusive;
    private final List<CostLineItem> items;

    private final SimAttribution attribution;

    /** A truth without attribution (its analytics sums are not available). */
    CostTruth(LocalDate start, LocalDate endExclusive, List<CostLineItem> items) {
        this(start, endExclusive, items, null);
    }

    CostTruth(LocalDate start, LocalDate endExclusive, List<CostLineItem> items, SimAttribution attribution) {
        this.start = start;
        this.endExclusive = endExclusive;
        this.items = List.copyOf(items);
        this.attribution = attribution;
    }

    /** Who and what incurred a line item, as the analytics endpoint tells it. */
    public SimAttribution.Attribution attribution(CostLineItem item) {
        if (attribution == null) {
            throw new IllegalStateException("this truth carries no attribution");
        }
        return attribution.attribute(item);
    }

    /** US dollars per API key id as the analytics endpoint serves them; {@code null} is usage without a key. */
    public Map<String, BigDecimal> byApiKeyUsd() {
        return sumUsdBy(item -> attribution(item).apiKeyId());
    }

    /** US dollars per actor id (user, service account or key acting for itself). */
    public Map<String, BigDecimal> byActorUsd() {
        return sumUsdBy(item -> attribution(item).actorId());
    }

    /** US dollars per product; {@code null} for cost without one (code execution). */
    public Map<String, BigDecimal> byProductUsd() {
        return sumUsdBy(item -> attribution(item).product());
    }

    /** The list price (pre-discount) of the range, US dollars. */
    public BigDecimal listTotalUsd() {
        return items.stream()
                .map(i -> attribution(i).list(i.amountCents()).movePointLeft(2))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * US dollars of one day served by hourly buckets that end at or before {@code through} (the
     * analytics watermark): what an estimate of that day can hold.
     */
    public BigDecimal hoursThroughUsd(LocalDate day, java.time.Instant through) {
        BigDecimal sum = BigDecimal.ZERO;
        java.time.Instant midnight = day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        for (CostLineItem item : items) {
            if (!item.day().equals(day)) {
                continue;
            }
            BigDecimal[] hours = attribution.hourly(item, item.amountCents());
            for (int h = 0; h < 24; h++) {
                if (!midnight.plusSeconds(3600L * (h + 1)).isAfter(through)) {
                    sum = sum.add(hours[h]);
                }
            }
        }
        return sum.movePointLeft(2);
    }

    /** First day of the range. */
    public LocalDate start() {
        return start;
    }

    /** Day after the last day of the range. */
    public LocalDate endExclusive() {
        return endExclusive;
    }

    /** Every line item of the range at the finest grain, oldest day first. */
    public List<CostLineItem> items() {
        return items;
    }

    /** Total of the range in US dollars. */
    public BigDecimal totalUsd() {
        return items.stream().map(CostLineItem::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Total of the range in US cents, as the API would sum it. */
    public BigDecimal totalCents() {
        return items.stream().map(CostLineItem::amountCents).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** US dollars per day, for every day of the range in order; days without cost map to zero. */
    public Map<LocalDate, BigDecimal> byDayUsd() {
        Map<LocalDate, BigDecimal> result = new LinkedHashMap<>();
        for (LocalDate day = start; day.isBefore(endExclusive); day = day.plusDays(1)) {
            result.put(day, BigDecimal.ZERO);
        }
        items.forEach(item -> result.merge(item.day(), item.amountUsd(), BigDecimal::add));
        return result;
    }

    /** Days of the range without any cost. */
    public List<LocalDate> emptyDays() {
        return byDayUsd().entrySet().stream()
                .filter(entry -> entry.getValue().signum() == 0)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** US dollars per model id; the {@code null} key holds cost without a model. */
    public Map<String, BigDecimal> byModelUsd() {
        return sumUsdBy(CostLineItem::model);
    }

    /** US dollars per workspace id; the {@code null} key is the Default workspace. */
    public Map<String, BigDecimal> byWorkspaceUsd() {
        return sumUsdBy(CostLineItem::workspaceId);
    }

    /** US dollars per day and model id, days in order. */
    public Map<LocalDate, Map<String, BigDecimal>> byDayAndModelUsd() {
        Map<LocalDate, Map<String, BigDecimal>> result = new LinkedHashMap<>();
        items.forEach(item -> result.computeIfAbsent(item.day(), day -> new LinkedHashMap<>())
                .merge(item.model(), item.amountUsd(), BigDecimal::add));
        return result;
    }

    /** US dollars per any key of a line item; the key may be {@code null}. */
    public <K> Map<K, BigDecimal> sumUsdBy(Function<CostLineItem, K> key) {
        Map<K, BigDecimal> result = new LinkedHashMap<>();
        items.forEach(item -> result.merge(key.apply(item), item.amountUsd(), BigDecimal::add));
        return result;
    }

    /**
     * Tokens per model id and token type ({@code uncached_input_tokens}, {@code output_tokens}, ...),
     * as the usage report serves them: the counts every token row's amount was computed from.
     */
    public Map<String, Map<String, Long>> tokensByModelAndTokenType() {
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        for (CostLineItem item : items) {
            if (item.costType().equals("tokens") && item.usageQuantity() != null) {
                result.computeIfAbsent(item.model(), m -> new LinkedHashMap<>())
                        .merge(item.tokenType(), item.usageQuantity(), Long::sum);
            }
        }
        return result;
    }

    /** Web search requests of the range, as the usage report's {@code server_tool_use} counts them. */
    public long webSearchRequests() {
        return items.stream()
                .filter(i -> i.costType().equals("web_search") && i.usageQuantity() != null)
                .mapToLong(CostLineItem::usageQuantity)
                .sum();
    }
}
