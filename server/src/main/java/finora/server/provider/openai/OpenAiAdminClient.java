package finora.server.provider.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import finora.server.provider.ProviderException;
import finora.server.provider.ProviderException.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Client of OpenAI's organization admin endpoints: GET only, {@code Authorization: Bearer <admin key>}
 * and a descriptive User-Agent. The JDK {@link HttpClient} does the HTTP, Jackson the JSON and
 * Failsafe the retries (429 honouring {@code Retry-After}, 5xx, timeouts; bounded, jittered).
 *
 * <p>Amounts are read from the JSON text into {@link BigDecimal}, never through a double: OpenAI sends
 * {@code amount.value} as a JSON number with 16 and more decimals, and has also sent it as a string.
 * The official SDK is not used because it reads amounts as {@code Double}. The key never reaches a
 * log line or an exception message.
 */
public final class OpenAiAdminClient {
    /** Sent on every request. */
    public static final String USER_AGENT = "FinoraSpend/0.1 (AI spend tracking; +https://finora.example/openai)";
    /** Path of the organization costs endpoint. */
    public static final String COSTS_PATH = "/v1/organization/costs";
    /** Path of the projects list. */
    public static final String PROJECTS_PATH = "/v1/organization/projects";

    static final int MAX_PROVIDER_MESSAGE = 300;

    /** Floats become exact decimals straight from their text. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final Pattern KEY_LIKE = Pattern.compile("(sk-[a-z]*-?)[A-Za-z0-9_\\-]{6,}");

    /** One cost row: {@code amount} exact, or null with {@code defect} set when it is not a number. */
    public record CostResult(BigDecimal amount, String currency, String projectId, String lineItem, String defect) {}

    /** One day bucket [start, end). */
    public record CostBucket(Instant start, Instant end, List<CostResult> results) {}

    /** A page of buckets; {@code nextPage} is null on the last page. */
    public record CostPage(List<CostBucket> buckets, boolean hasMore, String nextPage) {}

    /** One project; {@code archivedAt} null unless archived. */
    public record Project(String id, String name, Instant createdAt, Instant archivedAt) {}

    /** A page of projects; the next page starts after {@code lastId}. */
    public record ProjectPage(List<Project> projects, boolean hasMore, String lastId) {}

    private final OpenAiClientConfig config;
    private final HttpClient http;
    private final IntConsumer retryListener;
    private final RequestListener requestListener;

    /** Hears every HTTP attempt (path, status or 0, elapsed), retries included. */
    @FunctionalInterface
    public interface RequestListener {
        /** One attempt. */
        void answered(String path, int status, Duration elapsed);
    }

