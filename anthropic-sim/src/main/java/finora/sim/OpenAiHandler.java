package finora.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenAI's organization admin endpoints ({@code /v1/organization/…}) as the reference describes them:
 * Bearer admin keys, {@code GET /v1/organization/costs} (daily buckets, group_by, limit 1..180 with at
 * most 31 buckets a page, an opaque {@code next_page} that only works under its own query) and
 * {@code GET /v1/organization/projects} ({@code after}, {@code include_archived}). Errors use OpenAI's
 * envelope {@code {"error":{"message","type","param","code"}}}; every answer has an {@code x-request-id}.
 */
final class OpenAiHandler implements HttpHandler {
    static final String PREFIX = "/v1/organization/";
    static final String COSTS_PATH = "/v1/organization/costs";
    static final String PROJECTS_PATH = "/v1/organization/projects";
    /** Pages hold at most this many buckets whatever the limit (seen live). */
    static final int MAX_BUCKETS_PER_PAGE = 31;
    /** {@code group_by=api_key_id} is refused before this time (2025-12-06). */
    static final long API_KEY_GROUPING_FROM = 1764979200L;

    private static final Set<String> GROUPS = Set.of("project_id", "line_item", "api_key_id", "user_id");

    private final OpenAiData data;
    private final OpenAiKeys keys;
    private final Faults faults;
    private final RequestLog log;
    private final Clock clock;

    OpenAiHandler(OpenAiData data, OpenAiKeys keys, Faults faults, RequestLog log, Clock clock) {
        this.data = data;
        this.keys = keys;
        this.faults = faults;
        this.log = log;
        this.clock = clock;
    }

    /** An OpenAI error, carried to where the envelope is written. */
    private static final class OpenAiError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;
        final String param;
        final String code;

