package finora.sim;

import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAI face: costs and projects as the reference describes them, against the truth. */
class OpenAiFaceTest {
    private static final LocalDate START = LocalDate.of(2026, 9, 1);
    private static final LocalDate END = LocalDate.of(2026, 11, 1);
    private static final ObjectMapper EXACT =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    private HttpResponse<String> get(String pathAndQuery, String key) {
        return running.client()
                .send(running.client()
                        .request(pathAndQuery)
                        .header("authorization", "Bearer " + key)
                        .GET());
    }

    private static long epoch(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    private static String costs(String extra) {
        return "/v1/organization/costs?start_time=" + epoch(START) + "&end_time=" + epoch(END) + extra;
    }

    private static JsonNode exact(HttpResponse<String> response) {
        try {
            return EXACT.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every page of a costs query, following next_page with the identical query. */
    private List<JsonNode> allPages(String key, String extra) {
        List<JsonNode> pages = new ArrayList<>();
        String page = null;
        do {
            HttpResponse<String> r = get(costs(extra) + (page == null ? "" : "&page=" + page), key);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = exact(r);
            pages.add(body);
            page = body.get("has_more").asBoolean() ? body.get("next_page").asText() : null;
        } while (page != null);
        return pages;
    }

    private static BigDecimal amount(JsonNode result) {
        JsonNode v = result.get("amount").get("value");
        return v.isTextual() ? new BigDecimal(v.asText()) : v.decimalValue();
    }

    @Test
    void costsByProjectAndLineItem_pagedAtMost31Buckets_sumToTheTruthByDayProjectAndLineItem() {
        List<JsonNode> pages = allPages(
                OpenAiKeys.ORG_A_ADMIN_KEY, "&bucket_width=1d&group_by[]=project_id&group_by[]=line_item&limit=180");
        assertThat(pages).hasSize(2); // 61 days: 31 + 30 buckets although 180 were allowed
        OpenAiTruth truth = running.sim().openai().truth(OpenAiKeys.ORG_A_ID, START, END);
        Map<LocalDate, BigDecimal> byDay = new HashMap<>();
        Map<String, BigDecimal> byItem = new HashMap<>();
        Set<LocalDate> days = new HashSet<>();
        boolean sawString = false;
        boolean sawNumber = false;
        for (JsonNode page : pages) {
            for (JsonNode bucket : page.get("data")) {
                LocalDate day = LocalDate.ofEpochDay(bucket.get("start_time").asLong() / 86_400);
                assertThat(bucket.get("end_time").asLong()
                                - bucket.get("start_time").asLong())
                        .isEqualTo(86_400);
                assertThat(days.add(day)).isTrue();
                for (JsonNode r : bucket.get("results")) {
                    assertThat(r.get("amount").get("currency").asText()).isEqualTo("usd");
                    sawString |= r.get("amount").get("value").isTextual();
                    sawNumber |= r.get("amount").get("value").isNumber();
                    byDay.merge(day, amount(r), BigDecimal::add);
                    byItem.merge(
                            r.get("project_id").asText("null") + "|"
                                    + r.get("line_item").asText(),
                            amount(r),
                            BigDecimal::add);
                }
            }
        }
        assertThat(days).hasSize(61);
        assertThat(sawString).as("some amounts come as JSON strings").isTrue();
        assertThat(sawNumber).isTrue();
        truth.byDayUsd()
                .forEach((day, usd) -> assertThat(byDay.getOrDefault(day, BigDecimal.ZERO))
                        .as(day.toString())
                        .isEqualByComparingTo(usd));
        Map<String, BigDecimal> expected =
                truth.sumUsdBy(r -> (r.projectId() == null ? "null" : r.projectId()) + "|" + r.lineItem());
        assertThat(byItem.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, usd) -> assertThat(byItem.get(k)).as(k).isEqualByComparingTo(usd));
        assertThat(truth.totalUsd().scale())
                .as("amounts carry 10 to 18 decimals")
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void ungrouped_oneResultPerNonEmptyDay_withNullDimensions() {
        JsonNode page = exact(get(costs("&limit=3"), OpenAiKeys.ORG_A_ADMIN_KEY));
        assertThat(page.get("data")).hasSize(3);
        assertThat(page.get("has_more").asBoolean()).isTrue();
        for (JsonNode bucket : page.get("data")) {
            assertThat(bucket.get("results").size()).isLessThanOrEqualTo(1);
            for (JsonNode r : bucket.get("results")) {
                assertThat(r.get("project_id").isNull()).isTrue();
                assertThat(r.get("line_item").isNull()).isTrue();
                assertThat(r.get("quantity").isNull()).isTrue();
            }
        }
    }

    @Test
    void aPageToken_onlyWorksUnderItsOwnQuery() {
        JsonNode first = json(get(costs("&limit=5&group_by[]=project_id"), OpenAiKeys.ORG_A_ADMIN_KEY));
        String token = first.get("next_page").asText();
        HttpResponse<String> other =
                get(costs("&limit=5&group_by[]=line_item&page=" + token), OpenAiKeys.ORG_A_ADMIN_KEY);
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(json(other).get("error").get("param").asText()).isEqualTo("page");
        assertThat(get(costs("&limit=5&group_by[]=project_id&page=" + token), OpenAiKeys.ORG_A_ADMIN_KEY)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void badParameters_areRefusedWithOpenAisEnvelope() {
        HttpResponse<String> limit = get(costs("&limit=366"), OpenAiKeys.ORG_A_ADMIN_KEY);
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(json(limit).get("error").get("message").asText())
                .isEqualTo("Invalid limit provided: 366. Limit must be less than or equal to 180.");
        assertThat(get(costs("&bucket_width=1h"), OpenAiKeys.ORG_A_ADMIN_KEY).statusCode())
                .isEqualTo(400);
        assertThat(get("/v1/organization/costs?end_time=1", OpenAiKeys.ORG_A_ADMIN_KEY)
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> oldKeys =
                get("/v1/organization/costs?start_time=1764892800&group_by=api_key_id", OpenAiKeys.ORG_A_ADMIN_KEY);
        assertThat(oldKeys.statusCode()).isEqualTo(400);
        assertThat(json(oldKeys).get("error").get("param").asText()).isEqualTo("start_time");
    }

    @Test
    void keys_revokedAndProjectKeysGet401_aKeyWithoutUsageScopeReadsProjectsButNotCosts() {
        assertThat(get(costs(""), OpenAiKeys.REVOKED_ADMIN_KEY).statusCode()).isEqualTo(401);
        assertThat(json(get(costs(""), OpenAiKeys.REVOKED_ADMIN_KEY))
                        .get("error")
                        .get("code")
                        .asText())
                .isEqualTo("invalid_api_key");
        assertThat(get(costs(""), OpenAiKeys.PROJECT_KEY).statusCode()).isEqualTo(401);
        HttpResponse<String> scope = get(costs(""), OpenAiKeys.NO_USAGE_SCOPE_KEY);
        assertThat(scope.statusCode()).isEqualTo(401);
        assertThat(json(scope).get("error").get("message").asText()).contains("Missing scopes: api.usage.read");
        assertThat(get("/v1/organization/projects", OpenAiKeys.NO_USAGE_SCOPE_KEY)
                        .statusCode())
                .isEqualTo(200);
        assertThat(running.client()
                        .send(running.client().request(costs("")).GET())
                        .statusCode())
                .isEqualTo(401);
        running.sim().openai().keys().revoke(OpenAiKeys.ORG_A_ADMIN_KEY);
        assertThat(get(costs(""), OpenAiKeys.ORG_A_ADMIN_KEY).statusCode()).isEqualTo(401);
    }

    @Test
    void projects_pageWithAfter_defaultProjectFirst_archivedOnlyWhenAsked() {
        List<OpenAiProject> truth = running.sim().openai().projects(OpenAiKeys.ORG_A_ID);
        JsonNode active = json(get("/v1/organization/projects?limit=100", OpenAiKeys.ORG_A_ADMIN_KEY));
        assertThat(active.get("data")).hasSize((int)
                truth.stream().filter(p -> p.archivedAt() == null).count());
        List<String> ids = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = json(get(
                    "/v1/organization/projects?limit=2&include_archived=true"
                            + (after == null ? "" : "&after=" + after),
                    OpenAiKeys.ORG_A_ADMIN_KEY));
            page.get("data").forEach(p -> ids.add(p.get("id").asText()));
            after = page.get("has_more").asBoolean() ? page.get("last_id").asText() : null;
        } while (after != null);
        assertThat(ids).isEqualTo(truth.stream().map(OpenAiProject::id).toList());
        assertThat(truth.get(0).name()).isEqualTo("Default project");
        assertThat(truth).anyMatch(p -> p.archivedAt() != null);
    }

    @Test
    void aRestatedDay_servesNewAmounts_andFaultsApplyByPath() {
        LocalDate day = LocalDate.of(2026, 10, 10);
        Restatement r = running.sim().openai().restateDay(OpenAiKeys.ORG_A_ID, day);
        assertThat(r.newTotalUsd()).isNotEqualByComparingTo(r.oldTotalUsd());
        assertThat(running.sim()
                        .openai()
                        .truth(OpenAiKeys.ORG_A_ID, day, day.plusDays(1))
                        .totalUsd())
                .isEqualByComparingTo(r.newTotalUsd());
        running.sim().faults().onPath("/v1/organization/costs", 1, Fault.rateLimited(java.time.Duration.ofSeconds(1)));
        HttpResponse<String> limited = get(costs(""), OpenAiKeys.ORG_A_ADMIN_KEY);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        assertThat(limited.headers().firstValue("x-request-id")).isPresent();
        assertThat(get(costs(""), OpenAiKeys.ORG_A_ADMIN_KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void theSameSeed_servesTheSameRows() {
        OpenAiTruth a = running.sim().openai().truth(OpenAiKeys.ORG_B_ID, START, END);
        try (AnthropicSim other = AnthropicSim.start(0)) {
            assertThat(other.openai().truth(OpenAiKeys.ORG_B_ID, START, END).rows())
                    .isEqualTo(a.rows());
        }
        assertThat(a.totalUsd())
                .isNotEqualByComparingTo(running.sim()
                        .openai()
                        .truth(OpenAiKeys.ORG_A_ID, START, END)
                        .totalUsd());
    }
}
