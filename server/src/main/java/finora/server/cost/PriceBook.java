package finora.server.cost;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * List prices as the {@code price} table keeps them (V8): per provider, model, token type, service
 * tier, context window and speed, each version effective from its day until the next version of
 * the same key. Small (hundreds of rows): read whole for each question.
 */
final class PriceBook {

    /** What a price is for; web search is model '' and token type {@code web_search_requests}. */
    record Key(
            String provider, String model, String tokenType, String serviceTier, String contextWindow, String speed) {}

    /**
     * One version of a price.
     *
     * @param priceId the FOCUS SkuPriceId, stable per version
     * @param usdPerMillion USD per million tokens (or requests)
     */
    record Price(String priceId, Key key, BigDecimal usdPerMillion, String pricingUnit, LocalDate effectiveFrom) {

        /** USD per one unit (token, request or hour), exact. */
        BigDecimal unitPrice() {
            return usdPerMillion.movePointLeft(6).stripTrailingZeros();
        }

        /** How many units {@code usd} buys at this price, to {@code scale} decimals (null for a free price). */
        BigDecimal quantityOf(BigDecimal usd, int scale) {
            return usdPerMillion.signum() == 0
                    ? null
                    : usd.movePointRight(6).divide(usdPerMillion, scale, java.math.RoundingMode.HALF_EVEN);
        }

        /** quantity × price, exact. */
        BigDecimal cost(long quantity) {
            return usdPerMillion.multiply(BigDecimal.valueOf(quantity)).movePointLeft(6);
        }
    }

    private final Map<Key, List<Price>> versions;

    private PriceBook(Map<Key, List<Price>> versions) {
        this.versions = versions;
    }

    /** Every price of the table ({@link PriceRepository}). */
    static PriceBook load(DSLContext dsl) {
        Map<Key, List<Price>> versions = new HashMap<>();
        for (Price p : PriceRepository.all(dsl)) {
            versions.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
        }
        versions.values().forEach(v -> v.sort(Comparator.comparing(Price::effectiveFrom)));
        return new PriceBook(versions);
    }

    /** The price in effect on {@code day}: the latest version effective on or before it. */
    Optional<Price> on(Key key, LocalDate day) {
        Price found = null;
        for (Price p : versions.getOrDefault(key, List.of())) {
            if (p.effectiveFrom().isAfter(day)) {
                break;
            }
            found = p;
        }
        return Optional.ofNullable(found);
    }

    /** Every version of the key other than {@code current}, newest first (for the price-change hint). */
    List<Price> others(Key key, Price current) {
        List<Price> result = new ArrayList<>(versions.getOrDefault(key, List.of()));
        result.remove(current);
        result.sort(Comparator.comparing(Price::effectiveFrom).reversed());
        return result;
    }

    /** Speed is only reported with the fast-mode beta; lines without one were billed at standard speed. */
    static String standardIfUnsaid(String speed) {
        return speed == null || speed.isEmpty() ? "standard" : speed;
    }

    /** The key of a cost line: web search lines are priced per request, without model or tier. */
    static Key keyOf(
            String provider,
            String costType,
            String model,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String speed) {
        switch (costType) {
            case "web_search" -> {
                return new Key(provider, "", "web_search_requests", "", "", "");
            }
            case "code_execution" -> {
                return new Key(provider, "", "code_execution_hours", "", "", "");
            }
            case "session_usage" -> {
                return new Key(provider, "", "session_hours", "", "", "");
            }
            default -> {}
        }
        return new Key(provider, model, tokenType, serviceTier, contextWindow, standardIfUnsaid(speed));
    }
}
