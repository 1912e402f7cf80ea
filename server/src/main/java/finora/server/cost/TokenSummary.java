package finora.server.cost;

import finora.server.cost.UsageRepository.TokenCount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * Tokens of a range beside their cost (issue #13): counts by kind, cost per million tokens, cache
 * hit rate, what caching saved at list prices and the Batch share.
 *
 * @param cacheSavings cache reads at the input price minus at the cache-read price, less the premium
 *                     cache writes paid over the input price; at the list prices in effect each day
 */
record TokenSummary(
        long input,
        long output,
        long cacheRead,
        long cacheWrite,
        long batch,
        BigDecimal tokenCost,
        BigDecimal cacheSavings) {

    long total() {
        return input + output + cacheRead + cacheWrite;
    }

    /** Token cost per million tokens, USD to 6 decimals; empty without tokens. */
    Optional<BigDecimal> costPerMillion() {
        return total() == 0
                ? Optional.empty()
                : Optional.of(
                        tokenCost.movePointRight(6).divide(BigDecimal.valueOf(total()), 6, RoundingMode.HALF_EVEN));
    }

    /** Cache reads among all input tokens, percent to one decimal; empty without input. */
    Optional<String> cacheHitRatePercent() {
        long in = input + cacheRead + cacheWrite;
        return in == 0 ? Optional.empty() : Optional.of(percent(cacheRead, in));
    }

    /** Batch tokens among all tokens, percent to one decimal; empty without tokens. */
    Optional<String> batchSharePercent() {
        return total() == 0 ? Optional.empty() : Optional.of(percent(batch, total()));
    }

    private static String percent(long part, long whole) {
        return BigDecimal.valueOf(part)
                .movePointRight(2)
                .divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    /** Sums the counts, pricing cache tokens with the price versions of their days. */
    static TokenSummary of(List<TokenCount> counts, BigDecimal tokenCost, PriceBook prices, String provider) {
        long input = 0;
        long output = 0;
        long cacheRead = 0;
        long cacheWrite = 0;
        long batch = 0;
        BigDecimal savings = BigDecimal.ZERO;
        for (TokenCount t : counts) {
            if (t.serviceTier().equals("batch")) {
                batch += t.quantity();
            }
            switch (t.usageType()) {
                case "uncached_input_tokens" -> input += t.quantity();
                case "output_tokens" -> output += t.quantity();
                case "cache_read_input_tokens" -> cacheRead += t.quantity();
                default -> cacheWrite += t.quantity();
            }
            if (!t.usageType().startsWith("cache")) {
                continue;
            }
            var inputPrice = prices.on(
                    PriceBook.keyOf(
                            provider,
                            "tokens",
                            t.model(),
                            "uncached_input_tokens",
                            t.serviceTier(),
                            t.contextWindow(),
                            t.speed()),
                    t.day());
            var ownPrice = prices.on(
                    PriceBook.keyOf(
                            provider,
                            "tokens",
                            t.model(),
                            t.usageType(),
                            t.serviceTier(),
                            t.contextWindow(),
                            t.speed()),
                    t.day());
            if (inputPrice.isPresent() && ownPrice.isPresent()) {
                // A read saves input − read; a write costs write − input more than no cache would.
                savings = savings.add(inputPrice
                        .get()
                        .cost(t.quantity())
                        .subtract(ownPrice.get().cost(t.quantity())));
            }
        }
        return new TokenSummary(input, output, cacheRead, cacheWrite, batch, tokenCost, savings);
    }
}
