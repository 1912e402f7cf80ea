package finora.admin.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Sends a failed login back to the login view with the kind of failure in the query string, so the
 * view can tell "wrong email or password" from "the server is down". Only a fixed word travels in
 * the URL, never the exception text.
 */
final class LoginFailureHandler implements AuthenticationFailureHandler {

  private final RedirectStrategy redirect = new DefaultRedirectStrategy();

  @Override
  public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException exception) throws IOException {
    redirect.sendRedirect(request, response, "/login?" + outcomeOf(exception).queryParameter());
  }

  static LoginOutcome outcomeOf(AuthenticationException exception) {
    if (exception instanceof FinoraAuthenticationProvider.ServerUnreachableAuthenticationException) {
      return LoginOutcome.SERVER_UNREACHABLE;
    }
    if (exception instanceof BadCredentialsException) {
      return LoginOutcome.BAD_CREDENTIALS;
    }
    return LoginOutcome.FAILED;
  }
}
