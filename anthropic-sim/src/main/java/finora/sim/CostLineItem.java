package finora.sim;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One cost row of one UTC day at the finest grain the cost report offers
 * ({@code group_by[]=workspace_id&group_by[]=description}).
 *
 * <p>Token rows carry model, token type, service tier, context window and inference geo; web search
 * and code execution rows leave them null.
 *
 * @param day           the UTC day of the cost bucket
 * @param workspaceId   {@code wrkspc_…} id, or null for the Default workspace
 * @param description   e.g. {@code Claude Sonnet 4.5 Usage - Input Tokens, Cache Write}
 * @param costType      {@code tokens}, {@code web_search}, {@code code_execution} or {@code session_usage}
 *                      (an open set: Anthropic adds cost types)
 * @param model         model id, null for non-token rows
 * @param tokenType     e.g. {@code cache_read_input_tokens}, null for non-token rows
 * @param serviceTier   {@code standard} or {@code batch}, null for non-token rows
 * @param contextWindow {@code 0-200k} or {@code 200k-1M}, null for non-token rows
 * @param inferenceGeo  {@code global}, {@code us} or {@code not_available}, null for non-token rows
 * @param speed         {@code standard} or {@code fast} for token rows (sent only with the fast-mode beta
 *                      header), null for non-token rows
 * @param amountCents   amount in US cents exactly as the API sends it; its scale varies (4 to 6 decimals
 *                      in generated data, any scale in replaced days)
 * @param usageQuantity what the usage report counts for the row: tokens of its token type for token rows,
 *                      requests for web search rows; null where the usage report has nothing (code
 *                      execution, sessions, replaced days given without it). The amount was computed
 *                      from it: tokens × the model's list price, so usage and cost share one truth.
 */
public record CostLineItem(
        LocalDate day,
        String workspaceId,
        String description,
        String costType,
        String model,
        String tokenType,
        String serviceTier,
        String contextWindow,
        String inferenceGeo,
        String speed,
        BigDecimal amountCents,
        Long usageQuantity) {

    /** Checks the components; see the record description. */
    public CostLineItem {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(costType, "costType");
        Objects.requireNonNull(amountCents, "amountCents");
    }

    /** A row without a usage quantity (usage unknown). */
    public CostLineItem(
            LocalDate day,
            String workspaceId,
            String description,
            String costType,
            String model,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            String speed,
            BigDecimal amountCents) {
        this(
                day,
                workspaceId,
                description,
                costType,
                model,
                tokenType,
                serviceTier,
                contextWindow,
                inferenceGeo,
                speed,
                amountCents,
                null);
    }

    /** A row without a speed (non-token rows, or tests that do not care). */
    public CostLineItem(
            LocalDate day,
            String workspaceId,
            String description,
            String costType,
            String model,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            BigDecimal amountCents) {
        this(
                day,
                workspaceId,
                description,
                costType,
                model,
                tokenType,
                serviceTier,
                contextWindow,
                inferenceGeo,
                null,
                amountCents);
    }

    /** The amount in US dollars: cents / 100, exact. */
    public BigDecimal amountUsd() {
        return amountCents.movePointLeft(2);
    }

    /** The same row with another amount; the usage stays (a changed amount is then a price discrepancy). */
    public CostLineItem withAmountCents(BigDecimal cents) {
        return new CostLineItem(
                day,
                workspaceId,
                description,
                costType,
                model,
                tokenType,
                serviceTier,
                contextWindow,
                inferenceGeo,
                speed,
                cents,
                usageQuantity);
    }

    /** The same row with another usage quantity (null: none). */
    public CostLineItem withUsageQuantity(Long quantity) {
        return new CostLineItem(
                day,
                workspaceId,
                description,
                costType,
                model,
                tokenType,
                serviceTier,
                contextWindow,
                inferenceGeo,
                speed,
                amountCents,
                quantity);
    }

    /** The row's identity: every dimension, without amount and usage. */
    CostLineItem identity() {
        return new CostLineItem(
                day,
                workspaceId,
                description,
                costType,
                model,
                tokenType,
                serviceTier,
                contextWindow,
                inferenceGeo,
                speed,
                BigDecimal.ZERO,
                null);
    }
}
