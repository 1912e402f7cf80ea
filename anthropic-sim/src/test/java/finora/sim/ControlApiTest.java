package finora.sim;

import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlApiTest {

    private static final String ME = "/v1/organizations/me";

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    @Test
    void faults_canBeScheduledAndCleared() {
        assertThat(post("/_sim/faults", "{\"fault\":\"rate_limit\",\"retry_after_seconds\":4,\"count\":2}")
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> limited = running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).contains("4");

        post("/_sim/faults", "{\"fault\":\"overloaded\",\"path\":\"/v1/organizations/workspaces\"}");
        running.client().send(running.client().request("/_sim/faults").DELETE());
        assertThat(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY).statusCode())
                .isEqualTo(200);
        assertThat(running.client()
                        .get("/v1/organizations/workspaces", SimKeys.ORG_A_ADMIN_KEY)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void faults_ofEveryKindAreAccepted() {
        for (String kind :
                new String[] {"rate_limit_no_retry_after", "server_error", "overloaded", "timeout", "malformed_json"}) {
            assertThat(post("/_sim/faults", "{\"fault\":\"" + kind + "\"}").statusCode())
                    .as(kind)
                    .isEqualTo(200);
        }
        assertThat(post("/_sim/faults", "{\"fault\":\"delay\",\"delay_ms\":10}").statusCode())
                .isEqualTo(200);
        assertThat(post("/_sim/faults", "{\"fault\":\"gremlins\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void keys_canBeRevokedAndRestored() {
        post("/_sim/keys/revoke", "{\"key\":\"" + SimKeys.ORG_A_ADMIN_KEY + "\"}");
        assertThat(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY).statusCode())
                .isEqualTo(401);

        post("/_sim/keys/remove-admin-role", "{\"key\":\"" + SimKeys.ORG_A_ADMIN_KEY + "\"}");
        assertThat(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY).statusCode())
                .isEqualTo(403);

        post("/_sim/keys/restore", "{\"key\":\"" + SimKeys.ORG_A_ADMIN_KEY + "\"}");
        assertThat(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY).statusCode())
                .isEqualTo(200);

        assertThat(post("/_sim/keys/revoke", "{\"key\":\"sk-ant-admin01-unknown\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void restate_changesTheTruth() {
        LocalDate day = LocalDate.of(2026, 11, 2);
        BigDecimal before =
                running.sim().truth(SimKeys.ORG_B_ID, day, day.plusDays(1)).totalUsd();

        JsonNode body = json(
                post("/_sim/restate", "{\"organization_id\":\"" + SimKeys.ORG_B_ID + "\",\"date\":\"" + day + "\"}"));

        assertThat(new BigDecimal(body.get("old_total_usd").asText())).isEqualByComparingTo(before);
        assertThat(new BigDecimal(body.get("new_total_usd").asText()))
                .isEqualByComparingTo(running.sim()
                        .truth(SimKeys.ORG_B_ID, day, day.plusDays(1))
                        .totalUsd())
                .isNotEqualByComparingTo(before);
    }

    @Test
    void organizations_canBeAddedWithAKey() {
        HttpResponse<String> response = post("/_sim/organizations", "{\"name\":\"Bench Org 7\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode created = json(response);
        assertThat(json(running.client().get(ME, created.get("admin_key").asText()))
                        .get("id")
                        .asText())
                .isEqualTo(created.get("id").asText());
        assertThat(json(running.client().send(running.client().request("/_sim").GET()))
                        .get("organizations"))
                .hasSize(3);
    }

    @Test
    void truth_andRequestsAreReadable() {
        running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY);

        JsonNode truth = json(running.client()
                .send(running.client()
                        .request("/_sim/truth?organization_id=" + SimKeys.ORG_A_ID + "&start=2026-11-01&end=2026-11-08")
                        .GET()));
        JsonNode requests = json(
                running.client().send(running.client().request("/_sim/requests").GET()));

        assertThat(new BigDecimal(truth.get("total_usd").asText()))
                .isEqualByComparingTo(running.sim()
                        .truth(SimKeys.ORG_A_ID, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 8))
                        .totalUsd());
        assertThat(truth.get("by_day_usd")).hasSize(7);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).get("key_hint").asText()).isEqualTo("…orgA");
        assertThat(requests.toString()).doesNotContain(SimKeys.ORG_A_ADMIN_KEY);
    }

    @Test
    void unknownRouteAndBadBody_areErrors() {
        assertThat(running.client()
                        .send(running.client().request("/_sim/nothing").GET())
                        .statusCode())
                .isEqualTo(404);
        assertThat(post("/_sim/restate", "not json").statusCode()).isEqualTo(400);
        assertThat(post("/_sim/restate", "{\"organization_id\":\"nope\",\"date\":\"2026-11-01\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    private HttpResponse<String> post(String path, String json) {
        return running.client()
                .send(running.client()
                        .request(path)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)));
    }
}
