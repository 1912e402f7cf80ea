package finora.admin.grpc;

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
 */
public record CostLine(
    LocalDate period,
    String modelFamily,
    String model,
    String modelVersion,
    String workspaceId,
    String workspaceName,
    BigDecimal amount,
    boolean provisional) {}
