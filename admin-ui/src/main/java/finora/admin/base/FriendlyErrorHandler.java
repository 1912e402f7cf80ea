package finora.admin.base;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ErrorHandler;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's error handler: a person sees a short notification in plain words, never a stack
 * trace. A session the server no longer accepts ends here and the user is sent to sign in again.
 */
public class FriendlyErrorHandler implements ErrorHandler {

    static final String UNEXPECTED = "Something went wrong. Try again; if it persists, check the admin UI's log.";

    private static final Logger log = LoggerFactory.getLogger(FriendlyErrorHandler.class);

    private final SessionEnd sessionEnd;

    public FriendlyErrorHandler(SessionEnd sessionEnd) {
        this.sessionEnd = sessionEnd;
    }

    @Override
    public void error(ErrorEvent event) {
        Throwable error = event.getThrowable();
        UI ui = UI.getCurrent();
        NotAuthenticatedException rejected = find(error, NotAuthenticatedException.class);
        if (rejected != null) {
            log.info("The server rejected this session's token; sending the user to sign in again");
            if (ui != null) {
                sessionEnd.sendToLogin(ui);
            }
            return;
        }
        FinoraCallException callFailure = find(error, FinoraCallException.class);
        if (callFailure instanceof ServerUnreachableException) {
            log.warn("{}", callFailure.getMessage());
        } else if (callFailure != null) {
            log.info("A server call failed: {} ({})", callFailure.getMessage(), callFailure.reason());
        } else {
            log.error("Unexpected error in the admin UI", error);
        }
        if (ui != null) {
            String text = callFailure != null ? callFailure.getMessage() : UNEXPECTED;
            ui.access(() -> {
                Notification notification = Notification.show(text, 6000, Notification.Position.MIDDLE);
                notification.addThemeVariants(NotificationVariant.LUMO_ERROR);
            });
        }
    }

    static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
