package finora.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * {@code GET /v1/organizations/cost_report}: daily buckets of cost in cents, grouped by any subset of
 * {@code workspace_id} and {@code description}, paged by an opaque {@code page} cursor.
 *
 * <p>Traps of the real API it reproduces: amounts are decimal strings whose scale varies row to row;
 * {@code speed} is only returned (and only splits rows) when the request carries
 * {@code anthropic-beta: fast-mode-2026-02-01}; a page holding more result rows than the
 * configured cap answers 400 (a "dense page"; the caller must ask for fewer days); cost types are an
 * open set ({@code session_usage}); Priority Tier spend is never in it.
 */
final class CostReportEndpoint {

    static final String PATH = "/v1/organizations/cost_report";
    /** The beta that adds {@code speed} to cost rows. */
    static final String FAST_MODE_BETA = "fast-mode-2026-02-01";

    static final String DENSE_PAGE = "Too many results for one page: request fewer days with a smaller limit";

    private static final String INVALID_RANGE = "Invalid date range: ending date must be after starting date";
    private static final String PAGE_PREFIX = "page_";
    private static final int DEFAULT_LIMIT = 7;
    private static final int MAX_LIMIT = 31;
    private static final Set<String> GROUP_BY_VALUES = Set.of("workspace_id", "description");

    private final SimData data;
    private final Clock clock;
    private final IntSupplier maxResultsPerPage;

    /** {@code maxResultsPerPage} gives the dense-page cap per request; 0 means none. */
    CostReportEndpoint(SimData data, Clock clock, IntSupplier maxResultsPerPage) {
        this.data = data;
        this.clock = clock;
        this.maxResultsPerPage = maxResultsPerPage;
    }

    /** The answer; {@code betas} are the values of the request's {@code anthropic-beta} headers. */
    ObjectNode answer(String organizationId, QueryParameters query, List<String> betas) throws ApiException {
        boolean withSpeed = betas.stream()
                .flatMap(b -> Arrays.stream(b.split(",")))
                .anyMatch(b -> b.trim().equals(FAST_MODE_BETA));
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
            throw ApiException.invalidRequest("bucket_width: Input should be '1d'");
        }
        boolean byWorkspace = false;
        boolean byDescription = false;
        for (String group : query.all("group_by[]")) {
            if (!GROUP_BY_VALUES.contains(group)) {
                throw ApiException.invalidRequest("group_by[]: Input should be 'workspace_id' or 'description'");
            }
            byWorkspace |= group.equals("workspace_id");
            byDescription |= group.equals("description");
        }
        int limit = query.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        LocalDate from = query.first("page") == null ? start : decodePage(query.first("page"), start, end);
        LocalDate to = from.plusDays(limit).isBefore(end) ? from.plusDays(limit) : end;

        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        ArrayNode buckets = body.putArray("data");
        int resultRows = 0;
        for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
            ObjectNode bucket = buckets.addObject();
            bucket.put("starting_at", timestamp(day));
            bucket.put("ending_at", timestamp(day.plusDays(1)));
            ArrayNode results = bucket.putArray("results");
            String garbled = data.garbledAmount(organizationId, day);
            for (Map.Entry<Group, BigDecimal> row : group(
                            data.day(organizationId, day), byWorkspace, byDescription, withSpeed)
                    .entrySet()) {
                ObjectNode result = result(row.getKey(), row.getValue(), withSpeed);
                if (garbled != null) {
                    result.put("amount", garbled);
                    garbled = null;
                }
                results.add(result);
            }
            resultRows += results.size();
        }
        int cap = maxResultsPerPage.getAsInt();
        if (cap > 0 && resultRows > cap) {
            throw ApiException.invalidRequest(DENSE_PAGE);
        }
        boolean hasMore = to.isBefore(end);
        body.put("has_more", hasMore);
        body.put("next_page", hasMore ? encodePage(to) : null);
        return body;
    }

    /** Sums rows that differ only in dimensions not grouped by. Without any grouping a day becomes one row. */
    private static Map<Group, BigDecimal> group(
            List<CostLineItem> rows, boolean byWorkspace, boolean byDescription, boolean withSpeed) {
        Map<Group, BigDecimal> sums = new LinkedHashMap<>();
        for (CostLineItem row : rows) {
            String workspaceId = byWorkspace ? row.workspaceId() : null;
            Group key = byDescription
                    ? new Group(
                            workspaceId,
                            row.description(),
                            row.costType(),
                            row.model(),
                            row.tokenType(),
                            row.serviceTier(),
                            row.contextWindow(),
                            row.inferenceGeo(),
                            withSpeed ? row.speed() : null)
                    : new Group(workspaceId, null, null, null, null, null, null, null, null);
            sums.merge(key, row.amountCents(), BigDecimal::add);
        }
        return sums;
    }

    private static ObjectNode result(Group group, BigDecimal amountCents, boolean withSpeed) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("amount", amountCents.toPlainString()); // the scale as stored: it varies
        result.put("currency", "USD");
        result.put("workspace_id", group.workspaceId());
        result.put("description", group.description());
        result.put("cost_type", group.costType());
        result.put("model", group.model());
        result.put("token_type", group.tokenType());
        result.put("service_tier", group.serviceTier());
        result.put("context_window", group.contextWindow());
        result.put("inference_geo", group.inferenceGeo());
        if (withSpeed) {
            result.put("speed", group.speed());
        }
        return result;
    }

    /** A required or optional RFC 3339 timestamp that must fall on a UTC midnight, as a UTC day. */
    private static LocalDate day(QueryParameters query, String name, boolean required) throws ApiException {
        String raw = query.first(name);
        if (raw == null) {
            if (required) {
                throw ApiException.invalidRequest(name + ": Field required");
            }
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest(name + ": Input should be a valid datetime (RFC 3339)");
        }
        OffsetDateTime utc = instant.atOffset(ZoneOffset.UTC);
        if (!utc.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            // The real API answers sub-day windows with this same misleading message.
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
        LocalDate day = pageDay(page);
        if (day == null || day.isBefore(start) || !day.isBefore(end)) {
            throw ApiException.invalidRequest("page: Invalid page token");
        }
        return day;
    }

    /** The day a page token points at, or null when it is not one of ours. */
    private static LocalDate pageDay(String page) {
        if (!page.startsWith(PAGE_PREFIX)) {
            return null;
        }
        try {
            byte[] decoded = Base64.getUrlDecoder().decode(page.substring(PAGE_PREFIX.length()));
            OffsetDateTime cursor =
                    Instant.parse(new String(decoded, StandardCharsets.UTF_8)).atOffset(ZoneOffset.UTC);
            return cursor.toLocalTime().equals(LocalTime.MIDNIGHT) ? cursor.toLocalDate() : null;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return null;
        }
    }

    /** The dimensions of one result row; those not grouped by are null. */
    private record Group(
            String workspaceId,
            String description,
            String costType,
            String model,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            String speed) {}
}
