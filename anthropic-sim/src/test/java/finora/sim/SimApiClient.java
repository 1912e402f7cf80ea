package finora.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** A plain {@link HttpClient} against a running simulator, as a connector would call the real API. */
final class SimApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    SimApiClient(AnthropicSim sim) {
        this.baseUrl = sim.baseUrl();
    }

    /** GET with an Admin key and {@code anthropic-version: 2023-06-01}. */
    HttpResponse<String> get(String pathAndQuery, String key) {
        return send(request(pathAndQuery)
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .GET());
    }

    /** GET like {@link #get} plus {@code anthropic-beta: <beta>}. */
    HttpResponse<String> getWithBeta(String pathAndQuery, String key, String beta) {
        return send(request(pathAndQuery)
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", beta)
                .GET());
    }

    /** Sends any request built on the base URL. */
    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cost_report query string for {@code [start, end)} plus extra parameters such as {@code &limit=31}. */
    static String costReport(LocalDate start, LocalDate end, String extra) {
        return "/v1/organizations/cost_report?starting_at=" + start + "T00:00:00Z&ending_at=" + end + "T00:00:00Z"
                + extra;
    }

    /** Follows {@code next_page} until {@code has_more} is false and returns every page body. */
    List<JsonNode> allCostPages(String key, LocalDate start, LocalDate end, String extra) {
        List<JsonNode> pages = new ArrayList<>();
        String page = null;
        do {
            HttpResponse<String> response =
                    get(costReport(start, end, extra) + (page == null ? "" : "&page=" + page), key);
            if (response.statusCode() != 200) {
                throw new AssertionError("status " + response.statusCode() + ": " + response.body());
            }
            JsonNode body = json(response);
            pages.add(body);
            page = body.get("has_more").asBoolean() ? body.get("next_page").asText() : null;
            if (pages.size() > 1000) {
                throw new AssertionError("paging does not end");
            }
        } while (page != null);
        return pages;
    }

    /** Sum of every result amount on the pages, in cents. */
    static BigDecimal sumCents(List<JsonNode> pages) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode page : pages) {
            for (JsonNode bucket : page.get("data")) {
                for (JsonNode result : bucket.get("results")) {
                    sum = sum.add(new BigDecimal(result.get("amount").asText()));
                }
            }
        }
        return sum;
    }
}
