package finora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.Provider;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.MutableClock;
import finora.server.testing.TestServer;
import finora.sim.AnthropicSim;
import finora.sim.Fault;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint of a running server, scraped over HTTP after real syncs and calls. */
class MetricsEndpointTest {

    @Test
    void metricsEndpoint_servesSyncProviderAndRpcMetrics() throws Exception {
        MutableClock clock = new MutableClock(TestServer.START);
        try (AnthropicSim sim = AnthropicSim.start(
                        0, SimConfig.defaults().withRowsPerDay(5).withClock(clock));
                TestServer server = TestServer.start(
                        Map.of("FINORA_ANTHROPIC_BASE_URL", sim.baseUrl(), "FINORA_METRICS_PORT", "0"), clock)) {
            var tenant = server.tenant("metrics", Plan.TRIAL);
            String admin = server.token(tenant, Role.ADMIN);
            server.integrations(admin)
                    .connectProvider(ConnectProviderRequest.newBuilder()
                            .setProvider(Provider.PROVIDER_ANTHROPIC)
                            .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                            .build());
            server.integrations(admin).listConnections(ListConnectionsRequest.getDefaultInstance());
            assertThrows(
                    StatusRuntimeException.class,
                    () -> server.integrations(null).listConnections(ListConnectionsRequest.getDefaultInstance()));
            sim.faults().onPath("/v1/organizations/cost_report", 1, Fault.overloaded()); // one retry
            assertThat(server.app().scheduler().runDueNow()).isEqualTo(1);
            sim.keys().revoke(SimKeys.ORG_A_ADMIN_KEY);
            clock.advance(Duration.ofHours(24));
            assertThat(server.app().scheduler().runDueNow()).isEqualTo(1);

            assertThat(server.server().metricsPort()).isPositive();
            HttpResponse<String> scrape = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + server.server().metricsPort() + "/metrics"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            String text = scrape.body();
            LocalDate today = LocalDate.ofInstant(TestServer.START, ZoneOffset.UTC);
            int rows = sim.truth(SimKeys.ORG_A_ID, today.minusDays(7), today)
                    .items()
                    .size();
            assertThat(text)
                    .contains("finora_sync_runs_total{outcome=\"succeeded\",reason=\"none\"} 1.0")
                    .contains("finora_sync_runs_total{outcome=\"failed\",reason=\"KEY_REJECTED\"} 1.0")
                    .contains("finora_sync_rows_written_total " + rows + ".0")
                    .contains("finora_sync_days_written_total 7.0")
                    .contains("finora_sync_run_duration_seconds_count{outcome=\"succeeded\"} 1")
                    .contains("finora_sync_run_duration_seconds_count{outcome=\"failed\"} 1")
                    .contains("finora_sync_running 0.0")
                    .contains("finora_provider_retries_total{provider=\"anthropic\",status=\"529\"} 1.0")
                    .contains(
                            "finora_provider_request_duration_seconds_count{endpoint=\"/v1/organizations/cost_report\","
                                    + "provider=\"anthropic\",status=\"200\"}")
                    // A sync first asks whether the analytics API answers: that is where the revoked key meets 401.
                    .contains(
                            "finora_provider_request_duration_seconds_count{endpoint=\"/v1/organizations/analytics/cost\","
                                    + "provider=\"anthropic\",status=\"401\"} 1")
                    .contains(
                            "finora_grpc_server_handling_seconds_count{grpc_code=\"OK\",grpc_method=\"ConnectProvider\","
                                    + "grpc_service=\"finora.v1.IntegrationService\"} 1")
                    .contains("finora_grpc_server_handling_seconds_count{grpc_code=\"UNAUTHENTICATED\","
                            + "grpc_method=\"ListConnections\",grpc_service=\"finora.v1.IntegrationService\"} 1");
        }
    }
}
