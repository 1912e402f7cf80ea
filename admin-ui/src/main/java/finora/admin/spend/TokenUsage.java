package finora.admin.spend;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Tokens of a range beside their cost, from Anthropic's usage report.
 *
 * @param costPerMillion token cost per million tokens, USD; null without tokens
 * @param cacheHitRatePercent cache reads among input tokens; null without input
 * @param cacheSavings what caching saved at list prices, USD
 * @param batchSharePercent Batch API tokens among all; null without tokens
 */
public record TokenUsage(
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        BigDecimal costPerMillion,
        BigDecimal cacheHitRatePercent,
        BigDecimal cacheSavings,
        BigDecimal batchSharePercent) {

    /** All four kinds of tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }

    public Optional<BigDecimal> costPerMillionTokens() {
        return Optional.ofNullable(costPerMillion);
    }

    public Optional<BigDecimal> cacheHitRate() {
        return Optional.ofNullable(cacheHitRatePercent);
    }

    public Optional<BigDecimal> batchShare() {
        return Optional.ofNullable(batchSharePercent);
    }
}
