package finora.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.CreateNotificationChannelRequest;
import finora.api.v1.Provider;
import finora.api.v1.WebhookTarget;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.MutableClock;
import finora.server.testing.TestServer;
import finora.server.testing.WebhookReceiver;
import finora.sim.AnthropicSim;
import finora.sim.Fault;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connection problems reach the channels once per episode. */
class ConnectionAlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRevokedKey_andSyncsFailingForTwiceThePlanInterval_notifyOnceEach() throws Exception {
        MutableClock clock = new MutableClock(TestServer.START);
        try (AnthropicSim sim = AnthropicSim.start(
                        0, SimConfig.defaults().withClock(clock).withRowsPerDay(3));
                TestServer server = TestServer.start(
                        Map.of(
                                "FINORA_ANTHROPIC_BASE_URL",
                                sim.baseUrl(),
                                "FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS",
                                "true"),
                        clock);
                WebhookReceiver receiver = WebhookReceiver.start()) {
            String admin = server.token(server.tenant("acme", Plan.SCALE), Role.ADMIN);
            server.notifications(admin)
                    .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                            .setName("hook")
                            .setWebhook(WebhookTarget.newBuilder()
                                    .setUrl(receiver.url())
                                    .setSigningSecret("k".repeat(32)))
                            .build());
            server.integrations(admin)
                    .connectProvider(ConnectProviderRequest.newBuilder()
                            .setProvider(Provider.PROVIDER_ANTHROPIC)
                            .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                            .build());
            server.app().scheduler().runDueNow();
            assertThat(server.app().connectionAlerts().checkStale()).isZero();

            // Every cost report fails for 2 h 10 min on an hourly plan: stale, announced once.
            sim.faults().onPath("/v1/organizations/cost_report", Fault.serverError());
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMinutes(65));
                server.app().scheduler().runDueNow();
            }
            assertThat(server.app().connectionAlerts().checkStale()).isEqualTo(1);
            assertThat(server.app().connectionAlerts().checkStale()).isZero();

            // The key is revoked: NEEDS_ATTENTION, announced once.
            sim.faults().clear();
            sim.keys().revoke(SimKeys.ORG_A_ADMIN_KEY);
            clock.advance(Duration.ofMinutes(65));
            server.app().scheduler().runDueNow();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (types(receiver).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(types(receiver))
                    .containsExactlyInAnyOrder("connection.sync_stale", "connection.needs_attention");
        }
    }

    /** Alert types about connections the receiver got (the sparse simulated data may also yield anomalies). */
    private static List<String> types(WebhookReceiver receiver) {
        return receiver.received().stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.body()).path("type").asText();
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .filter(t -> t.startsWith("connection."))
                .toList();
    }
}
