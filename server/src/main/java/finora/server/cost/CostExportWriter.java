package finora.server.cost;

import finora.server.cost.CostRepository.LineItem;
import finora.server.provider.WorkspaceId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders line items as CSV lines: the plain line-item layout, or FOCUS 1.2 columns (with the FOCUS
 * 1.3 provider columns and Finora's {@code x_} extensions). RFC 4180 quoting; money as exact decimal strings.
 */
final class CostExportWriter {
    static final List<String> CSV_HEADER = List.of(
            "day",
            "organization_id",
            "organization_name",
            "workspace_id",
            "workspace_name",
            "description",
            "model",
            "model_family",
            "model_version",
            "cost_type",
            "token_type",
            "service_tier",
            "context_window",
            "inference_geo",
            "amount_usd",
            "status",
            "speed",
            "api_key_id",
            "api_key_name",
            "actor_id",
            "actor_name",
            "product",
            "list_amount_usd",
            "source",
            "provider");

    /**
     * FOCUS 1.2 columns (tag v1.2 of the FOCUS_Spec repository): every Mandatory and Recommended
     * column, the Conditional ones Finora has data for, the FOCUS 1.3 columns ServiceProviderName and
     * HostProviderName, then Finora's {@code x_} extensions. The conformance test checks an export
     * against {@code focus-1.2-columns.csv} (test resources).
     */
    static final List<String> FOCUS_HEADER = List.of(
            "BilledCost",
            "EffectiveCost",
            "ListCost",
            "ContractedCost",
            "BillingCurrency",
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "BillingPeriodStart",
            "BillingPeriodEnd",
            "ChargeCategory",
            "ChargeClass",
            "ChargeDescription",
            "ChargeFrequency",
            "ProviderName",
            "PublisherName",
            "InvoiceIssuerName",
            "ServiceProviderName",
            "HostProviderName",
            "InvoiceId",
            "ServiceName",
            "ServiceCategory",
            "ServiceSubcategory",
            "BillingAccountId",
            "BillingAccountName",
            "SubAccountId",
            "SubAccountName",
            "AvailabilityZone",
            "SkuId",
            "SkuPriceId",
            "SkuMeter",
            "SkuPriceDetails",
            "ListUnitPrice",
            "PricingQuantity",
            "PricingUnit",
            "PricingCategory",
            "ConsumedQuantity",
            "ConsumedUnit",
            "Tags",
            "x_ModelFamily",
            "x_ModelVersion",
            "x_TokenType",
            "x_CostType",
            "x_ServiceTier",
            "x_Finalized",
            "x_ContextWindow",
            "x_InferenceGeo",
            "x_Speed",
            "x_ApiKeyId",
            "x_ApiKeyName",
            "x_Actor",
            "x_ActorId",
            "x_Product",
            "x_Source",
            "x_QuantitySource");

    /** The provider-defined tag prefix of Anthropic rows (FOCUS: provider tags carry the provider's prefix). */
    static final String TAG_PREFIX = "anthropic/";
    /** Decimals of a quantity derived from cost at list price. */
    private static final int DERIVED_SCALE = 6;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final boolean focus;
    private final PriceBook prices;

    /** A plain CSV writer (no prices needed). */
    CostExportWriter(boolean focus) {
        this(focus, null);
    }

    /** {@code prices} set ListUnitPrice, SkuPriceId and the pricing quantity of FOCUS rows. */
    CostExportWriter(boolean focus, PriceBook prices) {
        this.focus = focus;
        this.prices = prices;
    }

    String header() {
        return line(focus ? FOCUS_HEADER : CSV_HEADER);
    }

    String row(LineItem i) {
        String amount = i.amount().toPlainString();
        String workspaceId = WorkspaceId.toWire(i.workspaceId());
        if (!focus) {
            return line(List.of(
                    i.day().toString(),
                    i.organizationId(),
                    i.organizationName(),
                    workspaceId,
                    i.workspaceName(),
                    i.description(),
                    i.model(),
                    i.modelFamily(),
                    i.modelVersion(),
                    i.costType(),
                    i.tokenType(),
                    i.serviceTier(),
                    i.contextWindow(),
                    i.inferenceGeo(),
                    amount,
                    i.finalDay() ? "FINAL" : "PROVISIONAL",
                    i.speed(),
                    i.apiKeyId(),
                    name(i.apiKeyId(), i.apiKeyName()),
                    i.actorId(),
                    name(i.actorId(), i.actorName()),
                    i.product(),
                    i.listAmount() == null ? "" : i.listAmount().toPlainString(),
                    orEmpty(i.source()),
                    orEmpty(i.provider())));
        }
        String provider = i.provider() == null ? "ANTHROPIC" : i.provider();
        PriceBook.Key key = PriceBook.keyOf(
                provider, i.costType(), i.model(), i.tokenType(), i.serviceTier(), i.contextWindow(), i.speed());
        PriceBook.Price price = prices == null ? null : prices.on(key, i.day()).orElse(null);
        // Quantity: the usage report's count where it has one, else the cost at list price.
        BigDecimal quantity = null;
        String quantitySource = "";
        if (i.usageQuantity() != null) {
            quantity = BigDecimal.valueOf(i.usageQuantity());
            quantitySource = "usage_report";
        } else if (price != null && price.quantityOf(i.amount(), DERIVED_SCALE) != null) {
            quantity = price.quantityOf(i.amount(), DERIVED_SCALE).stripTrailingZeros();
            quantitySource = "derived_from_cost";
        }
        String unit = price != null
                ? price.pricingUnit()
                : i.usageQuantity() == null ? "" : "web_search".equals(i.costType()) ? "Requests" : "Tokens";
        String listUnitPrice = price == null ? "" : price.unitPrice().toPlainString();
        // ListCost: list unit price × quantity where both are known, else the provider's list price
        // (Cost Analytics API), else the billed cost (no list price is known to differ from it).
        String listCost = price != null && quantity != null
                ? price.unitPrice().multiply(quantity).stripTrailingZeros().toPlainString()
                : i.listAmount() != null ? i.listAmount().toPlainString() : amount;
        String quantityText = quantity == null ? "" : quantity.toPlainString();
        LocalDate monthStart = i.day().withDayOfMonth(1);
        List<String> values = new ArrayList<>(FOCUS_HEADER.size());
        values.addAll(List.of(
                amount,
                amount,
                listCost,
                amount,
                "USD",
                instant(i.day()),
                instant(i.day().plusDays(1)),
                instant(monthStart),
                instant(monthStart.plusMonths(1)),
                "Usage",
                i.restated() ? "Correction" : "",
                i.description(),
                "Usage-Based",
                providerName(i.provider()),
                providerName(i.provider()),
                providerName(i.provider()),
                providerName(i.provider()),
                providerName(i.provider()),
                "",
                serviceName(i.provider()),
                "AI and Machine Learning",
                "Generative AI",
                i.organizationId(),
                i.organizationName(),
                workspaceId,
                i.workspaceName(),
                "",
                skuId(i),
                price == null ? "" : price.priceId(),
                skuMeter(i),
                skuPriceDetails(i),
                listUnitPrice,
                quantityText,
                quantity == null ? "" : unit,
                "Standard",
                quantityText,
                quantity == null ? "" : unit,
                tags(i)));
        values.addAll(List.of(
                i.modelFamily(),
                i.modelVersion(),
                i.tokenType(),
                i.costType(),
                i.serviceTier(),
                Boolean.toString(i.finalDay()),
                i.contextWindow(),
                i.inferenceGeo(),
                i.speed(),
                i.apiKeyId(),
                name(i.apiKeyId(), i.apiKeyName()),
                name(i.actorId(), i.actorName()),
                i.actorId(),
                i.product(),
                orEmpty(i.source()),
                quantitySource));
        return line(values);
    }

    /** The SKU: the model for token rows, the cost type (web_search, code_execution, ...) otherwise. */
    private static String skuId(LineItem i) {
        return "tokens".equals(i.costType()) && !i.model().isEmpty() ? i.model() : i.costType();
    }

    /** What is metered, in words: "Output Tokens", "Cache Read Input Tokens", "Web Search Requests", ... */
    private static String skuMeter(LineItem i) {
        String raw =
                "tokens".equals(i.costType()) ? i.tokenType().replace("cache_creation.", "cache_write_") : i.costType();
        if (raw.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String word : raw.split("[_.]")) {
            if (word.isEmpty()) {
                continue;
            }
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        String meter = b.toString();
        return switch (i.costType()) {
            case "web_search" -> "Web Search Requests";
            case "code_execution" -> "Code Execution Hours";
            case "session_usage" -> "Session Hours";
            default -> meter;
        };
    }

    /** The price-setting properties of the row as a JSON object; FOCUS asks custom keys to start with x_. */
    private static String skuPriceDetails(LineItem i) {
        var details = new java.util.LinkedHashMap<String, String>();
        put(details, "x_TokenType", i.tokenType());
        put(details, "x_ServiceTier", i.serviceTier());
        put(details, "x_ContextWindow", i.contextWindow());
        put(details, "x_Speed", i.speed());
        return details.isEmpty() ? "" : json(details);
    }

    /**
     * Provider tags, keys prefixed with {@value #TAG_PREFIX}: what the SubAccount and x_ columns do not
     * already say twice is little, so only the attribution of the Cost Analytics API (API key,
     * product); null when there is none.
     */
    private static String tags(LineItem i) {
        var tags = new java.util.LinkedHashMap<String, String>();
        String prefix = "OPENAI".equals(i.provider()) ? "openai/" : TAG_PREFIX;
        put(tags, prefix + "api_key", name(i.apiKeyId(), i.apiKeyName()));
        put(tags, prefix + "product", i.product());
        return tags.isEmpty() ? "" : json(tags);
    }

    private static void put(java.util.Map<String, String> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?");

    /**
     * A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
     * carriage return) gets a leading apostrophe; numbers such as a negative amount stay as they are.
     * Descriptions and workspace names come from the provider and its users, so they are untrusted.
     */
    static String neutralise(String v) {
        if (v.isEmpty()
                || "=+-@\t\r".indexOf(v.charAt(0)) < 0
                || NUMBER.matcher(v).matches()) {
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
