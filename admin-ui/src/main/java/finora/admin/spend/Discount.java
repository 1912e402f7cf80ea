package finora.admin.spend;

import java.math.BigDecimal;

/**
 * What discounts saved in a range, over the days whose source states list prices (Anthropic's Cost
 * Analytics API); days from the legacy cost report are not in it.
 *
 * @param listAmount USD at list price (before discounts)
 * @param billedAmount USD billed for the same costs
 * @param saved {@code listAmount - billedAmount}, USD
 */
public record Discount(BigDecimal listAmount, BigDecimal billedAmount, BigDecimal saved) {}
