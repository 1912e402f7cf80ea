package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import finora.admin.grpc.ServerUnreachableException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;

class LoginFailureHandlerTest {

  @Test
  void badCredentials_redirectToLoginError() throws Exception {
    assertThat(redirectFor(new BadCredentialsException("Incorrect email or password"))).isEqualTo("/login?error");
  }

  @Test
  void unreachableServer_redirectsToLoginUnreachable() throws Exception {
    var exception = new FinoraAuthenticationProvider.ServerUnreachableAuthenticationException(
        new ServerUnreachableException("localhost:9090", null));

    assertThat(redirectFor(exception)).isEqualTo("/login?unreachable");
  }

  @Test
  void otherFailure_redirectsToLoginFailed_withoutTheExceptionText() throws Exception {
    assertThat(redirectFor(new AuthenticationServiceException("secret details"))).isEqualTo("/login?failed");
  }

  private static String redirectFor(AuthenticationException exception) throws Exception {
    MockHttpServletResponse response = new MockHttpServletResponse();
    new LoginFailureHandler().onAuthenticationFailure(new MockHttpServletRequest("POST", "/login"), response, exception);
    return response.getRedirectedUrl();
  }
}
