package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.admin.grpc.FakeFinoraServer;
import io.grpc.ManagedChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

class FinoraAuthenticationProviderTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    private final ManagedChannel channel = server.channel();
    // Through a ProviderManager, as Spring Security calls it: it erases credentials after a login.
    private final ProviderManager manager =
            new ProviderManager(new FinoraAuthenticationProvider(new AuthClient(channel, Duration.ofSeconds(5))));

    @AfterEach
    void close() {}

    @Test
    void rightPassword_signsIn_withRoleFromTheServer_andKeepsTheTokenServerSide() {
        Authentication result = manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                " " + FakeFinoraServer.EMAIL + " ", FakeFinoraServer.PASSWORD));

        assertThat(result).isInstanceOf(FinoraAuthentication.class);
        assertThat(result.isAuthenticated()).isTrue();
        assertThat(result.getAuthorities())
                .extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_ADMIN");
        assertThat(((FinoraAuthentication) result).sessionToken()).isEqualTo(FakeFinoraServer.TOKEN);
        assertThat(result.getPrincipal())
                .isEqualTo(new FinoraUser(
                        FakeFinoraServer.EMAIL, FakeFinoraServer.TENANT, Role.ADMIN, FakeFinoraServer.EXPIRES));
        assertThat(result.toString()).doesNotContain(FakeFinoraServer.TOKEN);
    }

    @Test
    void wrongPassword_isBadCredentials() {
        assertThatThrownBy(() -> manager.authenticate(
                        UsernamePasswordAuthenticationToken.unauthenticated(FakeFinoraServer.EMAIL, "nope")))
                .isInstanceOf(BadCredentialsException.class);
    }

    private static UsernamePasswordAuthenticationToken fromBrowserAt(String remoteAddress, String password) {
        var token = UsernamePasswordAuthenticationToken.unauthenticated(FakeFinoraServer.EMAIL, password);
        // what Spring Security's form login attaches: the servlet request's remote address
        token.setDetails(new WebAuthenticationDetails(remoteAddress, null));
        return token;
    }

    @Test
    void signIn_sendsTheBrowserAddressFromTheRequest_asMetadata() {
        manager.authenticate(fromBrowserAt("203.0.113.9", FakeFinoraServer.PASSWORD));
        assertThatThrownBy(() -> manager.authenticate(fromBrowserAt("2001:db8::9", "nope")))
                .isInstanceOf(BadCredentialsException.class);

        assertThat(server.clientAddressHeaders()).containsExactly("203.0.113.9", "2001:db8:0:0:0:0:0:9");
    }

    @Test
    void aRemoteAddressThatIsNoIpLiteral_isNotSent() {
        manager.authenticate(fromBrowserAt("proxy.internal", FakeFinoraServer.PASSWORD));
        manager.authenticate(fromBrowserAt("203.0.113.9, 10.0.0.1", FakeFinoraServer.PASSWORD));
        manager.authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD));

        assertThat(server.clientAddressHeaders()).containsExactly("<none>", "<none>", "<none>");
    }

    @Test
    void throttledLogin_isNotBadCredentials_andCarriesTheSecondsToWait() {
        server.failNextCall(FakeFinoraServer.loginThrottled(42));

        assertThatThrownBy(() -> manager.authenticate(fromBrowserAt("203.0.113.9", FakeFinoraServer.PASSWORD)))
                .isInstanceOfSatisfying(
                        FinoraAuthenticationProvider.LoginThrottledAuthenticationException.class,
                        e -> assertThat(e.retryAfterSeconds()).hasValue(42));
    }

    @Test
    void serverDown_isNotBadCredentials() {
        ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
        try {
            ProviderManager unreachable = new ProviderManager(
                    new FinoraAuthenticationProvider(new AuthClient(nowhere, Duration.ofSeconds(5))));

            assertThatThrownBy(() -> unreachable.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                            FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD)))
                    .isInstanceOf(FinoraAuthenticationProvider.ServerUnreachableAuthenticationException.class)
                    .hasMessageContaining("not reachable");
        } finally {
            nowhere.shutdownNow();
        }
    }
}
