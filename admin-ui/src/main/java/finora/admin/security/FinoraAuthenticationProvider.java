package finora.admin.security;

import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.LoginThrottledException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import java.util.OptionalLong;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Signs users in by calling the server's AuthService.Login with the login form's email and password,
 * and the browser's address (the servlet request's, so behind a proxy it honours
 * {@code FINORA_UI_FORWARD_HEADERS}), so the server throttles each browser on its own.
 */
@Component
public class FinoraAuthenticationProvider implements AuthenticationProvider {

    private final AuthClient authClient;

    public FinoraAuthenticationProvider(AuthClient authClient) {
        this.authClient = authClient;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email =
                authentication.getName() == null ? "" : authentication.getName().trim();
        Object credentials = authentication.getCredentials();
        String password = credentials == null ? "" : credentials.toString();
        try {
            return new FinoraAuthentication(authClient.login(email, password, browserAddress(authentication)));
        } catch (NotAuthenticatedException e) {
            throw new BadCredentialsException("Incorrect email or password", e);
        } catch (LoginThrottledException e) {
            throw new LoginThrottledAuthenticationException(e);
        } catch (ServerUnreachableException e) {
            throw new ServerUnreachableAuthenticationException(e);
        } catch (FinoraCallException e) {
            throw new AuthenticationServiceException(e.getMessage(), e);
        }
    }

    // Spring Security's form login puts the request's remote address in the details.
    private static String browserAddress(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress()
                : null;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** Login failed because the server could not be asked, not because of the credentials. */
    static final class ServerUnreachableAuthenticationException extends AuthenticationServiceException {
        ServerUnreachableAuthenticationException(ServerUnreachableException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The server refused the attempt: too many of them; the seconds to wait, when the server said. */
    static final class LoginThrottledAuthenticationException extends AuthenticationServiceException {
        private final transient LoginThrottledException throttled;

        LoginThrottledAuthenticationException(LoginThrottledException cause) {
            super(cause.getMessage(), cause);
            this.throttled = cause;
        }

        OptionalLong retryAfterSeconds() {
            return throttled
                    .retryAfter()
                    // whole seconds, rounded up, at least one: never "try again in 0 seconds"
                    .map(d ->
                            OptionalLong.of(Math.max(1, d.plusNanos(999_999_999).toSeconds())))
                    .orElse(OptionalLong.empty());
        }
    }
}
