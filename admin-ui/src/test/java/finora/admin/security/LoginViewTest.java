package finora.admin.security;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.router.QueryParameters;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.ServerHealthClient;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;

class LoginViewTest {

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = FakeFinoraServer.channelToNowhere();
    private LoginView view;

    @BeforeEach
    void setUp() {
        view = new LoginView(new ServerHealthClient(channel, Duration.ofSeconds(1)));
        UI.getCurrent().add(view);
    }

    @AfterEach
    void tearDown() {
        channel.shutdownNow();
    }

    @Test
    void form_postsToSpringSecurity_andAsksForEmail() {
        LoginForm form = _get(LoginForm.class);

        assertThat(form.getAction()).isEqualTo("login");
        assertThat(i18nOf(form)).contains("\"username\":\"Email\"");
        assertThat(form.isError()).isFalse();
    }

    @Test
    void badCredentials_showsIncorrectEmailOrPassword() {
        view.show(LoginOutcome.fromQuery(Set.of("error")));

        LoginForm form = _get(LoginForm.class);
        assertThat(form.isError()).isTrue();
        assertThat(i18nOf(form)).contains("Incorrect email or password").doesNotContain("not reachable");
    }

    @Test
    void serverUnreachable_saysSoWithTheTarget_notBadCredentials() {
        view.show(LoginOutcome.fromQuery(Set.of("unreachable")));

        LoginForm form = _get(LoginForm.class);
        assertThat(form.isError()).isTrue();
        assertThat(i18nOf(form))
                .contains(
                        "The Finora server is not reachable at " + channel.authority() + ". Check that it is running.")
                .doesNotContain("Incorrect email or password");
    }

    @Test
    void throttledLogin_showsTheSecondsToWait_fromTheServerThroughTheRedirect() throws Exception {
        // the server refuses with RetryInfo 42 s; the provider, the failure handler and the view do the rest
        String redirect;
        try (FakeFinoraServer server = new FakeFinoraServer()) {
            ManagedChannel toServer = server.newChannel();
            try {
                server.failNextCall(FakeFinoraServer.loginThrottled(42));
                var provider = new ProviderManager(
                        new FinoraAuthenticationProvider(new AuthClient(toServer, Duration.ofSeconds(5))));
                AuthenticationException failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                        AuthenticationException.class,
                        () -> provider.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                                FakeFinoraServer.EMAIL, FakeFinoraServer.PASSWORD)));
                MockHttpServletResponse response = new MockHttpServletResponse();
                new LoginFailureHandler()
                        .onAuthenticationFailure(new MockHttpServletRequest("POST", "/login"), response, failure);
                redirect = response.getRedirectedUrl();
            } finally {
                toServer.shutdownNow();
            }
        }
        assertThat(redirect).isEqualTo("/login?throttled=42");

        view.show(QueryParameters.fromString(redirect.substring(redirect.indexOf('?') + 1)));

        LoginForm form = _get(LoginForm.class);
        assertThat(form.isError()).isTrue();
        assertThat(i18nOf(form))
                .contains("Too many sign-in attempts; try again in 42 seconds.")
                .doesNotContain("Incorrect email or password")
                .doesNotContain("Sign-in failed");
    }

    @Test
    void throttled_withoutOrWithABadDelay_stillSaysSo_withoutANumber() {
        for (String query : new String[] {"throttled", "throttled=abc", "throttled=0", "throttled=99999999"}) {
            view.show(QueryParameters.fromString(query));

            assertThat(i18nOf(_get(LoginForm.class)))
                    .as(query)
                    .contains("Too many sign-in attempts; try again in a few minutes.");
        }
    }

    @Test
    void endedSession_asksToSignInAgain() {
        view.show(LoginOutcome.fromQuery(Set.of("expired")));

        assertThat(i18nOf(_get(LoginForm.class))).contains("Your session has ended");
    }

    @Test
    void plainVisit_showsNoError() {
        view.show(Optional.empty());

        assertThat(_get(LoginForm.class).isError()).isFalse();
    }

    private static String i18nOf(LoginForm form) {
        return String.valueOf(form.getElement().getPropertyRaw("i18n"));
    }
}
