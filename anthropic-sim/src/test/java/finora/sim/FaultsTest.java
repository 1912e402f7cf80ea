package finora.sim;

import static finora.sim.AuthenticationTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {

    private static final String ME = "/v1/organizations/me";
    private static final String WORKSPACES = "/v1/organizations/workspaces";
    private static final String KEY = SimKeys.ORG_A_ADMIN_KEY;

    private AnthropicSim sim;
    private SimApiClient client;

    @BeforeEach
    void start() {
        sim = AnthropicSim.start(0);
        client = new SimApiClient(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void rateLimited_withRetryAfter() {
        sim.faults().next(1, Fault.rateLimited(Duration.ofSeconds(7)));

        HttpResponse<String> response = client.get(ME, KEY);

        assertError(response, 429, "rate_limit_error");
        assertThat(response.headers().firstValue("retry-after")).contains("7");
        assertThat(client.get(ME, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void rateLimited_withoutRetryAfter() {
        sim.faults().next(1, Fault.rateLimitedWithoutRetryAfter());

        HttpResponse<String> response = client.get(ME, KEY);

        assertError(response, 429, "rate_limit_error");
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void serverErrorOverloadedAndTimeout() {
        sim.faults().next(1, Fault.serverError());
        sim.faults().next(1, Fault.overloaded());
        sim.faults().next(1, Fault.gatewayTimeout());

        assertError(client.get(ME, KEY), 500, "api_error");
        assertError(client.get(ME, KEY), 529, "overloaded_error");
        assertError(client.get(ME, KEY), 504, "timeout_error");
        assertThat(client.get(ME, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void next_appliesToExactlyTheNextRequests() {
        sim.faults().next(3, Fault.overloaded());

        assertThat(client.get(ME, KEY).statusCode()).isEqualTo(529);
        assertThat(client.get(WORKSPACES, KEY).statusCode()).isEqualTo(529);
        assertThat(client.get(ME, KEY).statusCode()).isEqualTo(529);
        assertThat(client.get(ME, KEY).statusCode()).isEqualTo(200);
        assertThat(sim.faults().isEmpty()).isTrue();
    }

    @Test
    void onPath_leavesOtherPathsAlone() {
        sim.faults().onPath(WORKSPACES, Fault.serverError());

        for (int i = 0; i < 3; i++) {
            assertThat(client.get(WORKSPACES, KEY).statusCode()).isEqualTo(500);
            assertThat(client.get(ME, KEY).statusCode()).isEqualTo(200);
        }
        sim.faults().clear();
        assertThat(client.get(WORKSPACES, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void onPathWithCount_expires() {
        sim.faults().onPath(WORKSPACES, 2, Fault.overloaded());

        assertThat(client.get(ME, KEY).statusCode()).isEqualTo(200);
        assertThat(client.get(WORKSPACES, KEY).statusCode()).isEqualTo(529);
        assertThat(client.get(WORKSPACES, KEY).statusCode()).isEqualTo(529);
        assertThat(client.get(WORKSPACES, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void delay_slowsTheNormalAnswer() {
        sim.faults().next(1, Fault.delay(Duration.ofMillis(400)));

        long started = System.nanoTime();
        HttpResponse<String> response = client.get(ME, KEY);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void delayedError_waitsThenFails() {
        sim.faults().next(1, Fault.overloaded().withDelay(Duration.ofMillis(300)));

        long started = System.nanoTime();
        HttpResponse<String> response = client.get(ME, KEY);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(response.statusCode()).isEqualTo(529);
    }

    @Test
    void malformedJson_isA200ThatDoesNotParse() {
        LocalDate day = LocalDate.of(2026, 11, 1);
        sim.faults().onPath("/v1/organizations/cost_report", 1, Fault.malformedJson());

        HttpResponse<String> response = client.get(SimApiClient.costReport(day, day.plusDays(3), ""), KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"data\":[");
        assertThatThrownBy(() -> SimApiClient.json(response))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(JsonProcessingException.class);
    }

    @Test
    void faults_comeBeforeAuthentication() {
        sim.faults().next(1, Fault.overloaded());

        assertThat(client.get(ME, SimKeys.REVOKED_ADMIN_KEY).statusCode()).isEqualTo(529);
        assertThat(client.get(ME, SimKeys.REVOKED_ADMIN_KEY).statusCode()).isEqualTo(401);
    }

    @Test
    void faults_areRecordedInTheRequestLog() {
        sim.faults().next(1, Fault.rateLimited(Duration.ofSeconds(1)));

        client.get(ME, KEY);

        assertThat(sim.requestLog().last()).hasValueSatisfying(request -> assertThat(request.status()).isEqualTo(429));
    }

    @Test
    void invalidFaults_areRejected() {
        assertThatThrownBy(() -> sim.faults().next(0, Fault.serverError())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.error(200, "api_error", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
