package finora.sim;

import static finora.sim.SimApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthenticationTest {

    private static final String ME = "/v1/organizations/me";

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    @Test
    void me_namesTheOrganizationOfEachAdminKey() {
        JsonNode a = json(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY));
        JsonNode rotated = json(running.client().get(ME, SimKeys.ORG_A_SECOND_ADMIN_KEY));
        JsonNode b = json(running.client().get(ME, SimKeys.ORG_B_ADMIN_KEY));

        assertThat(a.get("id").asText()).isEqualTo(SimKeys.ORG_A_ID);
        assertThat(a.get("type").asText()).isEqualTo("organization");
        assertThat(a.get("name").asText()).isEqualTo(SimKeys.ORG_A_NAME);
        assertThat(rotated).isEqualTo(a);
        assertThat(b.get("id").asText()).isEqualTo(SimKeys.ORG_B_ID);
        assertThat(b.get("name").asText()).isEqualTo(SimKeys.ORG_B_NAME);
    }

    @Test
    void revokedKey_isAuthenticationError() {
        assertError(running.client().get(ME, SimKeys.REVOKED_ADMIN_KEY), 401, "authentication_error");
    }

    @Test
    void keyWhoseCreatorLostAdminRole_isPermissionError() {
        assertError(running.client().get(ME, SimKeys.NO_ADMIN_ROLE_KEY), 403, "permission_error");
    }

    @ParameterizedTest
    @ValueSource(strings = {SimKeys.REGULAR_API_KEY, "sk-ant-admin01-never-issued-abcd", "nonsense"})
    void regularOrUnknownKey_isAuthenticationError(String key) {
        assertError(running.client().get(ME, key), 401, "authentication_error");
        assertError(
                running.client().get("/v1/organizations/cost_report?starting_at=2026-11-01T00:00:00Z", key),
                401,
                "authentication_error");
    }

    @Test
    void missingKey_isAuthenticationError() {
        assertError(
                running.client()
                        .send(running.client()
                                .request(ME)
                                .header("anthropic-version", "2023-06-01")
                                .GET()),
                401,
                "authentication_error");
    }

    @Test
    void missingVersion_isInvalidRequest() {
        assertError(
                running.client()
                        .send(running.client()
                                .request(ME)
                                .header("x-api-key", SimKeys.ORG_A_ADMIN_KEY)
                                .GET()),
                400,
                "invalid_request_error");
    }

    @Test
    void keysChangeStateAtRuntime() {
        running.sim().keys().revoke(SimKeys.ORG_A_ADMIN_KEY);
        assertError(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY), 401, "authentication_error");

        running.sim().keys().removeAdminRole(SimKeys.ORG_B_ADMIN_KEY);
        assertError(running.client().get(ME, SimKeys.ORG_B_ADMIN_KEY), 403, "permission_error");

        running.sim().keys().restore(SimKeys.ORG_A_ADMIN_KEY);
        assertThat(running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY).statusCode())
                .isEqualTo(200);

        running.sim().reset();
        assertThat(running.client().get(ME, SimKeys.ORG_B_ADMIN_KEY).statusCode())
                .isEqualTo(200);
        assertError(running.client().get(ME, SimKeys.REVOKED_ADMIN_KEY), 401, "authentication_error");
    }

    @Test
    void organizationsAndKeysCanBeAddedAtRuntime() {
        SimOrganization added = running.sim().addOrganization("Initech (bench)");
        String key = running.sim().keys().issueAdminKey(added.id());
        running.sim().keys().addAdminKey("sk-ant-admin01-custom-test-key-wxyz", added.id());

        assertThat(key).startsWith("sk-ant-admin01-");
        assertThat(json(running.client().get(ME, key)).get("id").asText()).isEqualTo(added.id());
        assertThat(json(running.client().get(ME, "sk-ant-admin01-custom-test-key-wxyz"))
                        .get("name")
                        .asText())
                .isEqualTo("Initech (bench)");
        assertThat(running.sim().addOrganization("Initech (bench) 2").id()).isNotEqualTo(added.id());
        assertThat(running.sim().organizations()).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
    void nonGetMethods_areRefusedWith405(String method) {
        HttpResponse<String> response = running.client()
                .send(running.client()
                        .request(ME)
                        .header("x-api-key", SimKeys.ORG_A_ADMIN_KEY)
                        .header("anthropic-version", "2023-06-01")
                        .method(method, HttpRequest.BodyPublishers.ofString("{}")));

        assertError(response, 405, "invalid_request_error");
        assertThat(response.headers().firstValue("allow")).contains("GET");
    }

    @Test
    void unknownPath_isNotFound() {
        assertError(running.client().get("/v1/organizations/invites", SimKeys.ORG_A_ADMIN_KEY), 404, "not_found_error");
    }

    @Test
    void everyAnswer_carriesARequestId() {
        HttpResponse<String> ok = running.client().get(ME, SimKeys.ORG_A_ADMIN_KEY);
        HttpResponse<String> error = running.client().get(ME, SimKeys.REVOKED_ADMIN_KEY);

        assertThat(ok.headers().firstValue("request-id"))
                .hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        assertThat(error.headers().firstValue("request-id"))
                .isNotEqualTo(ok.headers().firstValue("request-id"));
        assertThat(ok.headers().firstValue("content-type")).contains("application/json");
    }

    /** Status, error envelope, and a body request_id equal to the request-id header. */
    static void assertError(HttpResponse<String> response, int status, String errorType) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo(errorType);
        assertThat(body.at("/error/message").asText()).isNotBlank();
        assertThat(body.get("request_id").asText())
                .isEqualTo(response.headers().firstValue("request-id").orElseThrow());
    }
}
