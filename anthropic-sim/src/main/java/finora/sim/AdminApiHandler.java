package finora.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * The simulated Admin API ({@code /v1/…}): faults first, then method, key and version checks, then the
 * endpoint. Every answer carries a {@code request-id} and is recorded in the {@link RequestLog}.
 */
final class AdminApiHandler implements HttpHandler {

    static final String ME_PATH = "/v1/organizations/me";

    private static final Set<String> SUPPORTED_VERSIONS = Set.of("2023-01-01", "2023-06-01", "2026-10-21");

    private final SimData data;
    private final SimKeys keys;
    private final Faults faults;
    private final RequestLog log;
    private final Clock clock;
    private final CostReportEndpoint costReport;
    private final WorkspacesEndpoint workspaces;
    private final AnalyticsCostEndpoint analyticsCost;
    private final UsageReportEndpoint usageReport;
    private final DirectoryEndpoints directory;

    AdminApiHandler(
            SimData data,
            SimKeys keys,
            Faults faults,
            RequestLog log,
            Clock clock,
            IntSupplier maxResultsPerPage,
            java.util.function.Predicate<String> analyticsAvailable) {
        this.data = data;
        this.keys = keys;
        this.faults = faults;
        this.log = log;
        this.clock = clock;
        this.costReport = new CostReportEndpoint(data, clock, maxResultsPerPage);
        this.workspaces = new WorkspacesEndpoint(data);
        this.analyticsCost = new AnalyticsCostEndpoint(data, clock, analyticsAvailable);
        this.usageReport = new UsageReportEndpoint(data, clock);
        this.directory = new DirectoryEndpoints(data);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            Instant receivedAt = clock.instant();
            String requestId = "req_011C" + CostGenerator.base62(ThreadLocalRandom.current(), 22);
            Reply reply;
            try {
                reply = answer(exchange, requestId);
            } catch (RuntimeException e) {
                System.err.println("anthropic-sim: unexpected failure of request " + requestId);
                e.printStackTrace();
                reply = Reply.error(500, "api_error", "Internal server error", requestId);
            }
            reply = reply.withHeader("request-id", requestId);
            log.add(record(exchange, receivedAt, requestId, reply.status()));
            reply.send(exchange);
        } finally {
            exchange.close();
        }
    }

    private Reply answer(HttpExchange exchange, String requestId) {
        String path = exchange.getRequestURI().getPath();
        Optional<Fault> fault = path.startsWith("/v1/") ? faults.take(path) : Optional.empty();
        if (path.startsWith("/v1/")) {
            pause(faults.sampleLatency());
        }
        if (fault.isPresent()) {
            pause(fault.get().delay());
            if (fault.get().kind() == Fault.Kind.ERROR) {
                return faultReply(fault.get(), requestId);
            }
        }
        Reply reply;
        try {
            reply = route(exchange, path, requestId);
        } catch (ApiException e) {
            reply = Reply.error(e.status(), e.errorType(), e.getMessage(), requestId);
        }
        if (fault.isPresent() && fault.get().kind() == Fault.Kind.MALFORMED_JSON) {
            reply = reply.truncated();
        }
        return reply;
    }

    private Reply route(HttpExchange exchange, String path, String requestId) throws ApiException {
        if (!exchange.getRequestMethod().equals("GET")) {
            return Reply.error(
                            405,
                            "invalid_request_error",
                            "Method " + exchange.getRequestMethod()
                                    + " not allowed: the Admin API simulator answers GET only",
                            requestId)
                    .withHeader("allow", "GET");
        }
        String key = exchange.getRequestHeaders().getFirst("x-api-key");
        if (key == null || key.isBlank()) {
            throw new ApiException(401, "authentication_error", "x-api-key header is required");
        }
        SimKeys.Entry entry =
                keys.lookup(key).orElseThrow(() -> new ApiException(401, "authentication_error", "invalid x-api-key"));
        if (entry.status() == SimKeys.Status.REVOKED) {
            throw new ApiException(401, "authentication_error", "This API key has been revoked");
        }
        if (entry.status() == SimKeys.Status.CREATOR_NOT_ADMIN) {
            throw new ApiException(
                    403,
                    "permission_error",
                    "The creator of this Admin API key no longer has the admin role in this organization");
        }
        String version = exchange.getRequestHeaders().getFirst("anthropic-version");
        if (version == null || version.isBlank()) {
            throw ApiException.invalidRequest("anthropic-version: header is required");
        }
        if (!SUPPORTED_VERSIONS.contains(version.trim())) {
            throw ApiException.invalidRequest("anthropic-version: invalid version " + version.trim());
        }
        String organizationId = entry.organizationId();
        QueryParameters query = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
        Reply reply = switch (path) {
            case ME_PATH -> Reply.json(200, me(organizationId));
            case WorkspacesEndpoint.PATH -> Reply.json(200, workspaces.answer(organizationId, query));
            case CostReportEndpoint.PATH ->
                Reply.json(
                        200,
                        costReport.answer(
                                organizationId,
                                query,
                                exchange.getRequestHeaders().getOrDefault("anthropic-beta", List.of())));
            case AnalyticsCostEndpoint.PATH ->
                Reply.json(
                        200,
                        analyticsCost.answer(
                                organizationId,
                                query,
                                exchange.getRequestHeaders().getOrDefault("anthropic-beta", List.of())));
            case UsageReportEndpoint.PATH ->
                Reply.json(
                        200,
                        usageReport.answer(
                                organizationId,
                                query,
                                exchange.getRequestHeaders().getOrDefault("anthropic-beta", List.of())));
            case DirectoryEndpoints.API_KEYS_PATH -> Reply.json(200, directory.apiKeys(organizationId, query));
            case DirectoryEndpoints.USERS_PATH -> Reply.json(200, directory.users(organizationId, query));
            default -> throw new ApiException(404, "not_found_error", "Not found: " + path);
        };
        return reply.withHeader("anthropic-organization-id", organizationId);
    }

    private ObjectNode me(String organizationId) {
        SimOrganization organization = data.organization(organizationId).orElseThrow();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("id", organization.id());
        body.put("type", "organization");
        body.put("name", organization.name());
        return body;
    }

    private static Reply faultReply(Fault fault, String requestId) {
        Reply reply = Reply.error(fault.status(), fault.errorType(), fault.message(), requestId);
        if (fault.retryAfter() != null) {
            reply = reply.withHeader(
                    "retry-after", Long.toString(fault.retryAfter().toSeconds()));
        }
        return reply;
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
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
