package finora.admin.security;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import finora.admin.grpc.ServerHealthClient;
import finora.admin.grpc.ServerUnreachableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Sign-in page. The form posts to Spring Security ({@code POST /login}), whose provider asks the
 * server; a failure comes back as {@code /login?error}, {@code ?unreachable}, {@code ?throttled=N},
 * {@code ?failed} or {@code ?expired} and is explained here.
 */
@Route("login")
@PageTitle("Sign in | Finora Spend")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();
    private final String serverTarget;

    public LoginView(ServerHealthClient serverHealth) {
        this.serverTarget = serverHealth.target();
        setSizeFull();
        setAlignItems(FlexComponent.Alignment.CENTER);
        setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);

        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in");
        i18n.getForm().setUsername("Email");
        i18n.getForm().setSubmit("Sign in");
        form.setI18n(i18n);
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);

        Paragraph hint = new Paragraph("Use the email and password of your Finora admin-UI user.");
        hint.addClassName("quiet-small");
        add(new H1("Finora Spend"), form, hint);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        show(event.getLocation().getQueryParameters());
    }

    void show(QueryParameters query) {
        Map<String, List<String>> parameters = query.getParameters();
        show(LoginOutcome.fromQuery(parameters.keySet()), LoginOutcome.retrySeconds(parameters));
    }

    void show(Optional<LoginOutcome> outcome) {
        show(outcome, OptionalLong.empty());
    }

    private void show(Optional<LoginOutcome> outcome, OptionalLong retrySeconds) {
        outcome.ifPresentOrElse(
                o -> {
                    switch (o) {
                        case THROTTLED ->
                            form.showErrorMessage(
                                    "Too many sign-in attempts",
                                    retrySeconds.isPresent()
                                            ? "Too many sign-in attempts; try again in " + retrySeconds.getAsLong()
                                                    + (retrySeconds.getAsLong() == 1 ? " second." : " seconds.")
                                            : "Too many sign-in attempts; try again in a few minutes.");
                        case BAD_CREDENTIALS ->
                            form.showErrorMessage(
                                    "Incorrect email or password",
                                    "Check that you entered the right email and password, then try again.");
                        case SERVER_UNREACHABLE ->
                            form.showErrorMessage(
                                    "Finora server not reachable", ServerUnreachableException.messageFor(serverTarget));
                        case FAILED ->
                            form.showErrorMessage(
                                    "Sign-in failed",
                                    "The Finora server could not sign you in. Try again; if it persists, check the server log.");
                        case SESSION_ENDED ->
                            form.showErrorMessage(
                                    "Session ended", "Your session has ended or was revoked. Please sign in again.");
                    }
                },
                () -> form.setError(false));
    }
}