        OpenAiError(int status, String type, String message, String param, String code) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
            this.param = param;
            this.code = code;
        }

        static OpenAiError invalid(String message, String param) {
            return new OpenAiError(400, "invalid_request_error", message, param, null);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            Instant receivedAt = clock.instant();
            String requestId = "req_"
                    + CostGenerator.base62(ThreadLocalRandom.current(), 32).toLowerCase(Locale.ROOT);
            Reply reply;
            try {
                reply = answer(exchange);
            } catch (RuntimeException e) {
                System.err.println("anthropic-sim (OpenAI face): unexpected failure of request " + requestId);
                e.printStackTrace();
                reply = error(new OpenAiError(
                        500, "server_error", "The server had an error processing your request.", null, null));
            }
            reply = reply.withHeader("x-request-id", requestId);
            log.add(record(exchange, receivedAt, requestId, reply.status()));
            reply.send(exchange);
        } finally {
            exchange.close();
        }
    }

    private Reply answer(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        Optional<Fault> fault = faults.take(path);
        if (fault.isPresent()) {
            sleep(fault.get().delay());
            if (fault.get().kind() == Fault.Kind.ERROR) {
                Fault f = fault.get();
                Reply r = error(new OpenAiError(f.status(), f.errorType(), f.message(), null, null));
                return f.retryAfter() == null
                        ? r
                        : r.withHeader(
                                "retry-after", Long.toString(f.retryAfter().toSeconds()));
            }
        }
        Reply reply;
        try {
            reply = route(exchange, path);
        } catch (OpenAiError e) {
            reply = error(e);
        }
        if (fault.isPresent() && fault.get().kind() == Fault.Kind.MALFORMED_JSON) {
            reply = reply.truncated();
        }
        return reply;
    }

    private Reply route(HttpExchange exchange, String path) throws OpenAiError {
        if (!exchange.getRequestMethod().equals("GET")) {
            throw new OpenAiError(
                    405,
                    "invalid_request_error",
                    "Method " + exchange.getRequestMethod() + " not allowed: the simulator answers GET only",
                    null,
                    null);
        }
        String auth = exchange.getRequestHeaders().getFirst("authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
            throw new OpenAiError(
                    401,
                    "invalid_request_error",
                    "You didn't provide an API key. You need to provide "
                            + "your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    null,
                    null);
        }
        String key = auth.substring(7).strip();
        OpenAiKeys.Entry entry = keys.lookup(key).orElse(null);
        if (entry == null || entry.status() == OpenAiKeys.Status.REVOKED) {
            if (key.startsWith("sk-proj-")
                    || key.startsWith("sk-svcacct-")
                    || (key.startsWith("sk-") && !key.startsWith("sk-admin-"))) {
                throw insufficient("api.management.read");
            }
            throw new OpenAiError(
                    401,
                    "invalid_request_error",
                    "Incorrect API key provided: "
                            + RecordedRequest.hint(key) + ". You can find your API key at "
                            + "https://platform.openai.com/account/api-keys.",
                    null,
                    "invalid_api_key");
        }
        QueryParameters query;
        try {
            query = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
        } catch (ApiException e) {
            throw OpenAiError.invalid(e.getMessage(), null);
        }
        return switch (path) {
            case COSTS_PATH -> {
                if (entry.status() == OpenAiKeys.Status.NO_USAGE_SCOPE) {
                    throw insufficient("api.usage.read");
                }
                yield Reply.json(200, costs(entry.organizationId(), query));
            }
            case PROJECTS_PATH -> Reply.json(200, projects(entry.organizationId(), query));
            default ->
                throw new OpenAiError(404, "invalid_request_error", "Invalid URL (GET " + path + ")", null, null);
        };
    }

    private static OpenAiError insufficient(String scope) {
        return new OpenAiError(
                401,
                "invalid_request_error",
                "You have insufficient permissions for this operation. "
                        + "Missing scopes: " + scope
                        + ". Check that you have the correct role in your organization, and if "
                        + "you're using a restricted API key, that it has the necessary scopes.",
                null,
                "missing_scope");
    }

    private ObjectNode costs(String organizationId, QueryParameters query) throws OpenAiError {
        String rawStart = query.first("start_time");
        if (rawStart == null) {
            throw OpenAiError.invalid("Missing required parameter: 'start_time'.", "start_time");
        }
        long start = epoch(rawStart, "start_time");
        long end = query.first("end_time") == null
                ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                        .plusDays(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toEpochSecond()
                : epoch(query.first("end_time"), "end_time");
        String width = query.first("bucket_width");
        if (width != null && !width.equals("1d")) {
            throw OpenAiError.invalid(
                    "Invalid value for 'bucket_width': only '1d' is supported for costs.", "bucket_width");
        }
        int limit = 7;
        if (query.first("limit") != null) {
            try {
                limit = Integer.parseInt(query.first("limit").strip());
            } catch (NumberFormatException e) {
                throw new OpenAiError(
                        400, "invalid_request_error", "Invalid type for 'limit'.", "limit", "invalid_type");
            }
            if (limit > 180) {
                throw OpenAiError.invalid(
                        "Invalid limit provided: " + limit + ". Limit must be less than or equal to 180.", "limit");
            }
            if (limit < 1) {
                throw OpenAiError.invalid("Invalid limit provided: " + limit + ". Limit must be at least 1.", "limit");
            }
        }
        List<String> groups = new ArrayList<>(query.all("group_by[]"));
        groups.addAll(query.all("group_by"));
        for (String g : groups) {
            if (!GROUPS.contains(g)) {
                throw OpenAiError.invalid("Invalid value for 'group_by': " + g + ".", "group_by");
            }
        }
        if (groups.contains("api_key_id") && start < API_KEY_GROUPING_FROM) {
            throw new OpenAiError(
                    400,
                    "invalid_request_error",
                    "Grouping by api_key_id is only available for data " + "from 2025-12-06 onwards.",
                    "start_time",
                    "invalid_request_error");
        }
        boolean byProject = groups.contains("project_id");
        boolean byLineItem = groups.contains("line_item");
        // The page token: which bucket to start at, bound to the rest of the query.
        String fingerprint = fingerprint(query);
        int offset = 0;
        if (query.first("page") != null) {
            offset = decodePage(query.first("page"), fingerprint);
        }
        List<long[]> buckets = new ArrayList<>();
        LocalDate firstDay = LocalDate.ofInstant(Instant.ofEpochSecond(start), ZoneOffset.UTC);
        for (LocalDate d = firstDay; d.atStartOfDay(ZoneOffset.UTC).toEpochSecond() < end; d = d.plusDays(1)) {
            long s = Math.max(start, d.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            buckets.add(
                    new long[] {s, d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond(), d.toEpochDay()});
            if (buckets.size() > 10_000) {
                throw OpenAiError.invalid("The time range is too large.", "start_time");
            }
        }
        int perPage = Math.min(limit, MAX_BUCKETS_PER_PAGE);
        int to = Math.min(buckets.size(), offset + perPage);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("object", "page");
        ArrayNode out = body.putArray("data");
        for (long[] b : buckets.subList(Math.min(offset, buckets.size()), to)) {
            ObjectNode bucket = out.addObject();
            bucket.put("object", "bucket");
            bucket.put("start_time", b[0]);
            bucket.put("end_time", b[1]);
            ArrayNode results = bucket.putArray("results");
            Map<List<String>, List<OpenAiCostRow>> grouped = new LinkedHashMap<>();
            for (OpenAiCostRow row : data.day(organizationId, LocalDate.ofEpochDay(b[2]))) {
                List<String> k = new ArrayList<>();
                k.add(byProject ? row.projectId() : null);
                k.add(byLineItem ? row.lineItem() : null);
                grouped.computeIfAbsent(k, x -> new ArrayList<>()).add(row);
            }
            for (var e : grouped.entrySet()) {
                ObjectNode r = results.addObject();
                r.put("object", "organization.costs.result");
                ObjectNode amount = r.putObject("amount");
                BigDecimal sum =
                        e.getValue().stream().map(OpenAiCostRow::amountUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
                boolean asString =
                        e.getValue().size() == 1 && e.getValue().get(0).servedAsString();
                if (asString) {
                    amount.put("value", sum.toPlainString());
                } else {
                    amount.put("value", sum);
                }
                amount.put("currency", "usd");
                r.put("line_item", e.getKey().get(1));
                r.put("project_id", e.getKey().get(0));
                r.putNull("api_key_id");
                if (byLineItem) {
                    r.put(
                            "quantity",
                            e.getValue().stream()
                                    .mapToLong(OpenAiCostRow::quantity)
                                    .sum());
                    r.put("quantity_unit", e.getValue().get(0).quantityUnit());
                } else {
                    r.putNull("quantity");
                    r.putNull("quantity_unit");
                }
            }
        }
        boolean more = to < buckets.size();
        body.put("has_more", more);
        if (more) {
            body.put("next_page", encodePage(to, fingerprint));
        } else {
            body.putNull("next_page");
        }
        return body;
    }

    private ObjectNode projects(String organizationId, QueryParameters query) throws OpenAiError {
        int limit;
        try {
            limit = query.integer("limit", 20, 1, 100);
            boolean archived = query.bool("include_archived", false);
            String after = query.first("after");
            List<OpenAiProject> all = data.projects(organizationId).stream()
                    .filter(p -> archived || p.archivedAt() == null)
                    .toList();
            int from = 0;
            if (after != null) {
                from = -1;
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).id().equals(after)) {
                        from = i + 1;
                    }
                }
                if (from < 0) {
                    throw OpenAiError.invalid("No project found with id '" + after + "'.", "after");
                }
            }
            List<OpenAiProject> page = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + limit));
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("object", "list");
            ArrayNode out = body.putArray("data");
            for (OpenAiProject p : page) {
                ObjectNode n = out.addObject();
                n.put("id", p.id());
                n.put("object", "organization.project");
                n.put("name", p.name());
                n.put("created_at", p.createdAt().getEpochSecond());
                if (p.archivedAt() == null) {
                    n.putNull("archived_at");
                    n.put("status", "active");
                } else {
                    n.put("archived_at", p.archivedAt().getEpochSecond());
                    n.put("status", "archived");
                }
            }
            body.put("first_id", page.isEmpty() ? null : page.get(0).id());
            body.put(
                    "last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
            body.put("has_more", from + limit < all.size());
            return body;
        } catch (ApiException e) {
            throw OpenAiError.invalid(e.getMessage(), null);
        }
    }

    private static long epoch(String raw, String param) throws OpenAiError {
        try {
            return Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new OpenAiError(
                    400,
                    "invalid_request_error",
                    "Invalid type for '" + param + "': expected an integer, but got a string instead.",
                    param,
                    "invalid_type");
        }
    }

    private static String fingerprint(QueryParameters query) {
        Map<String, List<String>> rest = new TreeMap<>(query.asMap());
        rest.remove("page");
        return Integer.toHexString(rest.toString().hashCode());
    }

    private static String encodePage(int offset, String fingerprint) {
        return "page_"
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString((fingerprint + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodePage(String token, String fingerprint) throws OpenAiError {
        try {
            if (token.startsWith("page_")) {
                String[] parts = new String(Base64.getUrlDecoder().decode(token.substring(5)), StandardCharsets.UTF_8)
                        .split(":");
                if (parts.length == 2 && parts[0].equals(fingerprint)) {
                    return Integer.parseInt(parts[1]);
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw OpenAiError.invalid("Invalid page token: a page token only works with the query it came from.", "page");
    }

    private static Reply error(OpenAiError e) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type);
        error.put("param", e.param);
        error.put("code", e.code);
        return Reply.json(e.status, body);
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RecordedRequest record(HttpExchange exchange, Instant receivedAt, String requestId, int status) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                                .addAll(values));
        Map<String, List<String>> parameters;
        try {
            parameters = QueryParameters.parse(exchange.getRequestURI().getRawQuery())
                    .asMap();
        } catch (ApiException e) {
            parameters = Map.of();
        }
        return new RecordedRequest(
                receivedAt,
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(),
                parameters,
                headers,
                requestId,
                status);
    }
}
