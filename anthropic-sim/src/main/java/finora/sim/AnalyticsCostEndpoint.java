package finora.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code GET /v1/organizations/analytics/cost} (beta {@code analytics-usage-cost-2026-08-24}): the cost
 * report's truth, one row per combination of {@code group_by[]} values (and time bucket, {@code 1d} or
 * {@code 1h}) that has cost, with {@code list_amount} beside {@code amount} (fractional cents as decimal
 * strings), paged by an opaque {@code page} cursor, with {@code data_refreshed_at} (now, rounded down to
 * the hour: later data is not served yet).
 *
 * <p>400 {@code invalid_request_error} for: a missing beta header, an organization the beta is not
 * available for, {@code starting_at} missing, without a time zone, before 2026-01-01 or more than 365
 * days ago, a range that is empty or longer than 31 days, an unknown {@code group_by[]} or bucket width,
 * an unknown filter value, more than 100 {@code actor_ids[]}, a foreign page cursor.
 */
final class AnalyticsCostEndpoint {

    static final String PATH = "/v1/organizations/analytics/cost";
    static final String BETA = "analytics-usage-cost-2026-08-24";
    static final Instant FLOOR = Instant.parse("2026-01-01T00:00:00Z");
    static final String NOT_AVAILABLE = "The Usage and Cost Analytics API is not available for this organization";

    /** The 22 dimensions of a cost row's {@code group}, in the documented order. */
    static final List<String> DIMENSIONS = List.of(
            "actor",
            "actor_type",
            "agent_id",
            "api_key_id",
            "claude_tag_category",
            "claude_tag_user_id",
            "context_window",
            "cost_type",
            "deployment_id",
            "environment_id",
            "inference_geo",
            "model",
            "organization_id",
            "product",
            "rbac_group_id",
            "service_tier",
            "session_id",
            "slack_channel_id",
            "speed",
            "token_type",
            "user_profile_id",
            "workspace_id");

    private static final Map<String, Set<String>> ENUM_FILTERS = Map.of(
            "context_windows[]", Set.of("0-200k", "200k-1M"),
            "inference_geos[]", Set.of("global", "us", "not_available"),
            "speeds[]", Set.of("fast", "standard"));

    private final SimData data;
    private final Clock clock;
    private final Predicate<String> available;

    AnalyticsCostEndpoint(SimData data, Clock clock, Predicate<String> available) {
        this.data = data;
        this.clock = clock;
        this.available = available;
    }

    ObjectNode answer(String organizationId, QueryParameters query, List<String> betas) throws ApiException {
        boolean beta = betas.stream()
                .flatMap(b -> Arrays.stream(b.split(",")))
                .anyMatch(b -> b.trim().equals(BETA));
        if (!beta) {
            throw ApiException.invalidRequest("This endpoint requires the beta header anthropic-beta: " + BETA);
        }
        if (!available.test(organizationId)) {
            throw ApiException.invalidRequest(NOT_AVAILABLE);
        }
        Instant now = clock.instant();
        Instant watermark = now.truncatedTo(ChronoUnit.HOURS);
        Instant start = instant(query, "starting_at", true);
        if (start.isBefore(FLOOR)) {
            throw ApiException.invalidRequest("starting_at: must not be earlier than 2026-01-01T00:00:00Z");
        }
        if (start.isBefore(now.minus(Duration.ofDays(365)))) {
            throw ApiException.invalidRequest("starting_at: must be within the last 365 days");
        }
        Instant end = instant(query, "ending_at", false);
        if (end == null) {
            Instant max = start.plus(Duration.ofDays(31));
            end = now.isBefore(max) ? now : max;
        }
        if (!end.isAfter(start)) {
            throw ApiException.invalidRequest("ending_at: must be after starting_at");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(31)) > 0) {
            throw ApiException.invalidRequest("The range from starting_at to ending_at must not exceed 31 days");
        }
        String width = query.first("time_bucket_width");
        Duration bucket = switch (width == null ? "" : width) {
            case "" -> null;
            case "1d" -> Duration.ofDays(1);
            case "1h" -> Duration.ofHours(1);
            default -> throw ApiException.invalidRequest("time_bucket_width: Input should be '1d' or '1h'");
        };
        List<String> groupBy = query.all("group_by[]");
        for (String g : groupBy) {
            if (!DIMENSIONS.contains(g)) {
                throw ApiException.invalidRequest("group_by[]: unknown dimension '" + g + "'");
            }
        }
        for (Map.Entry<String, Set<String>> f : ENUM_FILTERS.entrySet()) {
            for (String v : query.all(f.getKey())) {
                if (!f.getValue().contains(v)) {
                    throw ApiException.invalidRequest(f.getKey() + ": invalid value '" + v + "'");
                }
            }
        }
        List<String> actorIds = query.all("actor_ids[]");
        if (actorIds.size() > 100) {
            throw ApiException.invalidRequest("actor_ids[]: at most 100 values");
        }
        for (String a : actorIds) {
            if (!a.startsWith("user_") && !a.startsWith("svac_") && !a.startsWith("apikey_")) {
                throw ApiException.invalidRequest("actor_ids[]: '" + a + "' is not a user_, svac_ or apikey_ id");
            }
        }
        int limit = query.integer("limit", 20, 1, 1000);
        boolean excludeDeleted = query.bool("exclude_deleted_users", false);

