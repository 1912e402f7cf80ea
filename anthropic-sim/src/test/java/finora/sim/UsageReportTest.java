package finora.sim;

import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UsageReportTest {

    private static final LocalDate START = LocalDate.of(2026, 9, 1);
    private static final LocalDate END = LocalDate.of(2026, 9, 20);
    private static final String KEY = SimKeys.ORG_A_ADMIN_KEY;
    private static final String FAST_MODE = "fast-mode-2026-02-01";
    private static final String GROUPS = "&group_by[]=workspace_id&group_by[]=model&group_by[]=service_tier"
            + "&group_by[]=context_window&group_by[]=speed";

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    @Test
    void usage_equalsTheTruthByModelAndTokenType() {
        Map<String, Map<String, Long>> served = new LinkedHashMap<>();
        long searches = 0;
        String page = null;
        int days = 0;
        do {
            HttpResponse<String> response = running.client().getWithBeta(path(page, "&limit=5"), KEY, FAST_MODE);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response);
            for (JsonNode bucket : body.get("data")) {
                days++;
                for (JsonNode r : bucket.get("results")) {
                    searches += r.at("/server_tool_use/web_search_requests").asLong();
                    if (r.get("model").isNull()) {
                        continue;
                    }
                    Map<String, Long> byType =
                            served.computeIfAbsent(r.get("model").asText(), m -> new LinkedHashMap<>());
                    add(
                            byType,
                            "uncached_input_tokens",
                            r.get("uncached_input_tokens").asLong());
                    add(byType, "output_tokens", r.get("output_tokens").asLong());
                    add(
                            byType,
                            "cache_read_input_tokens",
                            r.get("cache_read_input_tokens").asLong());
                    add(
                            byType,
                            "cache_creation.ephemeral_5m_input_tokens",
                            r.at("/cache_creation/ephemeral_5m_input_tokens").asLong());
                    add(
                            byType,
                            "cache_creation.ephemeral_1h_input_tokens",
                            r.at("/cache_creation/ephemeral_1h_input_tokens").asLong());
                }
            }
            page = body.get("next_page").isNull() ? null : body.get("next_page").asText();
        } while (page != null);

        CostTruth truth = running.sim().truth(SimKeys.ORG_A_ID, START, END);
        assertThat(days).isEqualTo(START.datesUntil(END).count());
        assertThat(served).isNotEmpty().isEqualTo(truth.tokensByModelAndTokenType());
        assertThat(searches).isPositive().isEqualTo(truth.webSearchRequests());
    }

    @Test
    void tokenCosts_areTokensTimesTheModelsListPrice() {
        CostTruth truth = running.sim().truth(SimKeys.ORG_A_ID, START, END);
        Map<String, SimModel> models = new LinkedHashMap<>();
        SimModel.DEFAULTS.forEach(m -> models.put(m.id(), m));
        int checked = 0;
        for (CostLineItem item : truth.items()) {
            if (!item.costType().equals("tokens")
                    || !item.speed().equals("standard")
                    || !item.serviceTier().equals("standard")
                    || !item.contextWindow().equals("0-200k")
                    || !item.tokenType().equals("output_tokens")) {
                continue;
            }
            BigDecimal expected = models.get(item.model())
                    .outputCentsPerMTok()
                    .multiply(BigDecimal.valueOf(item.usageQuantity()))
                    .movePointLeft(6);
            assertThat(item.amountCents().setScale(4, RoundingMode.HALF_EVEN))
                    .isEqualByComparingTo(expected.setScale(4, RoundingMode.HALF_EVEN));
            checked++;
        }
        assertThat(checked).isPositive();
    }

    @Test
    void moreThanFiveGroups_isInvalidRequest() {
        HttpResponse<String> response =
                running.client().getWithBeta(path(null, GROUPS + "&group_by[]=api_key_id"), KEY, FAST_MODE);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/error/message").asText()).isEqualTo(UsageReportEndpoint.TOO_MANY_GROUPS);
    }

    @Test
    void speedGrouping_needsTheFastModeBeta() {
        assertThat(running.client().get(path(null, ""), KEY).statusCode()).isEqualTo(400);
    }

    private static void add(Map<String, Long> byType, String type, long tokens) {
        if (tokens != 0) {
            byType.merge(type, tokens, Long::sum);
        }
    }

    private static String path(String page, String extra) {
        return UsageReportEndpoint.PATH + "?starting_at=" + START + "T00:00:00Z&ending_at=" + END + "T00:00:00Z"
                + "&bucket_width=1d" + GROUPS + extra + (page == null ? "" : "&page=" + page);
    }
}
