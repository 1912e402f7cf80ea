package finora.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The control API of the standalone simulator under {@code /_sim}, the HTTP face of the Java API of
 * {@link AnthropicSim}. JSON in, JSON out; it never answers with a key it was not just asked to create.
 *
 * <pre>
 * GET    /_sim                              organizations and state
 * POST   /_sim/faults                       {"fault":"rate_limit|rate_limit_no_retry_after|server_error|overloaded|
 *                                            timeout|delay|malformed_json", "retry_after_seconds":2, "delay_ms":500,
 *                                            "count":3, "path":"/v1/organizations/cost_report"}
 * DELETE /_sim/faults                       clear faults
 * POST   /_sim/restate                      {"organization_id":"…","date":"2026-11-01"}
 * POST   /_sim/garble                       {"organization_id":"…","date":"2026-11-01","amount":"n/a"} (null: undo)
 * POST   /_sim/page-cap                     {"max_results":200}: denser cost_report pages answer 400 (0: no cap)
 * POST   /_sim/keys/revoke                  {"key":"…"}  (also remove-admin-role, restore)
 * POST   /_sim/organizations                {"name":"…"} → id, name and a fresh admin_key
 * GET    /_sim/requests                     request log, keys shown as hints
 * DELETE /_sim/requests                     clear the request log
 * GET    /_sim/truth?organization_id=…&amp;start=2026-11-01&amp;end=2026-11-08   totals in USD
 * POST   /_sim/reset                        faults, log, restatements and demo keys back to the start
 * GET    /_sim/openai/truth?organization_id=…&amp;start=…&amp;end=…   the OpenAI face's totals in USD
 * POST   /_sim/openai/restate               {"organization_id":"org-…","date":"2026-11-01"}
 * POST   /_sim/openai/keys/revoke           {"key":"…"}  (also remove-usage-scope, restore)
 * POST   /_sim/openai/organizations         {"id":"org-…","name":"…"} → a fresh admin_key
 * </pre>
 */
final class SimControlHandler implements HttpHandler {

    static final String PREFIX = "/_sim";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnthropicSim sim;

