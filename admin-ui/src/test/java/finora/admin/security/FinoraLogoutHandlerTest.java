package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import finora.admin.grpc.FakeFinoraServer;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class FinoraLogoutHandlerTest {

    private final FinoraAuthentication signedIn = new FinoraAuthentication(new Session(
            FakeFinoraServer.TOKEN,
            "Acme",
            Role.READER,
            "bob@example.com",
            Instant.now().plusSeconds(60)));

    @Test
    void logout_revokesTheSessionOnTheServer() {
        try (FakeFinoraServer server = new FakeFinoraServer()) {
            ManagedChannel channel = server.newChannel();
            new FinoraLogoutHandler(new AuthClient(channel, Duration.ofSeconds(5)))
                    .logout(new MockHttpServletRequest(), new MockHttpServletResponse(), signedIn);
            channel.shutdownNow();

            assertThat(server.revokedTokens()).containsExactly("Bearer " + FakeFinoraServer.TOKEN);
        }
    }

    @Test
    void logout_whenTheServerIsDown_stillLogsOutLocally() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            assertThatCode(() -> new FinoraLogoutHandler(new AuthClient(nowhere, Duration.ofSeconds(5)))
                            .logout(new MockHttpServletRequest(), new MockHttpServletResponse(), signedIn))
                    .doesNotThrowAnyException();
        } finally {
            nowhere.shutdownNow();
        }
    }
}
