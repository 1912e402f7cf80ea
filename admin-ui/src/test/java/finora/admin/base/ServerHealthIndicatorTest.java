package finora.admin.base;

import static com.github.mvysny.kaributesting.v10.NotificationsKt.expectNoNotifications;
import static com.github.mvysny.kaributesting.v10.NotificationsKt.expectNotifications;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.ServerHealth;
import finora.admin.grpc.ServerHealthClient;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerHealthIndicatorTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = server.channel();

    @Test
    void servingServer_showsOnline() {
        server.setHealth(ServingStatus.SERVING);
        ServerHealthIndicator indicator =
                new ServerHealthIndicator(new ServerHealthClient(channel, Duration.ofSeconds(2)));

        UI.getCurrent().add(indicator);

        assertThat(indicator.state()).isEqualTo(ServerHealth.SERVING);
        assertThat(indicator.text()).isEqualTo("Server online");
        expectNoNotifications();
    }

    @Test
    void notServingServer_showsNotReady() {
        server.setHealth(ServingStatus.NOT_SERVING);
        ServerHealthIndicator indicator =
                new ServerHealthIndicator(new ServerHealthClient(channel, Duration.ofSeconds(2)));

        UI.getCurrent().add(indicator);

        assertThat(indicator.text()).isEqualTo("Server not ready");
    }

    @Test
    void unreachableServer_showsUnreachableAndSaysWhereItLooked() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            ServerHealthIndicator indicator =
                    new ServerHealthIndicator(new ServerHealthClient(nowhere, Duration.ofSeconds(2)));

            UI.getCurrent().add(indicator);

            assertThat(indicator.state()).isEqualTo(ServerHealth.UNREACHABLE);
            assertThat(indicator.text()).isEqualTo("Server unreachable");
            assertThat(indicator.getElement().getAttribute("title"))
                    .isEqualTo("The Finora server is not reachable at " + nowhere.authority()
                            + ". Check that it is running.");
            expectNotifications(
                    "The Finora server is not reachable at " + nowhere.authority() + ". Check that it is running.");
        } finally {
            nowhere.shutdownNow();
        }
    }

    @Test
    void serverComingBack_isNoticedOnTheNextRefresh() {
        server.setHealth(ServingStatus.NOT_SERVING);
        ServerHealthIndicator indicator =
                new ServerHealthIndicator(new ServerHealthClient(channel, Duration.ofSeconds(2)));
        UI.getCurrent().add(indicator);

        server.setHealth(ServingStatus.SERVING);

        assertThat(indicator.refresh()).isEqualTo(ServerHealth.SERVING);
        assertThat(indicator.text()).isEqualTo("Server online");
    }

    @Test
    void attaching_turnsOnPolling_detaching_turnsItOff() {
        server.setHealth(ServingStatus.SERVING);
        ServerHealthIndicator indicator =
                new ServerHealthIndicator(new ServerHealthClient(channel, Duration.ofSeconds(2)));

        UI.getCurrent().add(indicator);
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo((int) ServerHealthIndicator.POLL_INTERVAL.toMillis());

        UI.getCurrent().remove(indicator);
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo(-1);
    }
}
