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
 * view can tell "wrong email or password" from "the server is down" or "too many attempts". Only a
 * fixed word (and, when throttled, the whole seconds to wait) travels in the URL, never the exception text.
 */
final class LoginFailureHandler implements AuthenticationFailureHandler {

    private final RedirectStrategy redirect = new DefaultRedirectStrategy();

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        String query = outcomeOf(exception).queryParameter();
        if (exception instanceof FinoraAuthenticationProvider.LoginThrottledAuthenticationException throttled
                && throttled.retryAfterSeconds().isPresent()) {
            query += "=" + Math.min(throttled.retryAfterSeconds().getAsLong(), LoginOutcome.MAX_RETRY_SECONDS);
        }
        redirect.sendRedirect(request, response, "/login?" + query);
    }

    static LoginOutcome outcomeOf(AuthenticationException exception) {
        if (exception instanceof FinoraAuthenticationProvider.ServerUnreachableAuthenticationException) {
            return LoginOutcome.SERVER_UNREACHABLE;
        }
        if (exception instanceof FinoraAuthenticationProvider.LoginThrottledAuthenticationException) {
            return LoginOutcome.THROTTLED;
        }
        if (exception instanceof BadCredentialsException) {
            return LoginOutcome.BAD_CREDENTIALS;
        }
        return LoginOutcome.FAILED;
    }
}
