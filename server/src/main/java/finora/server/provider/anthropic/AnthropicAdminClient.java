package finora.server.provider.anthropic;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import finora.server.provider.anthropic.AnthropicModels.ActorRef;
import finora.server.provider.anthropic.AnthropicModels.AnalyticsPage;
import finora.server.provider.anthropic.AnthropicModels.AnalyticsRow;
import finora.server.provider.anthropic.AnthropicModels.ApiKeyInfo;
import finora.server.provider.anthropic.AnthropicModels.ApiKeyPage;
import finora.server.provider.anthropic.AnthropicModels.CostBucket;
import finora.server.provider.anthropic.AnthropicModels.CostReportPage;
import finora.server.provider.anthropic.AnthropicModels.CostResult;
import finora.server.provider.anthropic.AnthropicModels.Organization;
import finora.server.provider.anthropic.AnthropicModels.User;
import finora.server.provider.anthropic.AnthropicModels.UserPage;
import finora.server.provider.anthropic.AnthropicModels.Workspace;
import finora.server.provider.anthropic.AnthropicModels.WorkspacePage;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Client of the Anthropic Admin API: GET only, {@code x-api-key}, {@code anthropic-version:
 * 2023-06-01}, {@code anthropic-beta: fast-mode-2026-02-01} (so cost rows say their {@code speed})
 * and a descriptive User-Agent on every request.
 *
 * <p>The JDK {@link HttpClient} does the HTTP, Jackson the JSON and Failsafe the retries: 429
 * (honouring {@code retry-after}), 5xx, 529, timeouts and connection failures are retried with
 * jittered exponential backoff, a bounded number of times.
 *
 * <p>Outbound load is bounded per replica: at most {@link AnthropicClientConfig#maxConcurrentRequests()}
 * requests are in flight at once (a fair semaphore held only while a request is on the wire, never
 * during a backoff). A {@code retry-after} is honoured with up to a fifth more, at random, so callers
 * told the same wait do not all come back in the same instant, and it holds back every request with
 * the same key on this replica until then, not only the one that was told. The official Java SDK is not used
 * because it does not cover the legacy {@code cost_report} endpoint (README, "Dependencies").
 *
 * <p>The key never reaches a log line or an exception message.
 */
public final class AnthropicAdminClient {
    /** The API version every Admin API example documents. */
    public static final String API_VERSION = "2023-06-01";
    /** Sent on every request, as the docs ask integrations to. */
    public static final String USER_AGENT = "FinoraSpend/0.1 (AI spend tracking; +https://finora.example/anthropic)";
    /** Makes cost rows carry {@code speed} (standard or fast). */
    public static final String BETAS = "fast-mode-2026-02-01";
    /** The Usage and Cost Analytics API beta, sent alone on its endpoints. */
    public static final String ANALYTICS_BETA = "analytics-usage-cost-2026-08-24";
    /** Path of the analytics cost endpoint. */
    public static final String ANALYTICS_COST_PATH = "/v1/organizations/analytics/cost";
    /** Longest provider error message kept. */
    static final int MAX_PROVIDER_MESSAGE = 300;

    /** Numbers that are not strings are read as exact decimals, never as doubles. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final Pattern KEY_LIKE = Pattern.compile("(sk-ant-[a-z0-9]*-?)[A-Za-z0-9_\\-]{4,}");

    private final AnthropicClientConfig config;
    private final HttpClient http;
    private final Semaphore inFlight;
    /** Per key (by its SHA-256, never the key itself): System.nanoTime() before which nothing is sent. */
    private final ConcurrentHashMap<String, Long> coolDowns = new ConcurrentHashMap<>();

    private final IntConsumer retryListener;
    private final RequestListener requestListener;

    /** Hears every HTTP attempt, retries included: for request-latency metrics. */
    @FunctionalInterface
    public interface RequestListener {
        /**
         * @param path the API path, e.g. {@code /v1/organizations/cost_report} (never the query)
         * @param status the HTTP status, or 0 when no answer arrived (timeout, connection failure)
         * @param elapsed time from sending the request to the answer or the failure
         */
        void answered(String path, int status, Duration elapsed);
    }

    /**
     * Creates a client; {@code retryListener} hears the status of every retried answer (0 for no
     * answer), {@code requestListener} every attempt.
     */
    public AnthropicAdminClient(
            AnthropicClientConfig config, IntConsumer retryListener, RequestListener requestListener) {
        this.config = config;
        this.retryListener = retryListener;
        this.requestListener = requestListener;
        this.inFlight = new Semaphore(config.maxConcurrentRequests(), true);
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Creates a client; {@code retryListener} hears the status of every retried answer (0 for no answer). */
    public AnthropicAdminClient(AnthropicClientConfig config, IntConsumer retryListener) {
        this(config, retryListener, (path, status, elapsed) -> {});
    }

    /** Creates a client that does not report retries. */
    public AnthropicAdminClient(AnthropicClientConfig config) {
        this(config, status -> {});
    }

    /** {@code GET /v1/organizations/me}: proves the key is an Admin key and names its organization. */
    public Organization organization(String apiKey) {
        JsonNode body = get(apiKey, "/v1/organizations/me", "");
        return new Organization(text(body, "id", true), text(body, "name", true));
    }

    /** One page of {@code GET /v1/organizations/workspaces}, archived ones included if asked. */
    public WorkspacePage workspaces(String apiKey, String afterId, int limit, boolean includeArchived) {
        StringJoiner q = new StringJoiner("&");
        q.add("limit=" + limit);
        q.add("include_archived=" + includeArchived);
        if (afterId != null) {
            q.add("after_id=" + encode(afterId));
        }
        JsonNode body = get(apiKey, "/v1/organizations/workspaces", q.toString());
        List<Workspace> list = new ArrayList<>();
        for (JsonNode w : array(body, "data")) {
            String archived = text(w, "archived_at", false);
            list.add(new Workspace(
                    text(w, "id", true), text(w, "name", true), archived == null ? null : parseInstant(archived)));
        }
        return new WorkspacePage(list, bool(body, "has_more"), text(body, "last_id", false));
    }

    /**
     * One page of {@code GET /v1/organizations/cost_report} with daily buckets for
     * [{@code start}, {@code endExclusive}) at UTC midnight.
     *
     * @param groupBy any of {@code workspace_id}, {@code description}
     * @param limit day buckets per page, 1 to 31
     * @param page the previous page's {@code next_page}, or null for the first
     */
    public CostReportPage costReport(
            String apiKey, LocalDate start, LocalDate endExclusive, List<String> groupBy, int limit, String page) {
        StringJoiner q = new StringJoiner("&");
        q.add("starting_at="
                + encode(start.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        q.add("ending_at="
                + encode(endExclusive.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        q.add("bucket_width=1d");
        for (String g : groupBy) {
            q.add(encode("group_by[]") + "=" + encode(g));
        }
        q.add("limit=" + limit);
        if (page != null) {
            q.add("page=" + encode(page));
        }
        JsonNode body = get(apiKey, "/v1/organizations/cost_report", q.toString());
        List<CostBucket> buckets = new ArrayList<>();
        for (JsonNode b : array(body, "data")) {
            List<CostResult> results = new ArrayList<>();
            String defect = null;
            for (JsonNode r : array(b, "results")) {
                BigDecimal amount = amount(r);
                if (amount == null) {
                    // One odd row spoils its day only: the other days of the page are still stored.
                    defect = "an amount that is not a number";
                    continue;
                }
                results.add(new CostResult(
                        amount,
                        text(r, "currency", false),
                        text(r, "workspace_id", false),
                        text(r, "description", false),
                        text(r, "cost_type", false),
                        text(r, "model", false),
                        text(r, "token_type", false),
                        text(r, "service_tier", false),
                        text(r, "context_window", false),
                        text(r, "inference_geo", false),
                        text(r, "speed", false)));
            }
            buckets.add(new CostBucket(
                    parseInstant(text(b, "starting_at", true)),
                    parseInstant(text(b, "ending_at", true)),
                    defect == null ? results : List.of(),
                    defect));
        }
        boolean hasMore = bool(body, "has_more");
        String next = text(body, "next_page", false);
        if (hasMore && next == null) {
            throw bad("cost_report said has_more without a next_page");
        }
        return new CostReportPage(buckets, hasMore, next);
    }

    /** The legacy usage report's path (token counts per day). */
    public static final String USAGE_REPORT_PATH = "/v1/organizations/usage_report/messages";

    /**
     * One page of {@code GET /v1/organizations/usage_report/messages} in daily buckets (with the
     * fast-mode beta, so {@code speed} can be grouped by). Counts must be whole non-negative numbers.
     *
     * @param groupBy at most five of {@code workspace_id}, {@code model}, {@code service_tier},
     *                {@code context_window}, {@code speed}, {@code inference_geo}, {@code api_key_id}
     * @param limit day buckets per page, 1 to 31
     */
    public AnthropicModels.UsagePage usageReport(
            String apiKey, LocalDate start, LocalDate endExclusive, List<String> groupBy, int limit, String page) {
        StringJoiner q = new StringJoiner("&");
        q.add("starting_at="
                + encode(start.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        q.add("ending_at="
                + encode(endExclusive.atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
        q.add("bucket_width=1d");
        for (String g : groupBy) {
            q.add(encode("group_by[]") + "=" + encode(g));
        }
        q.add("limit=" + limit);
        if (page != null) {
            q.add("page=" + encode(page));
        }
        JsonNode body = get(apiKey, USAGE_REPORT_PATH, q.toString());
        List<AnthropicModels.UsageBucket> buckets = new ArrayList<>();
        for (JsonNode b : array(body, "data")) {
            List<AnthropicModels.UsageResult> results = new ArrayList<>();
            for (JsonNode r : array(b, "results")) {
                results.add(new AnthropicModels.UsageResult(
                        text(r, "workspace_id", false),
                        text(r, "model", false),
                        text(r, "service_tier", false),
                        text(r, "context_window", false),
                        text(r, "speed", false),
                        text(r, "inference_geo", false),
                        text(r, "api_key_id", false),
                        count(r.get("uncached_input_tokens")),
                        count(r.get("output_tokens")),
                        count(r.get("cache_read_input_tokens")),
                        count(r.path("cache_creation").get("ephemeral_5m_input_tokens")),
                        count(r.path("cache_creation").get("ephemeral_1h_input_tokens")),
                        count(r.path("server_tool_use").get("web_search_requests"))));
            }
            buckets.add(new AnthropicModels.UsageBucket(
                    parseInstant(text(b, "starting_at", true)), parseInstant(text(b, "ending_at", true)), results));
        }
        boolean hasMore = bool(body, "has_more");
        String next = text(body, "next_page", false);
        if (hasMore && next == null) {
            throw bad("usage_report said has_more without a next_page");
        }
        return new AnthropicModels.UsagePage(buckets, hasMore, next);
    }

    /** A token or request count: absent or null is 0; anything but a whole non-negative number is refused. */
    private static long count(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return 0;
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
            throw bad("Anthropic's usage report holds a count that is not a whole number");
        }
        return v.asLong();
    }

    /**
     * One page of {@code GET /v1/organizations/analytics/cost} with the analytics beta header.
     *
     * @param start inclusive, {@code endExclusive} exclusive (UTC instants)
     * @param bucket {@code 1d}, {@code 1h} or null (one row per group for the whole range)
     * @param groupBy dimensions, e.g. {@code workspace_id}, {@code api_key_id}, {@code actor}
     * @param page the previous page's {@code next_page}, or null
     */
    public AnalyticsPage analyticsCost(
            String apiKey,
            Instant start,
            Instant endExclusive,
            String bucket,
            List<String> groupBy,
            int limit,
            String page) {
        StringJoiner q = new StringJoiner("&");
        q.add("starting_at=" + encode(start.toString()));
        q.add("ending_at=" + encode(endExclusive.toString()));
        if (bucket != null) {
            q.add("time_bucket_width=" + encode(bucket));
        }
        for (String g : groupBy) {
            q.add(encode("group_by[]") + "=" + encode(g));
        }
        q.add("limit=" + limit);
        if (page != null) {
            q.add("page=" + encode(page));
        }
        JsonNode body = get(apiKey, ANALYTICS_COST_PATH, q.toString(), ANALYTICS_BETA);
        List<AnalyticsRow> rows = new ArrayList<>();
        for (JsonNode r : array(body, "data")) {
            JsonNode groupNode = r.path("group");
            java.util.Map<String, String> group = new java.util.LinkedHashMap<>();
            ActorRef actor = null;
            if (groupNode.isObject()) {
                for (var it = groupNode.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (e.getKey().equals("actor")) {
                        actor = actor(e.getValue());
                    } else {
                        String v = lenientText(e.getValue());
                        if (v != null) {
                            group.put(e.getKey(), v);
                        }
                    }
                }
            }
            JsonNode cost = r.path("cost");
            BigDecimal amount = decimal(cost.get("amount"));
            BigDecimal list = decimal(cost.get("list_amount"));
            String currency =
                    cost.path("currency").isTextual() ? cost.path("currency").asText() : null;
            rows.add(new AnalyticsRow(
                    parseInstant(text(r, "starting_at", true)),
                    parseInstant(text(r, "ending_at", true)),
                    group,
                    actor,
                    amount,
                    list,
                    currency,
                    amount == null ? "an amount that is not a number" : null));
        }
        boolean hasMore = bool(body, "has_more");
        String next = text(body, "next_page", false);
        if (hasMore && next == null) {
            throw bad("analytics/cost said has_more without a next_page");
        }
        String refreshed = body.path("data_refreshed_at").isTextual()
                ? body.path("data_refreshed_at").asText()
                : null;
        Instant watermark = null;
        if (refreshed != null) {
            try {
                watermark = parseInstant(refreshed);
            } catch (AnthropicException e) {
                watermark = null; // an unreadable watermark is treated as absent
            }
        }
        return new AnalyticsPage(rows, hasMore, next, watermark);
    }

    /** One page of {@code GET /v1/organizations/api_keys}, every status. */
    public ApiKeyPage apiKeys(String apiKey, String afterId, int limit) {
        StringJoiner q = new StringJoiner("&");
        q.add("limit=" + limit);
        if (afterId != null) {
            q.add("after_id=" + encode(afterId));
        }
        JsonNode body = get(apiKey, "/v1/organizations/api_keys", q.toString(), BETAS);
        List<ApiKeyInfo> keys = new ArrayList<>();
        for (JsonNode k : array(body, "data")) {
            JsonNode scope = k.path("scope");
            JsonNode principal = k.path("principal");
            String principalId =
                    principal.isObject() ? firstText(principal, "user_id", "service_account_id", "id") : null;
            keys.add(new ApiKeyInfo(
                    text(k, "id", true),
                    lenientText(k.get("name")),
                    lenientText(k.get("status")),
                    lenientText(k.get("partial_key_hint")),
                    scope.isObject() ? lenientText(scope.get("type")) : null,
                    scope.isObject() ? lenientText(scope.get("workspace_id")) : null,
                    lenientText(k.get("workspace_id")),
                    principalId));
        }
        return new ApiKeyPage(keys, bool(body, "has_more"), text(body, "last_id", false));
    }

    /** One page of {@code GET /v1/organizations/users}. */
    public UserPage users(String apiKey, String afterId, int limit) {
        StringJoiner q = new StringJoiner("&");
        q.add("limit=" + limit);
        if (afterId != null) {
            q.add("after_id=" + encode(afterId));
        }
        JsonNode body = get(apiKey, "/v1/organizations/users", q.toString(), BETAS);
        List<User> users = new ArrayList<>();
        for (JsonNode u : array(body, "data")) {
            users.add(new User(text(u, "id", true), lenientText(u.get("name")), lenientText(u.get("email"))));
        }
        return new UserPage(users, bool(body, "has_more"), text(body, "last_id", false));
    }

    /** An actor in any shape: an object with a type and an id field, a bare id string, or null. */
    private static ActorRef actor(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isValueNode()) {
            String id = node.asText();
            return id.isBlank() ? null : new ActorRef(id, null, null, null, false);
        }
        if (!node.isObject()) {
            return null;
        }
        String id = firstText(node, "user_id", "service_account_id", "api_key_id", "id");
        String name = firstText(node, "name", "api_key_name");
        String email = firstText(node, "email_address", "email");
        if (id == null && email == null && name == null) {
            return new ActorRef(null, lenientText(node.get("type")), null, null, false);
        }
        return new ActorRef(
                id,
                lenientText(node.get("type")),
                name,
                email,
                node.path("deleted").asBoolean(false));
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = lenientText(node.get(f));
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** A value node's text; an object's {@code id} or {@code name}; else null. */
    private static String lenientText(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        if (v.isObject()) {
            return firstText(v, "id", "name", "type");
        }
        return null;
    }

    /** An exact decimal from a string or a number, or null when absent or not a finite decimal. */
    private static BigDecimal decimal(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private JsonNode get(String apiKey, String path, String query) {
        return get(apiKey, path, query, BETAS);
    }

    private JsonNode get(String apiKey, String path, String query, String betas) {
        URI uri = URI.create(config.baseUrl() + path + (query.isEmpty() ? "" : "?" + query));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(config.requestTimeout())
                .header("x-api-key", apiKey)
                .header("anthropic-version", API_VERSION)
                .header("anthropic-beta", betas)
                .header("user-agent", USER_AGENT)
                .header("accept", "application/json")
                .build();
        RetryPolicy<HttpResponse<byte[]>> retry = RetryPolicy.<HttpResponse<byte[]>>builder()
                .handle(IOException.class)
                .handleResultIf(r -> retryable(r.statusCode()))
                .withMaxRetries(config.maxRetries())
                .withDelayFn(ctx -> delay(ctx.getLastResult(), ctx.getAttemptCount()))
                .onRetry(e -> retryListener.accept(
                        e.getLastResult() == null ? 0 : e.getLastResult().statusCode()))
                .build();
        HttpResponse<byte[]> response;
        try {
            String keyId = keyId(apiKey);
            response = Failsafe.with(retry).get(() -> timedSend(request, path, keyId));
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new AnthropicException(
                    AnthropicException.Kind.UNAVAILABLE,
                    0,
                    "Anthropic did not answer " + path + " (" + cause.getClass().getSimpleName() + ")",
                    null);
        }
        int status = response.statusCode();
        String requestId = response.headers()
                .firstValue("request-id")
                .map(AnthropicAdminClient::sanitize)
                .orElse(null);
        if (status == 200) {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new AnthropicException(
                        AnthropicException.Kind.BAD_RESPONSE,
                        status,
                        "Anthropic answered " + path + " with malformed JSON",
                        null,
                        requestId,
                        null);
            }
        }
        JsonNode error = errorObject(response.body());
        String type =
                error.path("type").isTextual() && error.path("type").asText().matches("[a-z_]{1,40}")
                        ? error.path("type").asText()
                        : null;
        String message = error.path("message").isTextual()
                ? sanitize(error.path("message").asText())
                : null;
        String what = "Anthropic answered " + path + " with HTTP " + status + (type == null ? "" : " " + type);
        AnthropicException.Kind kind;
        if (status == 401) {
            kind = AnthropicException.Kind.UNAUTHORIZED;
        } else if (status == 403) {
            kind = AnthropicException.Kind.FORBIDDEN;
        } else if (retryable(status)) {
            kind = AnthropicException.Kind.UNAVAILABLE;
            what += " after " + (config.maxRetries() + 1) + " tries";
        } else {
            kind = AnthropicException.Kind.REQUEST_REFUSED;
        }
        throw new AnthropicException(kind, status, what, null, requestId, message);
    }

    /**
     * Text from Anthropic made safe to store and show: control characters become spaces, anything
     * that looks like a key keeps only its prefix, at most {@value #MAX_PROVIDER_MESSAGE} characters.
     */
    static String sanitize(String raw) {
        String s = raw.replaceAll("\\p{Cntrl}", " ").strip();
        s = KEY_LIKE.matcher(s).replaceAll("$1…");
        if (s.length() > MAX_PROVIDER_MESSAGE) {
            s = s.substring(0, MAX_PROVIDER_MESSAGE - 1) + "…";
        }
        return s.isEmpty() ? null : s;
    }

    /**
     * Waits out a {@code retry-after} another request with this key was told, then for a free slot,
     * and sends; a 429's {@code retry-after} holds back the key's later requests on this replica.
     */
    private HttpResponse<byte[]> timedSend(HttpRequest request, String path, String keyId)
            throws IOException, InterruptedException {
        // A slot first, then the key's cool-down again: a 429 may have arrived while this request queued.
        while (true) {
            waitOutCoolDown(keyId);
            inFlight.acquire();
            if (coolDownLeft(keyId) <= 0) {
                break;
            }
            inFlight.release();
        }
        long start = System.nanoTime();
        int status = 0;
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            status = response.statusCode();
            if (status == 429) {
                retryAfter(response).ifPresent(d -> coolDowns.merge(keyId, System.nanoTime() + d.toNanos(), Math::max));
            }
            return response;
        } finally {
            inFlight.release();
            requestListener.answered(path, status, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private long coolDownLeft(String keyId) {
        Long until = coolDowns.get(keyId);
        if (until == null) {
            return 0;
        }
        long left = until - System.nanoTime();
        if (left <= 0) {
            coolDowns.remove(keyId, until);
        }
        return left;
    }

    private void waitOutCoolDown(String keyId) throws InterruptedException {
        long left = coolDownLeft(keyId);
        if (left > 0) {
            // Up to a fifth more, at random, so the requests held back do not all leave in the same instant.
            long wait = Math.min(left, config.maxDelay().toNanos());
            TimeUnit.NANOSECONDS.sleep(wait + ThreadLocalRandom.current().nextLong(wait / 5 + 1));
        }
    }

    /** Requests to Anthropic in flight on this replica now (at most {@code maxConcurrentRequests}). */
    public int requestsInFlight() {
        return config.maxConcurrentRequests() - inFlight.availablePermits();
    }

    /** A key's stand-in for the cool-down map: its SHA-256, so the map never holds a key. */
    private static String keyId(String apiKey) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole seconds of a {@code retry-after} header, capped by {@code maxDelay}; empty if absent or a date. */
    private Optional<Duration> retryAfter(HttpResponse<byte[]> response) {
        var header = response.headers().firstValue("retry-after");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            return Optional.of(min(Duration.ofSeconds(Math.max(0, seconds)), config.maxDelay()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date or garbage: backoff decides
        }
    }

    /** 429, 5xx and 529 are worth another try; 4xx are not. */
    static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    private Duration delay(HttpResponse<byte[]> last, int attempt) {
        if (last != null) {
            Optional<Duration> asked = retryAfter(last);
            if (asked.isPresent()) {
                // Never sooner than asked; up to a fifth later, so the told callers spread out.
                long millis = asked.get().toMillis();
                return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 5 + 1));
            }
        }
        long base = config.baseDelay().toMillis() << Math.min(Math.max(attempt - 1, 0), 16);
        long capped = Math.min(base, config.maxDelay().toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static JsonNode errorObject(byte[] body) {
        try {
            return JSON.readTree(body).path("error");
        } catch (IOException | RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** The exact amount at the scale Anthropic wrote it, or null when it is not a finite decimal. */
    private static BigDecimal amount(JsonNode r) {
        JsonNode value = r.get("amount");
        if (value != null && value.isNumber()) {
            return value.decimalValue();
        }
        String raw = text(r, "amount", true);
        try {
            return new BigDecimal(raw.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw bad("Anthropic's answer has no '" + field + "' list");
        }
        return value;
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw bad("Anthropic's answer lacks '" + field + "'");
            }
            return null;
        }
        if (!value.isValueNode()) {
            throw bad("Anthropic's '" + field + "' is not a value");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw bad("Anthropic's answer lacks '" + field + "'");
        }
        return value.asBoolean();
    }

    private static Instant parseInstant(String raw) {
        try {
            return Instant.parse(raw);
        } catch (RuntimeException e) {
            try {
                return java.time.OffsetDateTime.parse(raw).toInstant();
            } catch (RuntimeException e2) {
                throw bad("Anthropic's answer has a malformed time");
            }
        }
    }

    private static AnthropicException bad(String message) {
        return new AnthropicException(AnthropicException.Kind.BAD_RESPONSE, 200, message, null);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
