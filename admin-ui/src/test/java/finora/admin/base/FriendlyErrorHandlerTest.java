package finora.admin.base;

import static com.github.mvysny.kaributesting.v10.NotificationsKt.expectNoNotifications;
import static com.github.mvysny.kaributesting.v10.NotificationsKt.expectNotifications;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ErrorEvent;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FriendlyErrorHandlerTest {

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final List<UI> sentToLogin = new ArrayList<>();
    private final FriendlyErrorHandler handler = new FriendlyErrorHandler(sentToLogin::add);

    @Test
    void serverDown_showsWhereTheServerWasExpected() {
        handler.error(
                new ErrorEvent(new RuntimeException("wrapped", new ServerUnreachableException("finora:9090", null))));
        MockVaadin.clientRoundtrip(false);

        expectNotifications("The Finora server is not reachable at finora:9090. Check that it is running.");
        assertThat(sentToLogin).isEmpty();
    }

    @Test
    void serverError_isShownInTheServersWords() {
        handler.error(new ErrorEvent(new FinoraCallException(
                "KEY_MALFORMED", "An Anthropic Admin API key starts with sk-ant-admin01-.", null)));
        MockVaadin.clientRoundtrip(false);

        expectNotifications("An Anthropic Admin API key starts with sk-ant-admin01-.");
    }

    @Test
    void unexpectedError_showsAFriendlyText_notTheException() {
        handler.error(new ErrorEvent(new IllegalStateException("java.lang.NullPointerException at Secret.java:42")));
        MockVaadin.clientRoundtrip(false);

        expectNotifications(FriendlyErrorHandler.UNEXPECTED);
    }

    @Test
    void rejectedSession_sendsTheUserToLogin() {
        handler.error(
                new ErrorEvent(new NotAuthenticatedException(null, "The token is unknown, expired or revoked.", null)));
        MockVaadin.clientRoundtrip(false);

        assertThat(sentToLogin).containsExactly(UI.getCurrent());
        expectNoNotifications();
    }
}
