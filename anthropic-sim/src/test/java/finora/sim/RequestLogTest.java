package finora.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RequestLogTest {

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    @Test
    void records_methodPathQueryHeadersAndStatus() {
        running.client()
                .send(running.client()
                        .request(
                                "/v1/organizations/cost_report?starting_at=2026-11-01T00:00:00Z"
                                        + "&ending_at=2026-11-03T00:00:00Z&group_by%5B%5D=workspace_id&group_by[]=description&limit=31")
                        .header("x-api-key", SimKeys.ORG_B_ADMIN_KEY)
                        .header("anthropic-version", "2023-06-01")
                        .header("User-Agent", "FinoraSpend/0.1 (https://finora.example)")
                        .GET());

        assertThat(running.sim().requestLog().all()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/v1/organizations/cost_report");
            assertThat(request.query()).contains("limit=31");
            assertThat(request.parameter("starting_at")).isEqualTo("2026-11-01T00:00:00Z");
            assertThat(request.parameterValues("group_by[]")).containsExactly("workspace_id", "description");
            assertThat(request.apiKey()).isEqualTo(SimKeys.ORG_B_ADMIN_KEY);
            assertThat(request.header("Anthropic-Version")).isEqualTo("2023-06-01");
            assertThat(request.header("user-agent")).isEqualTo("FinoraSpend/0.1 (https://finora.example)");
            assertThat(request.status()).isEqualTo(200);
            assertThat(request.requestId()).startsWith("req_");
            assertThat(request.receivedAt()).isNotNull();
        });
    }

    @Test
    void records_failuresAndOtherMethods() {
        running.client().get("/v1/organizations/me", SimKeys.REVOKED_ADMIN_KEY);
        running.client().send(running.client().request("/v1/organizations/me").DELETE());

        List<RecordedRequest> all = running.sim().requestLog().all();
        assertThat(all).extracting(RecordedRequest::status).containsExactly(401, 405);
        assertThat(all).extracting(RecordedRequest::method).containsExactly("GET", "DELETE");
        assertThat(running.sim().requestLog().forPath("/v1/organizations/me")).hasSize(2);
        assertThat(running.sim().requestLog().forPath("/v1/organizations/workspaces"))
                .isEmpty();
    }

    @Test
    void toString_showsOnlyAKeyHint() {
        running.client().get("/v1/organizations/me", SimKeys.ORG_A_ADMIN_KEY);

        String text = running.sim().requestLog().last().orElseThrow().toString();

        assertThat(text)
                .doesNotContain(SimKeys.ORG_A_ADMIN_KEY)
                .contains("…orgA")
                .contains("/v1/organizations/me");
    }

    @Test
    void controlRequests_areNotRecorded() {
        running.client().send(running.client().request("/_sim").GET());
        running.client().send(running.client().request("/_sim/faults").DELETE());

        assertThat(running.sim().requestLog().size()).isZero();
    }

    @Test
    void clear_forgetsEverything() {
        running.client().get("/v1/organizations/me", SimKeys.ORG_A_ADMIN_KEY);

        running.sim().requestLog().clear();

        assertThat(running.sim().requestLog().all()).isEmpty();
        assertThat(running.sim().requestLog().last()).isEmpty();
    }

    @Test
    void headers_areKeptWithEveryValue() {
        running.client()
                .send(running.client()
                        .request("/v1/organizations/me")
                        .header("x-api-key", SimKeys.ORG_A_ADMIN_KEY)
                        .header("anthropic-version", "2023-06-01")
                        .header("anthropic-beta", "one")
                        .header("anthropic-beta", "two")
                        .method("GET", HttpRequest.BodyPublishers.noBody()));

        assertThat(running.sim().requestLog().last().orElseThrow().headers().get("anthropic-beta"))
                .containsExactly("one", "two");
    }
}