    /** Creates a client; the listeners hear retries (status, 0: no answer) and every attempt. */
    public OpenAiAdminClient(OpenAiClientConfig config, IntConsumer retryListener, RequestListener requestListener) {
        this.config = config;
        this.retryListener = retryListener;
        this.requestListener = requestListener;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Creates a client that reports nothing. */
    public OpenAiAdminClient(OpenAiClientConfig config) {
        this(config, status -> {}, (path, status, elapsed) -> {});
    }

    /**
     * One page of {@code GET /v1/organization/costs} with daily buckets from {@code start} (inclusive)
     * to {@code endExclusive}, both UTC midnights.
     *
     * @param groupBy any of {@code project_id}, {@code line_item}
     * @param limit buckets per page, 1 to 180
     * @param page the previous page's {@code next_page}, or null; the rest of the query is sent identically
     */
    public CostPage costs(
            String key, Instant start, Instant endExclusive, List<String> groupBy, int limit, String page) {
        StringJoiner q = new StringJoiner("&");
        q.add("start_time=" + start.getEpochSecond());
        q.add("end_time=" + endExclusive.getEpochSecond());
        q.add("bucket_width=1d");
        for (String g : groupBy) {
            q.add(encode("group_by[]") + "=" + encode(g));
        }
        q.add("limit=" + limit);
        if (page != null) {
            q.add("page=" + encode(page));
        }
        JsonNode body = get(key, COSTS_PATH, q.toString());
        List<CostBucket> buckets = new ArrayList<>();
        for (JsonNode b : array(body, "data")) {
            List<CostResult> results = new ArrayList<>();
            JsonNode list = b.get("results");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw bad("OpenAI's bucket 'results' is not a list");
                }
                for (JsonNode r : list) {
                    JsonNode amount = r.path("amount");
                    BigDecimal value = decimal(amount.get("value"));
                    String currency = amount.path("currency").isTextual()
                            ? amount.path("currency").asText()
                            : null;
                    results.add(new CostResult(
                            value,
                            currency,
                            lenientText(r.get("project_id")),
                            lenientText(r.get("line_item")),
                            value == null ? "an amount that is not a number" : null));
                }
            }
            buckets.add(new CostBucket(epoch(b, "start_time"), epoch(b, "end_time"), results));
        }
        boolean hasMore = bool(body, "has_more");
        String next = lenientText(body.get("next_page"));
        if (hasMore && (next == null || next.isEmpty())) {
            throw bad("OpenAI's costs said has_more without a next_page");
        }
        return new CostPage(buckets, hasMore, hasMore ? next : null);
    }

    /** One page of {@code GET /v1/organization/projects}, archived projects included if asked. */
    public ProjectPage projects(String key, String after, int limit, boolean includeArchived) {
        StringJoiner q = new StringJoiner("&");
        q.add("limit=" + limit);
        q.add("include_archived=" + includeArchived);
        if (after != null) {
            q.add("after=" + encode(after));
        }
        JsonNode body = get(key, PROJECTS_PATH, q.toString());
        List<Project> projects = new ArrayList<>();
        for (JsonNode p : array(body, "data")) {
            String id = lenientText(p.get("id"));
            if (id == null) {
                throw bad("OpenAI listed a project without an id");
            }
            String name = lenientText(p.get("name"));
            projects.add(new Project(
                    id,
                    name == null || name.isBlank() ? id : name,
                    optionalEpoch(p, "created_at"),
                    optionalEpoch(p, "archived_at")));
        }
        return new ProjectPage(projects, bool(body, "has_more"), lenientText(body.get("last_id")));
    }

    /** An exact decimal from a JSON number (its text) or a string, or null when absent or not finite. */
    static BigDecimal decimal(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
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

    private JsonNode get(String key, String path, String query) {
        URI uri = URI.create(config.baseUrl() + path + (query.isEmpty() ? "" : "?" + query));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(config.requestTimeout())
                .header("authorization", "Bearer " + key)
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
            response = Failsafe.with(retry).get(() -> timedSend(request, path));
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ProviderException(
                    Kind.UNAVAILABLE,
                    0,
                    "OpenAI did not answer " + path + " (" + cause.getClass().getSimpleName() + ")",
                    null,
                    null,
                    null);
        }
        int status = response.statusCode();
        String requestId = response.headers()
                .firstValue("x-request-id")
                .map(OpenAiAdminClient::sanitize)
                .orElse(null);
        if (status == 200) {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new ProviderException(
                        Kind.BAD_RESPONSE,
                        status,
                        "OpenAI answered " + path + " with malformed JSON",
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
        String what = "OpenAI answered " + path + " with HTTP " + status + (type == null ? "" : " " + type);
        Kind kind;
        if (status == 401) {
            kind = Kind.UNAUTHORIZED;
        } else if (status == 403) {
            kind = Kind.FORBIDDEN;
        } else if (retryable(status)) {
            kind = Kind.UNAVAILABLE;
            what += " after " + (config.maxRetries() + 1) + " tries";
        } else {
            kind = Kind.REQUEST_REFUSED;
        }
        throw new ProviderException(kind, status, what, null, requestId, message);
    }

    /** Text from OpenAI made safe to store and show: no control characters, no key bodies, bounded. */
    static String sanitize(String raw) {
        String s = raw.replaceAll("\\p{Cntrl}", " ").strip();
        s = KEY_LIKE.matcher(s).replaceAll("$1…");
        if (s.length() > MAX_PROVIDER_MESSAGE) {
            s = s.substring(0, MAX_PROVIDER_MESSAGE - 1) + "…";
        }
        return s.isEmpty() ? null : s;
    }

    private HttpResponse<byte[]> timedSend(HttpRequest request, String path) throws IOException, InterruptedException {
        long start = System.nanoTime();
        int status = 0;
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            status = response.statusCode();
            return response;
        } finally {
            requestListener.answered(path, status, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    private Duration delay(HttpResponse<byte[]> last, int attempt) {
        if (last != null) {
            var retryAfter = last.headers().firstValue("retry-after");
            if (retryAfter.isPresent()) {
                try {
                    long seconds = Long.parseLong(retryAfter.get().trim());
                    Duration d = Duration.ofSeconds(Math.max(0, seconds));
                    return d.compareTo(config.maxDelay()) <= 0 ? d : config.maxDelay();
                } catch (NumberFormatException ignored) {
                    // an HTTP date or garbage: fall back to backoff
                }
            }
        }
        long base = config.baseDelay().toMillis() << Math.min(Math.max(attempt - 1, 0), 16);
        long capped = Math.min(base, config.maxDelay().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static JsonNode errorObject(byte[] body) {
        try {
            return JSON.readTree(body).path("error");
        } catch (IOException | RuntimeException e) {
            return MissingNode.getInstance();
        }
    }

    private static String lenientText(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode() || !v.isValueNode()) {
            return null;
        }
        return v.asText();
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw bad("OpenAI's answer has no '" + field + "' list");
        }
        return value;
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw bad("OpenAI's answer lacks '" + field + "'");
        }
        return value.asBoolean();
    }

    private static Instant epoch(JsonNode node, String field) {
        Instant t = optionalEpoch(node, field);
        if (t == null) {
            throw bad("OpenAI's answer lacks '" + field + "'");
        }
        return t;
    }

    private static Instant optionalEpoch(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToExactIntegral() && !v.isIntegralNumber()) {
            throw bad("OpenAI's '" + field + "' is not a Unix time");
        }
        return Instant.ofEpochSecond(v.asLong());
    }

    private static ProviderException bad(String message) {
        return ProviderException.bad(message);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
