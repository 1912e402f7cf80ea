package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Code;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.PermissionDeniedException;
import finora.admin.grpc.ServerUnreachableException;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthClientTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    private final ManagedChannel channel = server.channel();
    private final AuthClient client = new AuthClient(channel, Duration.ofSeconds(5));

    @AfterEach
    void close() {}

    @Test
    void login_returnsSessionWithTokenTenantRoleAndExpiry() {
        Session session = client.login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD);

        assertThat(session.token()).isEqualTo(FakeFinoraServer.TOKEN);
        assertThat(session.tenantName()).isEqualTo(FakeFinoraServer.TENANT);
        assertThat(session.role()).isEqualTo(Role.ADMIN);
        assertThat(session.email()).isEqualTo(FakeFinoraServer.EMAIL);
        assertThat(session.expiresAt()).isEqualTo(FakeFinoraServer.EXPIRES);
    }

    @Test
    void login_sendsNoAuthorizationHeader() {
        client.login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD);

        assertThat(server.authorizationHeaders()).containsExactly("<none>");
    }

    @Test
    void session_toStringNeverShowsTheToken() {
        Session session = client.login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD);

        assertThat(session.toString()).doesNotContain(FakeFinoraServer.TOKEN).contains("<redacted>");
    }

    @Test
    void whoAmI_attachesBearerToken() {
        Identity identity = client.whoAmI(FakeFinoraServer.TOKEN);

        assertThat(server.authorizationHeaders()).containsExactly("Bearer " + FakeFinoraServer.TOKEN);
        assertThat(identity.subject()).isEqualTo(FakeFinoraServer.EMAIL);
        assertThat(identity.session()).isTrue();
    }

    @Test
    void logout_attachesBearerTokenOfTheSessionToRevoke() {
        client.logout(FakeFinoraServer.TOKEN);

        assertThat(server.revokedTokens()).containsExactly("Bearer " + FakeFinoraServer.TOKEN);
    }

    @Test
    void everyCall_carriesTheConfiguredDeadline() {
        client.login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD);
        client.whoAmI(FakeFinoraServer.TOKEN);
        client.logout(FakeFinoraServer.TOKEN);

        assertThat(server.deadlines()).hasSize(3).allSatisfy(deadline -> {
            long remaining = deadline.timeRemaining(TimeUnit.MILLISECONDS);
            assertThat(remaining).isPositive().isLessThanOrEqualTo(5_000);
        });
    }

    @Test
    void login_mapsUnauthenticatedToNotAuthenticatedException() {
        assertThatThrownBy(() -> client.login(FakeFinoraServer.EMAIL, "wrong"))
                .isInstanceOf(NotAuthenticatedException.class)
                .hasMessage("Wrong email or password.");
    }

    @Test
    void whoAmI_withRejectedToken_throwsNotAuthenticated() {
        assertThatThrownBy(() -> client.whoAmI("fin_sess_revoked")).isInstanceOf(NotAuthenticatedException.class);
    }

    @Test
    void anyCall_whenNothingListens_throwsServerUnreachableWithTheTarget() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            AuthClient unreachable = new AuthClient(nowhere, Duration.ofSeconds(5));

            assertThatThrownBy(() -> unreachable.login(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD))
                    .isInstanceOf(ServerUnreachableException.class)
                    .hasMessage("The Finora server is not reachable at " + nowhere.authority()
                            + ". Check that it is running.");
        } finally {
            nowhere.shutdownNow();
        }
    }

    @Test
    void call_thatOutlivesItsDeadline_throwsServerUnreachable() {
        server.hang();
        AuthClient impatient = new AuthClient(channel, Duration.ofMillis(200));

        long start = System.nanoTime();
        assertThatThrownBy(() -> impatient.whoAmI(FakeFinoraServer.TOKEN))
                .isInstanceOf(ServerUnreachableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void unavailableWithAReason_isTheServerSpeaking_notTheServerBeingDown() {
        server.failNextCall(FakeFinoraServer.error(
                Code.UNAVAILABLE,
                "PROVIDER_UNAVAILABLE",
                "Anthropic did not answer in time; nothing was saved. Try again in a minute."));

        assertThatThrownBy(() -> client.whoAmI(FakeFinoraServer.TOKEN))
                .isExactlyInstanceOf(FinoraCallException.class)
                .hasMessage("Anthropic did not answer in time; nothing was saved. Try again in a minute.")
                .satisfies(e -> assertThat(((FinoraCallException) e).reason()).isEqualTo("PROVIDER_UNAVAILABLE"));
    }

    @Test
    void permissionDenied_mapsToPermissionDeniedException() {
        server.failNextCall(FakeFinoraServer.error(
                Code.PERMISSION_DENIED, "READ_ONLY", "A READER token cannot change connections."));

        assertThatThrownBy(() -> client.whoAmI(FakeFinoraServer.TOKEN))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("A READER token cannot change connections.");
    }

    @Test
    void internalError_becomesAGenericMessage() {
        server.failNextCall(FakeFinoraServer.error(Code.INTERNAL, "INTERNAL", "NullPointerException at Foo.java:12"));

        assertThatThrownBy(() -> client.whoAmI(FakeFinoraServer.TOKEN))
                .isExactlyInstanceOf(FinoraCallException.class)
                .message()
                .doesNotContain("NullPointerException")
                .contains("could not complete the request");
    }

    @Test
    void deadline_isFreshForEachCall() throws InterruptedException {
        AuthClient shortDeadline = new AuthClient(channel, Duration.ofMillis(300));
        shortDeadline.whoAmI(FakeFinoraServer.TOKEN);
        Thread.sleep(400);

        // Were the deadline fixed when the client was built, this second call would fail as expired.
        shortDeadline.whoAmI(FakeFinoraServer.TOKEN);

        assertThat(server.deadlines()).hasSize(2);
        assertThat(server.deadlines().get(1).minimum(server.deadlines().get(0)))
                .isEqualTo(server.deadlines().get(0));
        assertThat(server.deadlines().get(1).timeRemaining(TimeUnit.MILLISECONDS)
                        - server.deadlines().get(0).timeRemaining(TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(350);
    }
}