        // Whole hours only: the report rounds its period down to the hour.
        Instant from = start.truncatedTo(ChronoUnit.HOURS);
        Instant to = end.truncatedTo(ChronoUnit.HOURS);
        SimAttribution attribution = data.attribution(organizationId);
        Map<List<Object>, BigDecimal[]> sums = new LinkedHashMap<>();
        for (LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to);
                day = day.plusDays(1)) {
            Instant midnight = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (CostLineItem row : data.day(organizationId, day)) {
                SimAttribution.Attribution a = attribution.attribute(row);
                if (!matches(query, row, a) || (excludeDeleted && deleted(attribution, a))) {
                    continue;
                }
                BigDecimal[] hours = attribution.hourly(row, row.amountCents());
                for (int h = 0; h < 24; h++) {
                    Instant hourStart = midnight.plus(Duration.ofHours(h));
                    if (hourStart.isBefore(from)
                            || !hourStart.isBefore(to)
                            || hourStart.plus(Duration.ofHours(1)).isAfter(watermark)
                            || hours[h].signum() == 0) {
                        continue;
                    }
                    Instant bucketStart = bucket == null ? from : bucket.toHours() == 1 ? hourStart : midnight;
                    List<Object> key = new ArrayList<>();
                    key.add(bucketStart);
                    for (String g : groupBy) {
                        key.add(value(g, row, a, organizationId));
                    }
                    BigDecimal[] s = sums.computeIfAbsent(
                            key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
                    s[0] = s[0].add(hours[h]);
                    s[1] = s[1].add(a.list(hours[h]));
                    s[2] = s[2].add(BigDecimal.valueOf(1 + Math.floorMod(row.hashCode() + h, 9)));
                }
            }
        }
        List<Map.Entry<List<Object>, BigDecimal[]>> rows = new ArrayList<>(sums.entrySet());
        rows.removeIf(e -> e.getValue()[0].signum() == 0);
        Comparator<Map.Entry<List<Object>, BigDecimal[]>> byAmount = Comparator.comparing(
                        (Map.Entry<List<Object>, BigDecimal[]> e) -> e.getValue()[0])
                .reversed();
        Comparator<Map.Entry<List<Object>, BigDecimal[]>> order = bucket == null
                ? byAmount
                : Comparator.comparing((Map.Entry<List<Object>, BigDecimal[]> e) ->
                                (Instant) e.getKey().get(0))
                        .thenComparing(byAmount);
        rows.sort(order.thenComparing(e -> e.getKey().toString()));

        String fingerprint = fingerprint(organizationId, query);
        int offset = query.first("page") == null ? 0 : decodePage(query.first("page"), fingerprint, rows.size());
        List<Map.Entry<List<Object>, BigDecimal[]>> page = rows.subList(offset, Math.min(rows.size(), offset + limit));
        boolean noRequests = groupBy.contains("cost_type") || groupBy.contains("token_type");
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        ArrayNode out = body.putArray("data");
        for (Map.Entry<List<Object>, BigDecimal[]> e : page) {
            Instant bucketStart = (Instant) e.getKey().get(0);
            ObjectNode r = out.addObject();
            r.put("starting_at", bucketStart.toString());
            r.put("ending_at", (bucket == null ? to : bucketStart.plus(bucket)).toString());
            ObjectNode group = r.putObject("group");
            DIMENSIONS.forEach(d -> group.putNull(d));
            for (int i = 0; i < groupBy.size(); i++) {
                Object v = e.getKey().get(i + 1);
                group.set(
                        groupBy.get(i),
                        v == null ? NullNode.instance : v instanceof JsonNode n ? n : json.textNode(v.toString()));
            }
            ObjectNode cost = r.putObject("cost");
            cost.put("amount", e.getValue()[0].toPlainString());
            cost.put("list_amount", e.getValue()[1].toPlainString());
            cost.put("currency", "USD");
            if (noRequests) {
                cost.putNull("requests");
            } else {
                cost.put("requests", e.getValue()[2].longValue());
            }
        }
        boolean hasMore = offset + page.size() < rows.size();
        body.put("has_more", hasMore);
        body.put("next_page", hasMore ? encodePage(offset + page.size(), fingerprint) : null);
        body.put("data_refreshed_at", watermark.toString());
        return body;
    }

    private static boolean deleted(SimAttribution attribution, SimAttribution.Attribution a) {
        return attribution.actor(a.actorId()) instanceof SimAttribution.User u && u.deleted();
    }

    private static boolean matches(QueryParameters q, CostLineItem row, SimAttribution.Attribution a) {
        return in(q, "api_key_ids[]", a.apiKeyId())
                && in(q, "actor_ids[]", a.actorId())
                && in(q, "workspace_ids[]", row.workspaceId())
                && in(q, "models[]", row.model())
                && in(q, "products[]", a.product())
                && in(q, "service_tiers[]", row.serviceTier())
                && in(q, "context_windows[]", row.contextWindow())
                && in(q, "inference_geos[]", row.inferenceGeo())
                && in(q, "speeds[]", row.speed())
                && in(q, "actor_types[]", actorType(a.actorType()));
    }

    private static boolean in(QueryParameters q, String name, String value) {
        List<String> wanted = q.all(name);
        return wanted.isEmpty() || (value != null && wanted.contains(value));
    }

    private static String actorType(String type) {
        return switch (type) {
            case "user_actor" -> "user";
            case "service_account_actor" -> "service_account";
            default -> "api_key";
        };
    }

    /** A grouped dimension's value: text, an actor object, or null (not applicable). */
    private Object value(String dimension, CostLineItem row, SimAttribution.Attribution a, String organizationId) {
        return switch (dimension) {
            case "actor" -> actor(a, organizationId);
            case "actor_type" -> actorType(a.actorType());
            case "api_key_id" -> a.apiKeyId();
            case "context_window" -> row.contextWindow();
            case "cost_type" -> row.costType();
            case "inference_geo" -> row.inferenceGeo();
            case "model" -> row.model();
            case "organization_id" -> organizationId;
            case "product" -> a.product();
            case "service_tier" -> row.serviceTier();
            case "speed" -> row.speed();
            case "token_type" -> row.tokenType();
            case "workspace_id" -> row.workspaceId();
            default -> null;
        };
    }

    private JsonNode actor(SimAttribution.Attribution a, String organizationId) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", a.actorType());
        Object who = data.attribution(organizationId).actor(a.actorId());
        switch (who) {
            case SimAttribution.User u -> {
                n.put("user_id", u.id());
                n.put("email_address", u.email());
                n.put("name", u.name());
                n.put("deleted", u.deleted());
            }
            case SimAttribution.ServiceAccount s -> {
                n.put("service_account_id", s.id());
                n.put("name", s.name());
            }
            case null, default -> n.put("api_key_id", a.actorId());
        }
        return n;
    }

    private static Instant instant(QueryParameters query, String name, boolean required) throws ApiException {
        String raw = query.first(name);
        if (raw == null) {
            if (required) {
                throw ApiException.invalidRequest(name + ": Field required");
            }
            return null;
        }
        try {
            return OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest(name + ": Input should be a valid datetime with a time zone (RFC 3339)");
        }
    }

    private static String fingerprint(String organizationId, QueryParameters query) {
        Map<String, List<String>> params = new LinkedHashMap<>(query.asMap());
        params.remove("page");
        params.remove("limit");
        return Integer.toHexString(Objects.hash(organizationId, params.toString()));
    }

    private static String encodePage(int offset, String fingerprint) {
        return "page_"
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString((offset + ":" + fingerprint).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodePage(String page, String fingerprint, int rows) throws ApiException {
        try {
            String[] parts =
                    new String(Base64.getUrlDecoder().decode(page.substring(5)), StandardCharsets.UTF_8).split(":");
            int offset = Integer.parseInt(parts[0]);
            if (page.startsWith("page_")
                    && parts.length == 2
                    && parts[1].equals(fingerprint)
                    && offset >= 0
                    && offset <= rows) {
                return offset;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw ApiException.invalidRequest("page: Invalid page token");
    }
}
