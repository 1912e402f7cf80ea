package finora.sim;

import static finora.sim.SimApiClient.costReport;
import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CostReportTest {

    private static final LocalDate START = LocalDate.of(2026, 8, 1);
    private static final LocalDate END = LocalDate.of(2026, 10, 15);
    private static final String KEY = SimKeys.ORG_A_ADMIN_KEY;
    private static final String FAST_MODE = "fast-mode-2026-02-01";

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "&group_by[]=workspace_id&group_by[]=description&limit=31",
                "&group_by[]=workspace_id&group_by[]=description",
                "&group_by%5B%5D=description&limit=5",
                "&group_by[]=workspace_id&limit=1",
                "&limit=31",
                ""
            })
    void paging_coversEveryDayOnceAndSumsToTruth(String extra) {
        List<JsonNode> pages = running.client().allCostPages(KEY, START, END, extra);

        List<LocalDate> days = new ArrayList<>();
        for (JsonNode page : pages) {
            for (JsonNode bucket : page.get("data")) {
                LocalDate day = Instant.parse(bucket.get("starting_at").asText())
                        .atOffset(ZoneOffset.UTC)
                        .toLocalDate();
                assertThat(bucket.get("ending_at").asText()).isEqualTo(day.plusDays(1) + "T00:00:00Z");
                days.add(day);
            }
        }
        assertThat(days).isEqualTo(START.datesUntil(END).toList());
        assertThat(pages.get(pages.size() - 1).get("next_page").isNull()).isTrue();
        CostTruth truth = running.sim().truth(SimKeys.ORG_A_ID, START, END);
        assertThat(SimApiClient.sumCents(pages).movePointLeft(2)).isEqualByComparingTo(truth.totalUsd());
    }

    @Test
    void limit_defaultsToSevenDays() {
        JsonNode body = json(running.client().get(costReport(START, END, ""), KEY));

        assertThat(body.get("data")).hasSize(7);
        assertThat(body.get("has_more").asBoolean()).isTrue();
        assertThat(body.get("next_page").asText()).startsWith("page_");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "32", "-1", "seven"})
    void limit_outOfBoundsIsInvalidRequest(String limit) {
        HttpResponse<String> response = running.client().get(costReport(START, END, "&limit=" + limit), KEY);

        assertInvalidRequest(response);
        assertThat(json(response).at("/error/message").asText()).startsWith("limit:");
    }

    @Test
    void limit_acceptsOneAndThirtyOne() {
        assertThat(json(running.client().get(costReport(START, END, "&limit=1"), KEY))
                        .get("data"))
                .hasSize(1);
        assertThat(json(running.client().get(costReport(START, END, "&limit=31"), KEY))
                        .get("data"))
                .hasSize(31);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-01T23:59:59Z",
                "starting_at=2026-11-01T06:00:00Z&ending_at=2026-11-03T00:00:00Z",
                "starting_at=2026-11-01T00:00:00%2B01:00&ending_at=2026-11-03T00:00:00Z",
                "starting_at=2026-11-03T00:00:00Z&ending_at=2026-11-03T00:00:00Z",
                "starting_at=2026-11-05T00:00:00Z&ending_at=2026-11-03T00:00:00Z"
            })
    void dateRange_notOnUtcMidnightOrEmptyIsInvalidRequest(String range) {
        HttpResponse<String> response = running.client().get("/v1/organizations/cost_report?" + range, KEY);

        assertInvalidRequest(response);
        assertThat(json(response).at("/error/message").asText())
                .isEqualTo("Invalid date range: ending date must be after starting date");
    }

    @Test
    void dateRange_acceptsUtcMidnightWrittenWithAnOffset() {
        HttpResponse<String> response = running.client()
                .get(
                        "/v1/organizations/cost_report"
                                + "?starting_at=2026-11-01T01:00:00%2B01:00&ending_at=2026-11-02T00:00:00Z",
                        KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).at("/data/0/starting_at").asText()).isEqualTo("2026-11-01T00:00:00Z");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ending_at=2026-11-03T00:00:00Z",
                "starting_at=2026-11-01&ending_at=2026-11-03T00:00:00Z",
                "starting_at=2026-11-01T00:00:00Z&bucket_width=1h",
                "starting_at=2026-11-01T00:00:00Z&group_by[]=api_key_id",
                "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-09T00:00:00Z&page=garbage",
                "starting_at=2026-11-01T00:00:00Z&ending_at=2026-11-09T00:00:00Z&page=page_MjAyNi0xMi0wMVQwMDowMDowMFo="
            })
    void badParameters_areInvalidRequest(String query) {
        assertInvalidRequest(running.client().get("/v1/organizations/cost_report?" + query, KEY));
    }

    @Test
    void endingAt_defaultsToTheEndOfTodayOnTheSimulatorClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-10T15:30:00Z"), ZoneOffset.UTC);
        try (AnthropicSim fixed = AnthropicSim.start(0, SimConfig.defaults().withClock(clock))) {
            JsonNode body = json(new SimApiClient(fixed)
                    .get("/v1/organizations/cost_report?starting_at=2026-11-05T00:00:00Z&limit=31", KEY));

            assertThat(body.get("data")).hasSize(6);
            assertThat(body.at("/data/5/ending_at").asText()).isEqualTo("2026-11-11T00:00:00Z");
            assertThat(body.get("has_more").asBoolean()).isFalse();
        }
    }

    @Test
    void finestGrain_withTheFastModeBeta_matchesTruthRowForRow() {
        LocalDate day = LocalDate.of(2026, 9, 14);
        JsonNode results = json(running.client()
                        .getWithBeta(
                                costReport(day, day.plusDays(1), "&group_by[]=workspace_id&group_by[]=description"),
                                KEY,
                                FAST_MODE))
                .at("/data/0/results");

        List<CostLineItem> truth =
                running.sim().truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items();
        assertThat(results).hasSize(truth.size());
        for (int i = 0; i < truth.size(); i++) {
            CostLineItem item = truth.get(i);
            JsonNode row = results.get(i);
            assertThat(row.get("amount").asText()).isEqualTo(item.amountCents().toPlainString());
            assertThat(row.get("currency").asText()).isEqualTo("USD");
            assertThat(
                            row.get("workspace_id").isNull()
                                    ? null
                                    : row.get("workspace_id").asText())
                    .isEqualTo(item.workspaceId());
            assertThat(row.get("description").asText()).isEqualTo(item.description());
            assertThat(row.get("cost_type").asText()).isEqualTo(item.costType());
            assertThat(textOrNull(row, "model")).isEqualTo(item.model());
            assertThat(textOrNull(row, "token_type")).isEqualTo(item.tokenType());
            assertThat(textOrNull(row, "service_tier")).isEqualTo(item.serviceTier());
            assertThat(textOrNull(row, "context_window")).isEqualTo(item.contextWindow());
            assertThat(textOrNull(row, "inference_geo")).isEqualTo(item.inferenceGeo());
            assertThat(textOrNull(row, "speed")).isEqualTo(item.speed());
        }
    }

    @Test
    void speed_isOnlySentWithTheFastModeBeta_andWithoutItFastAndStandardRowsAreOne() {
        LocalDate day = LocalDate.of(2026, 9, 14);
        String query = costReport(day, day.plusDays(1), "&group_by[]=workspace_id&group_by[]=description");
        JsonNode plain = json(running.client().get(query, KEY)).at("/data/0/results");
        JsonNode beta = json(running.client().getWithBeta(query, KEY, "some-other-beta," + FAST_MODE))
                .at("/data/0/results");

        assertThat(plain).allSatisfy(row -> assertThat(row.has("speed")).isFalse());
        assertThat(beta).allSatisfy(row -> assertThat(row.has("speed")).isTrue());
        assertThat(beta).anySatisfy(row -> assertThat(textOrNull(row, "speed")).isEqualTo("fast"));
        assertThat(plain.size()).isLessThanOrEqualTo(beta.size());
        assertThat(sum(plain)).isEqualByComparingTo(sum(beta));
    }

    @Test
    void amounts_areCentStrings_whoseDecimalsVaryFromFourToSix() {
        List<JsonNode> pages = running.client()
                .allCostPages(KEY, START, END, "&group_by[]=workspace_id&group_by[]=description&limit=31");

        Set<Integer> scales = new HashSet<>();
        for (JsonNode page : pages) {
            for (JsonNode bucket : page.get("data")) {
                for (JsonNode result : bucket.get("results")) {
                    assertThat(result.get("amount").isTextual()).isTrue();
                    assertThat(result.get("amount").asText()).matches("\\d+\\.\\d{4,6}");
                    scales.add(new BigDecimal(result.get("amount").asText()).scale());
                }
            }
        }
        assertThat(scales).containsExactlyInAnyOrder(4, 5, 6);
    }

    @Test
    void densePage_overTheCap_answers400_andASmallerLimitIsServed() {
        running.sim().setMaxResultsPerPage(200);
        String extra = "&group_by[]=workspace_id&group_by[]=description";

        HttpResponse<String> dense = running.client().get(costReport(START, END, extra + "&limit=31"), KEY);
        HttpResponse<String> small = running.client().get(costReport(START, END, extra + "&limit=3"), KEY);

        assertThat(dense.statusCode()).isEqualTo(400);
        assertThat(json(dense).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(dense).at("/error/message").asText()).contains("smaller limit");
        assertThat(dense.headers().firstValue("request-id")).isPresent();
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(json(small).get("data")).hasSize(3);
    }

    @Test
    void garbledAmount_isServedInsteadOfTheDaysFirstAmount() {
        LocalDate day = LocalDate.of(2026, 9, 14);
        running.sim().garbleAmount(SimKeys.ORG_A_ID, day, "n/a");

        JsonNode results = json(running.client().get(costReport(day, day.plusDays(2), "&group_by[]=description"), KEY))
                .get("data");

        assertThat(results.at("/0/results/0/amount").asText()).isEqualTo("n/a");
        assertThat(results.at("/0/results/1/amount").asText()).matches("\\d+\\.\\d+");
        assertThat(results.at("/1/results/0/amount").asText()).matches("\\d+\\.\\d+");
    }

    private static BigDecimal sum(JsonNode results) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : results) {
            sum = sum.add(new BigDecimal(row.get("amount").asText()));
        }
        return sum;
    }

    @Test
    void finestGrain_hasDefaultWorkspaceWebSearchAndCodeExecutionRows() {
        List<JsonNode> results = results(running.client()
                .allCostPages(KEY, START, END, "&group_by[]=workspace_id&group_by[]=description&limit=31"));

        assertThat(results)
                .anySatisfy(row -> assertThat(row.get("workspace_id").isNull()).isTrue());
        assertThat(results)
                .anySatisfy(row -> assertThat(row.get("workspace_id").asText()).startsWith("wrkspc_"));
        assertThat(results)
                .filteredOn(row -> row.get("cost_type").asText().equals("web_search"))
                .isNotEmpty()
                .allSatisfy(row -> {
                    assertThat(row.get("description").asText()).isEqualTo("Web Search Usage");
                    for (String field :
                            List.of("model", "token_type", "service_tier", "context_window", "inference_geo")) {
                        assertThat(row.get(field).isNull()).as(field).isTrue();
                    }
                });
        assertThat(results)
                .filteredOn(row -> row.get("cost_type").asText().equals("code_execution"))
                .isNotEmpty()
                .allSatisfy(row -> assertThat(row.get("model").isNull()).isTrue());
        Set<String> models = new HashSet<>();
        results.forEach(row -> models.add(row.get("model").asText(null)));
        assertThat(models)
                .contains(
                        "claude-sonnet-4-5-20250929",
                        "claude-opus-4-6",
                        "claude-sonnet-5",
                        "claude-3-5-haiku-20241022",
                        "claude-fable-5");
    }

    @Test
    void withoutGroupBy_eachDayIsOneRowWithTheSameTotal() {
        LocalDate day = LocalDate.of(2026, 9, 14);
        JsonNode results = json(running.client().get(costReport(day, day.plusDays(1), ""), KEY))
                .at("/data/0/results");

        assertThat(results).hasSize(1);
        JsonNode row = results.get(0);
        assertThat(new BigDecimal(row.get("amount").asText()).movePointLeft(2))
                .isEqualByComparingTo(running.sim()
                        .truth(SimKeys.ORG_A_ID, day, day.plusDays(1))
                        .totalUsd());
        assertThat(row.get("currency").asText()).isEqualTo("USD");
        for (String field : List.of(
                "workspace_id",
                "description",
                "cost_type",
                "model",
                "token_type",
                "service_tier",
                "context_window",
                "inference_geo")) {
            assertThat(row.get(field).isNull()).as(field).isTrue();
        }
    }

    @Test
    void groupByWorkspaceOnly_hasOneRowPerWorkspaceAndNoDescription() {
        LocalDate day = LocalDate.of(2026, 9, 14);
        JsonNode results = json(running.client().get(costReport(day, day.plusDays(1), "&group_by[]=workspace_id"), KEY))
                .at("/data/0/results");

        CostTruth truth = running.sim().truth(SimKeys.ORG_A_ID, day, day.plusDays(1));
        assertThat(results).hasSize(truth.byWorkspaceUsd().size());
        for (JsonNode row : results) {
            String workspace = row.get("workspace_id").isNull()
                    ? null
                    : row.get("workspace_id").asText();
            assertThat(new BigDecimal(row.get("amount").asText()).movePointLeft(2))
                    .isEqualByComparingTo(truth.byWorkspaceUsd().get(workspace));
            assertThat(row.get("description").isNull()).isTrue();
            assertThat(row.get("model").isNull()).isTrue();
        }
    }

    @Test
    void emptyDays_areListedWithNoResults() {
        LocalDate start = LocalDate.of(2026, 1, 1);
        LocalDate end = LocalDate.of(2027, 1, 1);
        List<LocalDate> empty =
                running.sim().truth(SimKeys.ORG_A_ID, start, end).emptyDays();
        assertThat(empty).isNotEmpty();
        LocalDate day = empty.get(0);

        JsonNode body = json(running.client().get(costReport(day, day.plusDays(1), "&group_by[]=description"), KEY));

        assertThat(body.get("data")).hasSize(1);
        assertThat(body.at("/data/0/results")).isEmpty();
        assertThat(json(running.client().get(costReport(day, day.plusDays(1), ""), KEY))
                        .at("/data/0/results"))
                .isEmpty();
    }

    @Test
    void organizations_haveTheirOwnData() {
        LocalDate day = LocalDate.of(2026, 9, 14);
        String query = costReport(day, day.plusDays(1), "&group_by[]=workspace_id&group_by[]=description");

        String a = running.client().get(query, SimKeys.ORG_A_ADMIN_KEY).body();
        String b = running.client().get(query, SimKeys.ORG_B_ADMIN_KEY).body();

        assertThat(json(running.client().get(query, SimKeys.ORG_A_SECOND_ADMIN_KEY)))
                .isEqualTo(json(running.client().get(query, KEY)));
        assertThat(a).isNotEqualTo(b);
        assertThat(running.sim().truth(SimKeys.ORG_A_ID, START, END).totalUsd())
                .isNotEqualByComparingTo(
                        running.sim().truth(SimKeys.ORG_B_ID, START, END).totalUsd());
    }

    private static List<JsonNode> results(List<JsonNode> pages) {
        List<JsonNode> results = new ArrayList<>();
        pages.forEach(
                page -> page.get("data").forEach(bucket -> bucket.get("results").forEach(results::add)));
        return results;
    }

    private static String textOrNull(JsonNode row, String field) {
        return row.get(field).isNull() ? null : row.get(field).asText();
    }

    static void assertInvalidRequest(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.get("request_id").asText())
                .isEqualTo(response.headers().firstValue("request-id").orElseThrow());
    }
}
