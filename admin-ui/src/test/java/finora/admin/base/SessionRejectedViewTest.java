package finora.admin.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.fakeservlet.FakeHttpSession;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import finora.admin.grpc.NotAuthenticatedException;
import jakarta.servlet.http.HttpSession;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionRejectedViewTest {

    /** A view whose server call is rejected while it loads, as a view of a revoked session would be. */
    @Route("needs-session")
    public static class RejectedWhileLoading extends Div {
        public RejectedWhileLoading() {
            throw new NotAuthenticatedException(null, "The token is unknown, expired or revoked.", null);
        }
    }

    @BeforeEach
    void setUp() {
        MockVaadin.setup(new Routes(Set.of(RejectedWhileLoading.class), Set.of(SessionRejectedView.class), true));
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
    }

    @Test
    void viewRejectedAsUnauthenticated_endsTheHttpSession() {
        HttpSession httpSession =
                VaadinSession.getCurrent().getSession() instanceof com.vaadin.flow.server.WrappedHttpSession w
                        ? w.getHttpSession()
                        : null;

        UI.getCurrent().navigate("needs-session");

        assertThat(httpSession).isInstanceOf(FakeHttpSession.class);
        assertThat(((FakeHttpSession) httpSession).isValid()).isFalse();
    }
}
