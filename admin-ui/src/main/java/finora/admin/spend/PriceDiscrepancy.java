package finora.admin.spend;

import finora.admin.settings.AiProvider;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A price group whose billed cost differs from its tokens × list price beyond rounding, as the
 * server's price check lists it. Nothing is corrected: the totals stay what was billed.
 *
 * @param day the UTC day
 * @param provider the provider of the organization; null when the server names none this UI knows
 * @param workspaceId workspace id, "default" for the Default workspace
 * @param model model id; empty for web search
 * @param tokenType token type, or "web_search_requests"
 * @param serviceTier service tier, e.g. standard, batch, priority
 * @param usageQuantity tokens (or requests) the usage report counted
 * @param billed what was billed, USD, as the provider states it
 * @param expected usage quantity × list price, USD
 * @param difference billed − expected, USD; negative when billed below the list price
 * @param listUnitPrice the list price checked against, USD per million tokens (or requests); null when none applies
 * @param hint the likely reason
 * @param explanation the server's reason in words
 */
public record PriceDiscrepancy(
        LocalDate day,
        AiProvider provider,
        String workspaceId,
        String model,
        String tokenType,
        String serviceTier,
        long usageQuantity,
        BigDecimal billed,
        BigDecimal expected,
        BigDecimal difference,
        BigDecimal listUnitPrice,
        Hint hint,
        String explanation) {

    /** Why billed cost and tokens × list price disagree, in plain words. */
    public enum Hint {
        PRICE_CHANGE("List price changed on this day"),
        DISCOUNT("Billed below list price: a discount"),
        ABOVE_LIST("Billed above list price"),
        PRIORITY_TIER_GAP("Priority Tier usage is not in the cost report"),
        COST_WITHOUT_USAGE("Billed, but no usage was reported for it"),
        /** A hint this UI does not know yet (a newer server). */
        OTHER("Billed cost differs from tokens × list price");

        private final String words;

        Hint(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }
}
