package finora.server.cost;

import finora.server.cost.PriceBook.Price;
import finora.server.cost.UsageRepository.PriceGroup;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * The per-row check that billed cost ≈ usage × list price (issue #13). Differences are listed with
 * a hint, never corrected: billed cost stays what the provider billed.
 *
 * <p>A group differs when |billed − usage × price| exceeds {@link #ABSOLUTE_TOLERANCE} and
 * {@link #RELATIVE_TOLERANCE} of the expected cost (the provider rounds each line to fractions of
 * a cent). Groups without a list price are not checked (nothing to compare with).
 */
final class PriceCheck {

    /** Differences up to this many USD are rounding. */
    static final BigDecimal ABSOLUTE_TOLERANCE = new BigDecimal("0.0001");
    /** ...and up to this share of the expected cost. */
    static final BigDecimal RELATIVE_TOLERANCE = new BigDecimal("0.001");

    /** Why billed cost and usage × price may disagree. */
    enum Hint {
        /** Billed at another version of the price (a price change in the table's history). */
        PRICE_CHANGE,
        /** Billed below the list price: a negotiated discount (or a price cut not yet in the table). */
        DISCOUNT,
        /** Priority Tier usage: Anthropic's cost report leaves Priority Tier spend out. */
        PRIORITY_TIER_GAP,
        /** Billed above the list price (a price rise not yet in the table, or a surcharge). */
        ABOVE_LIST,
        /** Cost without usage: the usage report counted nothing for a billed line. */
        COST_WITHOUT_USAGE
    }

    /** One difference, with the price it was checked against (null where none applies). */
    record Discrepancy(
            PriceGroup group, BigDecimal billed, BigDecimal expected, Price price, Hint hint, String explanation) {

        BigDecimal difference() {
            return billed.subtract(expected);
        }
    }

    private final UsageRepository usage = new UsageRepository();

    /** Every difference of the tenant's range, largest first. */
    List<Discrepancy> discrepancies(DSLContext dsl, UUID tenantId, CostQuery.Range range) {
        PriceBook book = PriceBook.load(dsl);
        List<Discrepancy> result = new ArrayList<>();
        for (PriceGroup g : usage.priceGroups(dsl, tenantId, range)) {
            check(book, g).ifPresent(result::add);
        }
        result.sort(
                Comparator.comparing((Discrepancy d) -> d.difference().abs()).reversed());
        return result;
    }

    /** The difference of one group, if any. */
    static Optional<Discrepancy> check(PriceBook book, PriceGroup g) {
        var k = g.key();
        BigDecimal billed = g.billed() == null ? BigDecimal.ZERO : g.billed();
        String tier = k.serviceTier();
        if (g.billed() == null && g.quantity() != null && g.quantity() > 0 && tier.startsWith("priority")) {
            PriceBook.Key standard = PriceBook.keyOf(
                    g.provider(), "tokens", k.model(), k.tokenType(), "standard", k.contextWindow(), k.speed());
            Price price = book.on(standard, k.day()).orElse(null);
            BigDecimal expected = price == null ? BigDecimal.ZERO : price.cost(g.quantity());
            return Optional.of(new Discrepancy(
                    g,
                    billed,
                    expected,
                    price,
                    Hint.PRIORITY_TIER_GAP,
                    g.quantity() + " " + k.tokenType() + " on the " + tier + " tier have no cost in the cost report "
                            + "(Anthropic bills Priority Tier apart): the invoice can be higher than this total"));
        }
        PriceBook.Key key = k.tokenType().equals("web_search_requests")
                ? PriceBook.keyOf(g.provider(), "web_search", "", "", "", "", "")
                : PriceBook.keyOf(g.provider(), "tokens", k.model(), k.tokenType(), tier, k.contextWindow(), k.speed());
        Optional<Price> found = book.on(key, k.day());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Price price = found.get();
        if (g.quantity() == null) {
            if (billed.signum() == 0) {
                return Optional.empty();
            }
            return Optional.of(new Discrepancy(
                    g,
                    billed,
                    BigDecimal.ZERO,
                    price,
                    Hint.COST_WITHOUT_USAGE,
                    "Billed " + usd(billed) + " but the usage report counted no " + k.tokenType() + " for it"));
        }
        BigDecimal expected = price.cost(g.quantity());
        if (within(billed, expected)) {
            return Optional.empty();
        }
        for (Price other : book.others(key, price)) {
            if (within(billed, other.cost(g.quantity()))) {
                return Optional.of(new Discrepancy(
                        g,
                        billed,
                        expected,
                        price,
                        Hint.PRICE_CHANGE,
                        "Billed at "
                                + other.usdPerMillion().stripTrailingZeros().toPlainString()
                                + " USD per million (the price effective from " + other.effectiveFrom()
                                + "), not "
                                + price.usdPerMillion().stripTrailingZeros().toPlainString()
                                + " (effective from " + price.effectiveFrom() + "): a price change"));
            }
        }
        if (billed.compareTo(expected) < 0) {
            BigDecimal percent = BigDecimal.ONE
                    .subtract(billed.divide(expected, 6, RoundingMode.HALF_EVEN))
                    .movePointRight(2)
                    .setScale(1, RoundingMode.HALF_EVEN);
            return Optional.of(new Discrepancy(
                    g,
                    billed,
                    expected,
                    price,
                    Hint.DISCOUNT,
                    "Billed " + percent.toPlainString() + " % below the list price: a discount, or a price cut "
                            + "the price table does not know yet"));
        }
        return Optional.of(new Discrepancy(
                g,
                billed,
                expected,
                price,
                Hint.ABOVE_LIST,
                "Billed above the list price (" + usd(expected) + "): a price rise the price table does not know "
                        + "yet, or a surcharge"));
    }

    private static boolean within(BigDecimal billed, BigDecimal expected) {
        BigDecimal tolerance = ABSOLUTE_TOLERANCE.max(expected.abs().multiply(RELATIVE_TOLERANCE));
        return billed.subtract(expected).abs().compareTo(tolerance) <= 0;
    }

    private static String usd(BigDecimal v) {
        return v.setScale(2, RoundingMode.HALF_EVEN).toPlainString() + " USD";
    }
}
