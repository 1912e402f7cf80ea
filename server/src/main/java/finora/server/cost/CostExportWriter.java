package finora.server.cost;

import finora.server.cost.CostRepository.LineItem;
import finora.server.provider.WorkspaceId;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Renders line items as CSV lines: the plain line-item layout, or FOCUS 1.2 columns (with Finora's
 * {@code x_} extensions). RFC 4180 quoting; money as exact decimal strings.
 */
final class CostExportWriter {
    static final List<String> CSV_HEADER = List.of("day", "organization_id", "organization_name", "workspace_id",
            "workspace_name", "description", "model", "model_family", "model_version", "cost_type", "token_type",
            "service_tier", "context_window", "inference_geo", "amount_usd", "status", "speed", "api_key_id", "api_key_name", "actor_id", "actor_name", "product",
            "list_amount_usd", "source", "provider");

    static final List<String> FOCUS_HEADER = List.of("BilledCost", "EffectiveCost", "ListCost", "BillingCurrency",
            "ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory",
            "ChargeClass", "ChargeDescription", "ProviderName", "PublisherName", "InvoiceIssuerName", "ServiceName",
            "ServiceCategory", "BillingAccountId", "BillingAccountName", "SubAccountId", "SubAccountName", "SkuId",
            "Tags", "x_ModelFamily", "x_ModelVersion", "x_TokenType", "x_CostType", "x_ServiceTier", "x_Finalized",
            "x_ContextWindow", "x_InferenceGeo", "x_Speed", "x_ApiKeyId", "x_ApiKeyName", "x_Actor", "x_ActorId",
            "x_Product", "x_Source");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final boolean focus;

    CostExportWriter(boolean focus) {
        this.focus = focus;
    }

    String header() {
        return line(focus ? FOCUS_HEADER : CSV_HEADER);
    }

    String row(LineItem i) {
        String amount = i.amount().toPlainString();
        String workspaceId = WorkspaceId.toWire(i.workspaceId());
        if (!focus) {
            return line(List.of(i.day().toString(), i.organizationId(), i.organizationName(), workspaceId,
                    i.workspaceName(), i.description(), i.model(), i.modelFamily(), i.modelVersion(), i.costType(),
                    i.tokenType(), i.serviceTier(), i.contextWindow(), i.inferenceGeo(), amount,
                    i.finalDay() ? "FINAL" : "PROVISIONAL", i.speed(), i.apiKeyId(), name(i.apiKeyId(), i.apiKeyName()),
                    i.actorId(), name(i.actorId(), i.actorName()), i.product(),
                    i.listAmount() == null ? "" : i.listAmount().toPlainString(), orEmpty(i.source()),
                    orEmpty(i.provider())));
        }
        // ListCost is the provider's list price where it states one (Cost Analytics API), else the billed cost.
        String listCost = i.listAmount() == null ? amount : i.listAmount().toPlainString();
        LocalDate monthStart = i.day().withDayOfMonth(1);
        return line(List.of(amount, amount, listCost, "USD",
                instant(i.day()), instant(i.day().plusDays(1)), instant(monthStart), instant(monthStart.plusMonths(1)),
                "Usage", i.restated() ? "Correction" : "", i.description(), providerName(i.provider()),
                providerName(i.provider()), providerName(i.provider()), serviceName(i.provider()),
                "AI and Machine Learning", i.organizationId(), i.organizationName(), workspaceId,
                i.workspaceName(), i.model(), tags(workspaceId, i.workspaceName()), i.modelFamily(),
                i.modelVersion(), i.tokenType(), i.costType(), i.serviceTier(), Boolean.toString(i.finalDay()),
                i.contextWindow(), i.inferenceGeo(), i.speed(), i.apiKeyId(), name(i.apiKeyId(), i.apiKeyName()),
                name(i.actorId(), i.actorName()), i.actorId(), i.product(), orEmpty(i.source())));
    }

    private static String name(String id, String name) {
        return name != null ? name : id == null || id.isEmpty() ? "" : id;
    }

    /** FOCUS ProviderName / PublisherName / InvoiceIssuerName of a stored provider name. */
    static String providerName(String provider) {
        return "OPENAI".equals(provider) ? "OpenAI" : "Anthropic";
    }

    private static String serviceName(String provider) {
        return "OPENAI".equals(provider) ? "OpenAI API" : "Claude API";
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String instant(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    }

    private static String tags(String workspaceId, String workspaceName) {
        var tags = new java.util.LinkedHashMap<String, String>();
        tags.put("workspace", workspaceName);
        tags.put("workspace_id", workspaceId);
        try {
            return JSON.writeValueAsString(tags);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?");

    /**
     * A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
     * carriage return) gets a leading apostrophe; numbers such as a negative amount stay as they are.
     * Descriptions and workspace names come from the provider and its users, so they are untrusted.
     */
    static String neutralise(String v) {
        if (v.isEmpty() || "=+-@\t\r".indexOf(v.charAt(0)) < 0 || NUMBER.matcher(v).matches()) {
            return v;
        }
        return "'" + v;
    }

    private static String line(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < values.size(); k++) {
            if (k > 0) {
                b.append(',');
            }
            String v = neutralise(values.get(k) == null ? "" : values.get(k));
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                b.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                b.append(v);
            }
        }
        return b.append("\r\n").toString();
    }
}
