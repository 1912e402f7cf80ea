package finora.admin.spend;

import finora.admin.settings.AiProvider;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One group of costs; fields the query did not group by are null.
 *
 * @param period first UTC day of the period (grouped by day, week or month)
 * @param modelFamily model family; empty for costs without a model (web search, code execution)
 * @param model model id; empty for costs without a model
 * @param modelVersion model version within its family, e.g. "4.5" (grouped by model or model version);
 *     empty for costs without a model
 * @param workspaceId workspace id, "default" for the Default workspace
 * @param workspaceName workspace name
 * @param amount USD, exact
 * @param provisional true when a day in the group may still be corrected by the provider
 * @param apiKeyId API key id ({@value CostClient#UNATTRIBUTED} for cost without one)
 * @param apiKeyName API key name ("Not attributed" for cost without one)
 * @param actorId actor id ({@value CostClient#UNATTRIBUTED} for cost without one)
 * @param actorName readable actor label: a user's name and email, "Service account …", "API key …"
 * @param product product, e.g. "claude_code" ({@value CostClient#UNATTRIBUTED} for cost without one)
 * @param listAmount list price (before discounts) in USD over the rows that state one, or null when none does
 */
public record CostLine(
        LocalDate period,
        String modelFamily,
        String model,
        String modelVersion,
        String workspaceId,
        String workspaceName,
        BigDecimal amount,
        boolean provisional,
        String apiKeyId,
        String apiKeyName,
        String actorId,
        String actorName,
        String product,
        BigDecimal listAmount,
        AiProvider provider) {

    /** A line not grouped by provider. */
    public CostLine(
            LocalDate period,
            String modelFamily,
            String model,
            String modelVersion,
            String workspaceId,
            String workspaceName,
            BigDecimal amount,
            boolean provisional,
            String apiKeyId,
            String apiKeyName,
            String actorId,
            String actorName,
            String product,
            BigDecimal listAmount) {
        this(
                period,
                modelFamily,
                model,
                modelVersion,
                workspaceId,
                workspaceName,
                amount,
                provisional,
                apiKeyId,
                apiKeyName,
                actorId,
                actorName,
                product,
                listAmount,
                null);
    }

    /** A line not grouped by API key, actor or product, without a list price. */
    public CostLine(
            LocalDate period,
            String modelFamily,
            String model,
            String modelVersion,
            String workspaceId,
            String workspaceName,
            BigDecimal amount,
            boolean provisional) {
        this(
                period,
                modelFamily,
                model,
                modelVersion,
                workspaceId,
                workspaceName,
                amount,
                provisional,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