    SimControlHandler(AnthropicSim sim) {
        this.sim = sim;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = "req_sim_" + CostGenerator.base62(ThreadLocalRandom.current(), 16);
        Reply reply;
        try {
            reply = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange);
        } catch (ApiException e) {
            reply = Reply.error(e.status(), e.errorType(), e.getMessage(), requestId);
        } catch (IllegalArgumentException | IllegalStateException e) {
            reply = Reply.error(400, "invalid_request_error", e.getMessage(), requestId);
        }
        try {
            reply.withHeader("request-id", requestId).send(exchange);
        } finally {
            exchange.close();
        }
    }

    private Reply route(String method, String path, HttpExchange exchange) throws ApiException, IOException {
        String route = method + " " + path;
        return switch (route) {
            case "GET /_sim", "GET /_sim/" -> Reply.json(200, state());
            case "POST /_sim/faults" -> {
                addFault(body(exchange));
                yield ok();
            }
            case "DELETE /_sim/faults" -> {
                sim.faults().clear();
                yield ok();
            }
            case "POST /_sim/restate" -> {
                JsonNode body = body(exchange);
                yield Reply.json(
                        200, restatement(sim.restateDay(text(body, "organization_id"), date(text(body, "date")))));
            }
            case "POST /_sim/garble" -> {
                JsonNode body = body(exchange);
                sim.garbleAmount(
                        text(body, "organization_id"),
                        date(text(body, "date")),
                        body.path("amount").isNull() || body.path("amount").isMissingNode()
                                ? null
                                : body.path("amount").asText());
                yield ok();
            }
            case "POST /_sim/analytics" -> {
                JsonNode body = body(exchange);
                if (body.hasNonNull("organization_id")) {
                    sim.setAnalyticsRefused(
                            text(body, "organization_id"),
                            !body.path("available").asBoolean(true));
                } else {
                    sim.setAnalyticsAvailable(body.path("available").asBoolean(true));
                }
                yield ok();
            }
            case "POST /_sim/page-cap" -> {
                sim.setMaxResultsPerPage(body(exchange).path("max_results").asInt(0));
                yield ok();
            }
            case "POST /_sim/keys/revoke" -> {
                sim.keys().revoke(text(body(exchange), "key"));
                yield ok();
            }
            case "POST /_sim/keys/remove-admin-role" -> {
                sim.keys().removeAdminRole(text(body(exchange), "key"));
                yield ok();
            }
            case "POST /_sim/keys/restore" -> {
                sim.keys().restore(text(body(exchange), "key"));
                yield ok();
            }
            case "POST /_sim/organizations" -> Reply.json(201, newOrganization(body(exchange)));
            case "GET /_sim/requests" -> Reply.json(200, requests());
            case "DELETE /_sim/requests" -> {
                sim.requestLog().clear();
                yield ok();
            }
            case "GET /_sim/truth" ->
                Reply.json(
                        200,
                        truth(QueryParameters.parse(exchange.getRequestURI().getRawQuery())));
            case "GET /_sim/openai/truth" ->
                Reply.json(
                        200,
                        openAiTruth(
                                QueryParameters.parse(exchange.getRequestURI().getRawQuery())));
            case "POST /_sim/openai/restate" -> {
                JsonNode body = body(exchange);
                yield Reply.json(
                        200,
                        restatement(sim.openai().restateDay(text(body, "organization_id"), date(text(body, "date")))));
            }
            case "POST /_sim/openai/keys/revoke" -> {
                sim.openai().keys().revoke(text(body(exchange), "key"));
                yield ok();
            }
            case "POST /_sim/openai/keys/remove-usage-scope" -> {
                sim.openai().keys().removeUsageScope(text(body(exchange), "key"));
                yield ok();
            }
            case "POST /_sim/openai/keys/restore" -> {
                sim.openai().keys().restore(text(body(exchange), "key"));
                yield ok();
            }
            case "POST /_sim/openai/organizations" -> {
                JsonNode body = body(exchange);
                String id = text(body, "id");
                ObjectNode result = JsonNodeFactory.instance.objectNode();
                result.put("id", id);
                result.put("admin_key", sim.openai().addOrganization(id, text(body, "name")));
                yield Reply.json(201, result);
            }
            case "POST /_sim/reset" -> {
                sim.reset();
                yield ok();
            }
            default -> throw new ApiException(404, "not_found_error", "No control route " + route);
        };
    }

    private ObjectNode state() {
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        ArrayNode organizations = state.putArray("organizations");
        for (SimOrganization organization : sim.organizations()) {
            organizations.addObject().put("id", organization.id()).put("name", organization.name());
        }
        state.put("faults_scheduled", !sim.faults().isEmpty());
        state.put("requests_recorded", sim.requestLog().size());
        state.put("seed", sim.config().seed());
        return state;
    }

    private void addFault(JsonNode body) throws ApiException {
        Duration delay = Duration.ofMillis(body.path("delay_ms").asLong(0));
        Fault fault = switch (text(body, "fault")) {
            case "rate_limit" ->
                Fault.rateLimited(
                        Duration.ofSeconds(body.path("retry_after_seconds").asLong(1)));
            case "rate_limit_no_retry_after" -> Fault.rateLimitedWithoutRetryAfter();
            case "server_error" -> Fault.serverError();
            case "overloaded" -> Fault.overloaded();
            case "timeout" -> Fault.gatewayTimeout();
            case "delay" -> Fault.delay(delay);
            case "malformed_json" -> Fault.malformedJson();
            default ->
                throw ApiException.invalidRequest(
                        "fault: unknown kind " + body.path("fault").asText());
        };
        if (fault.kind() != Fault.Kind.DELAY && !delay.isZero()) {
            fault = fault.withDelay(delay);
        }
        String path = body.hasNonNull("path") ? body.get("path").asText() : null;
        boolean counted = body.hasNonNull("count");
        int count = body.path("count").asInt(1);
        if (path == null) {
            sim.faults().next(count, fault);
        } else if (counted) {
            sim.faults().onPath(path, count, fault);
        } else {
            sim.faults().onPath(path, fault);
        }
    }

    private ObjectNode newOrganization(JsonNode body) throws ApiException {
        String name = text(body, "name");
        SimOrganization organization =
                body.hasNonNull("id") ? sim.addOrganization(body.get("id").asText(), name) : sim.addOrganization(name);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("id", organization.id());
        result.put("name", organization.name());
        result.put("admin_key", sim.keys().issueAdminKey(organization.id()));
        return result;
    }

    private ArrayNode requests() {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (RecordedRequest request : sim.requestLog().all()) {
            ObjectNode node = result.addObject();
            node.put("received_at", request.receivedAt().toString());
            node.put("method", request.method());
            node.put("path", request.path());
            node.put("query", request.query());
            node.put("status", request.status());
            node.put("request_id", request.requestId());
            node.put("key_hint", RecordedRequest.hint(request.apiKey()));
            node.put("anthropic_version", request.header("anthropic-version"));
            node.put("user_agent", request.header("user-agent"));
        }
        return result;
    }

    private ObjectNode truth(QueryParameters query) throws ApiException {
        String organizationId = query.first("organization_id");
        if (organizationId == null || query.first("start") == null || query.first("end") == null) {
            throw ApiException.invalidRequest(
                    "organization_id, start and end (YYYY-MM-DD, end exclusive) are required");
        }
        CostTruth truth = sim.truth(organizationId, date(query.first("start")), date(query.first("end")));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("organization_id", organizationId);
        result.put("total_usd", truth.totalUsd().toPlainString());
        result.put("line_items", truth.items().size());
        putAll(result.putObject("by_day_usd"), truth.byDayUsd());
        putAll(result.putObject("by_model_usd"), truth.byModelUsd());
        putAll(result.putObject("by_workspace_usd"), truth.byWorkspaceUsd());
        return result;
    }

    private ObjectNode openAiTruth(QueryParameters query) throws ApiException {
        String organizationId = query.first("organization_id");
        if (organizationId == null || query.first("start") == null || query.first("end") == null) {
            throw ApiException.invalidRequest(
                    "organization_id, start and end (YYYY-MM-DD, end exclusive) are required");
        }
        OpenAiTruth truth = sim.openai().truth(organizationId, date(query.first("start")), date(query.first("end")));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("organization_id", organizationId);
        result.put("total_usd", truth.totalUsd().toPlainString());
        result.put("rows", truth.rows().size());
        putAll(result.putObject("by_day_usd"), truth.byDayUsd());
        putAll(result.putObject("by_project_usd"), truth.byProjectUsd());
        putAll(result.putObject("by_line_item_usd"), truth.byLineItemUsd());
        return result;
    }

    /** Writes sums; a null key (Default workspace, cost without a model) is written as {@code "null"}. */
    private static void putAll(ObjectNode target, Map<?, BigDecimal> sums) {
        sums.forEach((key, usd) -> target.put(String.valueOf(key), usd.toPlainString()));
    }

    private static ObjectNode restatement(Restatement restatement) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("organization_id", restatement.organizationId());
        result.put("date", restatement.day().toString());
        result.put("old_total_usd", restatement.oldTotalUsd().toPlainString());
        result.put("new_total_usd", restatement.newTotalUsd().toPlainString());
        return result;
    }

    private static Reply ok() {
        return Reply.json(200, JsonNodeFactory.instance.objectNode().put("ok", true));
    }

    private static JsonNode body(HttpExchange exchange) throws ApiException, IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            JsonNode node = bytes.length == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(bytes);
            if (!node.isObject()) {
                throw ApiException.invalidRequest("body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.invalidRequest("body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) throws ApiException {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw ApiException.invalidRequest(field + ": required string");
        }
        return value.asText();
    }

    private static LocalDate date(String text) throws ApiException {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalidRequest("not a date (YYYY-MM-DD): " + text);
        }
    }
}
