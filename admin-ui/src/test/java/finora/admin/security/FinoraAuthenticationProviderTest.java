package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.admin.grpc.AuthClient;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.Role;
import io.grpc.ManagedChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

class FinoraAuthenticationProviderTest {

  private final FakeFinoraServer server = new FakeFinoraServer();
  private final ManagedChannel channel = server.newChannel();
  // Through a ProviderManager, as Spring Security calls it: it erases credentials after a login.
  private final ProviderManager manager = new ProviderManager(
      new FinoraAuthenticationProvider(new AuthClient(channel, Duration.ofSeconds(5))));

  @AfterEach
  void close() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void rightPassword_signsIn_withRoleFromTheServer_andKeepsTheTokenServerSide() {
    Authentication result = manager.authenticate(
        UsernamePasswordAuthenticationToken.unauthenticated(" " + FakeFinoraServer.EMAIL + " ", FakeFinoraServer.PASSWORD));

    assertThat(result).isInstanceOf(FinoraAuthentication.class);
    assertThat(result.isAuthenticated()).isTrue();
    assertThat(result.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_ADMIN");
    assertThat(((FinoraAuthentication) result).sessionToken()).isEqualTo(FakeFinoraServer.TOKEN);
    assertThat(result.getPrincipal()).isEqualTo(new FinoraUser(
        FakeFinoraServer.EMAIL, FakeFinoraServer.TENANT, Role.ADMIN, FakeFinoraServer.EXPIRES));
    assertThat(result.toString()).doesNotContain(FakeFinoraServer.TOKEN);
  }

  @Test
  void wrongPassword_isBadCredentials() {
    assertThatThrownBy(() -> manager.authenticate(
        UsernamePasswordAuthenticationToken.unauthenticated(FakeFinoraServer.EMAIL, "nope")))
        .isInstanceOf(BadCredentialsException.class);
  }

  @Test
  void serverDown_isNotBadCredentials() {
    ManagedChannel nowhere = FakeFinoraServer.channelToNowhere();
    try {
      ProviderManager unreachable = new ProviderManager(
          new FinoraAuthenticationProvider(new AuthClient(nowhere, Duration.ofSeconds(5))));

      assertThatThrownBy(() -> unreachable.authenticate(
          UsernamePasswordAuthenticationToken.unauthenticated(FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD)))
          .isInstanceOf(FinoraAuthenticationProvider.ServerUnreachableAuthenticationException.class)
          .hasMessageContaining("not reachable");
    } finally {
      nowhere.shutdownNow();
    }
  }
}
