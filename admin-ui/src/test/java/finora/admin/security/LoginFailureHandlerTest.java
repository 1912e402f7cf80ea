package finora.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import finora.admin.grpc.LoginThrottledException;
import finora.admin.grpc.ServerUnreachableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;

class LoginFailureHandlerTest {

    @Test
    void badCredentials_redirectToLoginError() throws Exception {
        assertThat(redirectFor(new BadCredentialsException("Incorrect email or password")))
                .isEqualTo("/login?error");
    }

    @Test
    void unreachableServer_redirectsToLoginUnreachable() throws Exception {
        var exception = new FinoraAuthenticationProvider.ServerUnreachableAuthenticationException(
                new ServerUnreachableException("localhost:9090", null));

        assertThat(redirectFor(exception)).isEqualTo("/login?unreachable");
    }

    @Test
    void throttled_redirectsToLoginThrottled_withTheWholeSecondsToWait() throws Exception {
        assertThat(redirectFor(throttled(Duration.ofMillis(41_200)))).isEqualTo("/login?throttled=42");
        assertThat(redirectFor(throttled(Duration.ofDays(30)))).isEqualTo("/login?throttled=86400");
        assertThat(redirectFor(throttled(null))).isEqualTo("/login?throttled");
    }

    private static AuthenticationException throttled(Duration retryAfter) {
        return new FinoraAuthenticationProvider.LoginThrottledAuthenticationException(
                new LoginThrottledException("LOGIN_THROTTLED", "Too many login attempts", retryAfter, null));
    }

    @Test
    void otherFailure_redirectsToLoginFailed_withoutTheExceptionText() throws Exception {
        assertThat(redirectFor(new AuthenticationServiceException("secret details")))
                .isEqualTo("/login?failed");
    }

    private static String redirectFor(AuthenticationException exception) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new LoginFailureHandler()
                .onAuthenticationFailure(new MockHttpServletRequest("POST", "/login"), response, exception);
        return response.getRedirectedUrl();
    }
}
