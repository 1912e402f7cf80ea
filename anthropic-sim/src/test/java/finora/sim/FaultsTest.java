package finora.sim;

import static finora.sim.AuthenticationTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultsTest {

    private static final String ME = "/v1/organizations/me";
    private static final String WORKSPACES = "/v1/organizations/workspaces";
    private static final String KEY = SimKeys.ORG_A_ADMIN_KEY;

    @RegisterExtension
    final SimUnderTest running = new SimUnderTest();

    @Test
    void rateLimited_withRetryAfter() {
        running.sim().faults().next(1, Fault.rateLimited(Duration.ofSeconds(7)));

        HttpResponse<String> response = running.client().get(ME, KEY);

        assertError(response, 429, "rate_limit_error");
        assertThat(response.headers().firstValue("retry-after")).contains("7");
        assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void rateLimited_withoutRetryAfter() {
        running.sim().faults().next(1, Fault.rateLimitedWithoutRetryAfter());

        HttpResponse<String> response = running.client().get(ME, KEY);

        assertError(response, 429, "rate_limit_error");
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void serverErrorOverloadedAndTimeout() {
        running.sim().faults().next(1, Fault.serverError());
        running.sim().faults().next(1, Fault.overloaded());
        running.sim().faults().next(1, Fault.gatewayTimeout());

        assertError(running.client().get(ME, KEY), 500, "api_error");
        assertError(running.client().get(ME, KEY), 529, "overloaded_error");
        assertError(running.client().get(ME, KEY), 504, "timeout_error");
        assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void next_appliesToExactlyTheNextRequests() {
        running.sim().faults().next(3, Fault.overloaded());

        assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(529);
        assertThat(running.client().get(WORKSPACES, KEY).statusCode()).isEqualTo(529);
        assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(529);
        assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
        assertThat(running.sim().faults().isEmpty()).isTrue();
    }

    @Test
    void onPath_leavesOtherPathsAlone() {
        running.sim().faults().onPath(WORKSPACES, Fault.serverError());

        for (int i = 0; i < 3; i++) {
            assertThat(running.client().get(WORKSPACES, KEY).statusCode()).isEqualTo(500);
            assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
        }
        running.sim().faults().clear();
        assertThat(running.client().get(WORKSPACES, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void onPathWithCount_expires() {
        running.sim().faults().onPath(WORKSPACES, 2, Fault.overloaded());

        assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
        assertThat(running.client().get(WORKSPACES, KEY).statusCode()).isEqualTo(529);
        assertThat(running.client().get(WORKSPACES, KEY).statusCode()).isEqualTo(529);
        assertThat(running.client().get(WORKSPACES, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void delay_slowsTheNormalAnswer() {
        running.sim().faults().next(1, Fault.delay(Duration.ofMillis(400)));

        long started = System.nanoTime();
        HttpResponse<String> response = running.client().get(ME, KEY);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void delayedError_waitsThenFails() {
        running.sim().faults().next(1, Fault.overloaded().withDelay(Duration.ofMillis(300)));

        long started = System.nanoTime();
        HttpResponse<String> response = running.client().get(ME, KEY);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(response.statusCode()).isEqualTo(529);
    }

    @Test
    void malformedJson_isA200ThatDoesNotParse() {
        LocalDate day = LocalDate.of(2026, 11, 1);
        running.sim().faults().onPath("/v1/organizations/cost_report", 1, Fault.malformedJson());

        HttpResponse<String> response = running.client().get(SimApiClient.costReport(day, day.plusDays(3), ""), KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"data\":[");
        assertThatThrownBy(() -> SimApiClient.json(response))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(JsonProcessingException.class);
    }

    @Test
    void faults_comeBeforeAuthentication() {
        running.sim().faults().next(1, Fault.overloaded());

        assertThat(running.client().get(ME, SimKeys.REVOKED_ADMIN_KEY).statusCode())
                .isEqualTo(529);
        assertThat(running.client().get(ME, SimKeys.REVOKED_ADMIN_KEY).statusCode())
                .isEqualTo(401);
    }

    @Test
    void faults_areRecordedInTheRequestLog() {
        running.sim().faults().next(1, Fault.rateLimited(Duration.ofSeconds(1)));

        running.client().get(ME, KEY);

        assertThat(running.sim().requestLog().last())
                .hasValueSatisfying(request -> assertThat(request.status()).isEqualTo(429));
    }

    @Test
    void invalidFaults_areRejected() {
        assertThatThrownBy(() -> running.sim().faults().next(0, Fault.serverError()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.error(200, "api_error", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latency_delaysEveryAnswer_aroundItsMedian() {
        running.sim().faults().setLatency(Duration.ofMillis(150));
        long start = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
        }
        long meanMs = (System.nanoTime() - start) / 8_000_000;
        assertThat(meanMs).as("mean of a log-normal with median 150 ms").isBetween(60L, 1500L);

        running.sim().faults().clear();
        long quick = System.nanoTime();
        running.client().get(ME, KEY);
        assertThat((System.nanoTime() - quick) / 1_000_000)
                .as("clear turns it off")
                .isLessThan(140);
    }

    @Test
    void randomFaults_hitAboutTheirShareOfRequests_andStopWhenTurnedOff() {
        running.sim().faults().setRandom(0.3, java.util.List.of(Fault.serverError(), Fault.overloaded()));
        int faulted = 0;
        for (int i = 0; i < 200; i++) {
            int status = running.client().get(ME, KEY).statusCode();
            assertThat(status).isIn(200, 500, 529);
            if (status != 200) {
                faulted++;
            }
        }
        assertThat(faulted).as("about 30 %% of 200").isBetween(30, 95);
        running.sim().faults().setRandom(0, java.util.List.of());
        for (int i = 0; i < 20; i++) {
            assertThat(running.client().get(ME, KEY).statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> running.sim().faults().setRandom(1.5, java.util.List.of(Fault.serverError())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
