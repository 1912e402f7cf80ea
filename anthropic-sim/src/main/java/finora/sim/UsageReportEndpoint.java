package finora.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/organizations/usage_report/messages}: daily buckets of token counts, grouped by any
 * of up to five dimensions, paged by an opaque {@code page} cursor.
 *
 * <p>Served from the same rows as the cost report: every token row's amount was computed from its
 * token count (tokens × the model's list price), so usage and cost always agree. Web search requests
 * are counted under {@code server_tool_use} on a row without model; code execution and managed agent
 * sessions have no usage (as Anthropic documents). Traps it reproduces: more than five
 * {@code group_by[]} values answer 400; grouping by {@code speed} needs the fast-mode beta header;
 * {@code workspace_id} null is the Default workspace; {@code api_key_id} null is usage without a key.
 */
final class UsageReportEndpoint {

    static final String PATH = "/v1/organizations/usage_report/messages";
    static final String TOO_MANY_GROUPS = "Cannot specify more than 5 group_by[] dimensions.";

    private static final String INVALID_RANGE = "Invalid date range: ending date must be after starting date";
    private static final String PAGE_PREFIX = "page_";
    private static final int DEFAULT_LIMIT = 7;
    private static final int MAX_LIMIT = 31;
    private static final int MAX_GROUPS = 5;
    private static final Set<String> GROUP_BY_VALUES = Set.of(
            "api_key_id",
            "workspace_id",
            "model",
            "service_tier",
            "context_window",
            "inference_geo",
            "speed",
            "account_id",
            "service_account_id");

    private final SimData data;
    private final Clock clock;

    UsageReportEndpoint(SimData data, Clock clock) {
        this.data = data;
        this.clock = clock;
    }

    /** The answer; {@code betas} are the values of the request's {@code anthropic-beta} headers. */
    ObjectNode answer(String organizationId, QueryParameters query, List<String> betas) throws ApiException {
        boolean fastModeBeta = betas.stream()
                .flatMap(b -> Arrays.stream(b.split(",")))
                .anyMatch(b -> b.trim().equals(CostReportEndpoint.FAST_MODE_BETA));
        LocalDate start = day(query, "starting_at", true);
        LocalDate end = day(query, "ending_at", false);
        if (end == null) {
            LocalDate tomorrow =
                    LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1);
            end = tomorrow.isAfter(start) ? tomorrow : start.plusDays(1);
        }
        if (!end.isAfter(start)) {
            throw ApiException.invalidRequest(INVALID_RANGE);
        }
        String bucketWidth = query.first("bucket_width");
        if (bucketWidth != null && !bucketWidth.equals("1d")) {
            throw ApiException.invalidRequest("bucket_width: the simulator serves '1d' buckets only");
        }
        Set<String> groups = new LinkedHashSet<>(query.all("group_by[]"));
        if (groups.size() > MAX_GROUPS) {
            throw ApiException.invalidRequest(TOO_MANY_GROUPS);
        }
        for (String group : groups) {
            if (!GROUP_BY_VALUES.contains(group)) {
                throw ApiException.invalidRequest("group_by[]: Input should be one of " + GROUP_BY_VALUES);
            }
        }
        if (groups.contains("speed") && !fastModeBeta) {
            throw ApiException.invalidRequest(
                    "group_by[]: 'speed' requires the " + CostReportEndpoint.FAST_MODE_BETA + " beta header");
        }
        int limit = query.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        LocalDate from = query.first("page") == null ? start : decodePage(query.first("page"), start, end);
        LocalDate to = from.plusDays(limit).isBefore(end) ? from.plusDays(limit) : end;
        SimAttribution attribution = data.attribution(organizationId);

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode buckets = body.putArray("data");
        for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
            ObjectNode bucket = buckets.addObject();
            bucket.put("starting_at", timestamp(day));
            bucket.put("ending_at", timestamp(day.plusDays(1)));
            ArrayNode results = bucket.putArray("results");
            group(data.day(organizationId, day), groups, attribution)
                    .forEach((key, usage) -> results.add(result(key, usage)));
        }
        boolean hasMore = to.isBefore(end);
        body.put("has_more", hasMore);
        body.put("next_page", hasMore ? encodePage(to) : null);
        return body;
    }

    /** Sums the usage of rows that agree on the dimensions grouped by; rows without usage are left out. */
    static Map<Map<String, String>, Usage> group(
            List<CostLineItem> rows, Set<String> groups, SimAttribution attribution) {
        Map<Map<String, String>, Usage> sums = new LinkedHashMap<>();
        for (CostLineItem row : rows) {
            if (row.usageQuantity() == null) {
                continue;
            }
            boolean tokens = row.costType().equals("tokens");
            Map<String, String> key = new LinkedHashMap<>();
            for (String group : List.of(
                    "api_key_id",
                    "workspace_id",
                    "model",
                    "service_tier",
                    "context_window",
                    "inference_geo",
                    "speed",
                    "account_id",
                    "service_account_id")) {
                String value = !groups.contains(group)
                        ? null
                        : switch (group) {
                            case "api_key_id" -> attribution.attribute(row).apiKeyId();
                            case "workspace_id" -> row.workspaceId();
                            case "model" -> tokens ? row.model() : null;
                            case "service_tier" -> tokens ? row.serviceTier() : null;
                            case "context_window" -> tokens ? row.contextWindow() : null;
                            case "inference_geo" -> tokens ? row.inferenceGeo() : null;
                            case "speed" -> tokens ? row.speed() : null;
                            default -> null; // accounts: the simulator's usage is all by API keys
                        };
                key.put(group, value);
            }
            Usage usage = sums.computeIfAbsent(key, k -> new Usage());
            long quantity = row.usageQuantity();
            if (!tokens) {
                usage.webSearchRequests += quantity;
                continue;
            }
            switch (row.tokenType()) {
                case "uncached_input_tokens" -> usage.uncachedInput += quantity;
                case "output_tokens" -> usage.output += quantity;
                case "cache_read_input_tokens" -> usage.cacheRead += quantity;
                case "cache_creation.ephemeral_5m_input_tokens" -> usage.cacheWrite5m += quantity;
                case "cache_creation.ephemeral_1h_input_tokens" -> usage.cacheWrite1h += quantity;
                default -> throw new IllegalStateException("unknown token type " + row.tokenType());
            }
        }
        return sums;
    }

    private static ObjectNode result(Map<String, String> key, Usage usage) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("uncached_input_tokens", usage.uncachedInput);
        ObjectNode cacheCreation = result.putObject("cache_creation");
        cacheCreation.put("ephemeral_1h_input_tokens", usage.cacheWrite1h);
        cacheCreation.put("ephemeral_5m_input_tokens", usage.cacheWrite5m);
        result.put("cache_read_input_tokens", usage.cacheRead);
        result.put("output_tokens", usage.output);
        result.putObject("server_tool_use").put("web_search_requests", usage.webSearchRequests);
        key.forEach(result::put);
        return result;
    }

    /** Token and request counts of one result row. */
    static final class Usage {
        long uncachedInput;
        long output;
        long cacheRead;
        long cacheWrite5m;
        long cacheWrite1h;
        long webSearchRequests;
    }

    private static LocalDate day(QueryParameters query, String name, boolean required) throws ApiException {
        String raw = query.first(name);
        if (raw == null) {
            if (required) {
                throw ApiException.invalidRequest(name + ": Field required");
            }
            return null;
        }
        OffsetDateTime utc;
        try {
            utc = OffsetDateTime.parse(raw.trim()).toInstant().atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest(name + ": Input should be a valid datetime (RFC 3339)");
        }
        if (!utc.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            throw ApiException.invalidRequest(INVALID_RANGE);
        }
        return utc.toLocalDate();
    }

    private static String timestamp(LocalDate day) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC).toString();
    }

    private static String encodePage(LocalDate day) {
        return PAGE_PREFIX
                + Base64.getUrlEncoder().encodeToString(timestamp(day).getBytes(StandardCharsets.UTF_8));
    }

    private static LocalDate decodePage(String page, LocalDate start, LocalDate end) throws ApiException {
        try {
            if (page.startsWith(PAGE_PREFIX)) {
                byte[] decoded = Base64.getUrlDecoder().decode(page.substring(PAGE_PREFIX.length()));
                OffsetDateTime cursor = Instant.parse(new String(decoded, StandardCharsets.UTF_8))
                        .atOffset(ZoneOffset.UTC);
                LocalDate day = cursor.toLocalDate();
                if (cursor.toLocalTime().equals(LocalTime.MIDNIGHT) && !day.isBefore(start) && day.isBefore(end)) {
                    return day;
                }
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // falls through to the refusal
        }
        throw ApiException.invalidRequest("page: Invalid page token");
    }
}
