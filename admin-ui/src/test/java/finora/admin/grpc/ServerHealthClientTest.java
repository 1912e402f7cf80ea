package finora.admin.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerHealthClientTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    private final ManagedChannel channel = server.channel();
    private final ServerHealthClient client = new ServerHealthClient(channel, Duration.ofSeconds(2));

    @AfterEach
    void close() {}

    @Test
    void check_servingServer_isServing() {
        server.setHealth(ServingStatus.SERVING);

        assertThat(client.check()).isEqualTo(ServerHealth.SERVING);
    }

    @Test
    void check_serverShuttingDown_isNotServing() {
        server.setHealth(ServingStatus.NOT_SERVING);

        assertThat(client.check()).isEqualTo(ServerHealth.NOT_SERVING);
    }

    @Test
    void check_nothingListening_isUnreachable() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            assertThat(new ServerHealthClient(nowhere, Duration.ofSeconds(2)).check())
                    .isEqualTo(ServerHealth.UNREACHABLE);
        } finally {
            nowhere.shutdownNow();
        }
    }

    @Test
    void check_serverWithoutHealthService_isNotServing() throws Exception {
        String name = InProcessServerBuilder.generateName();
        var bare = InProcessServerBuilder.forName(name).directExecutor().build().start();
        ManagedChannel bareChannel =
                InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            assertThat(new ServerHealthClient(bareChannel, Duration.ofSeconds(2)).check())
                    .isEqualTo(ServerHealth.NOT_SERVING);
        } finally {
            bareChannel.shutdownNow();
            bare.shutdownNow();
        }
    }

    @Test
    void target_isTheChannelsAuthority() {
        assertThat(client.target()).isEqualTo(channel.authority());
    }
}
