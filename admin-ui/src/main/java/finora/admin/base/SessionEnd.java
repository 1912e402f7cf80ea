package finora.admin.base;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinSession;
import java.io.Serializable;
import org.springframework.security.core.context.SecurityContextHolder;

/** Ends a session the server no longer accepts and sends the browser to the login view. */
@FunctionalInterface
public interface SessionEnd extends Serializable {

    /** Where a user whose session ended lands; the login view explains what happened. */
    String LOGIN_AFTER_SESSION_END = "login?expired";

    void sendToLogin(UI ui);

    /** The real one: forget the authentication, invalidate the HTTP session, reload at the login view. */
    static SessionEnd invalidatingHttpSession() {
        return ui -> {
            ui.getPage().setLocation(LOGIN_AFTER_SESSION_END);
            SecurityContextHolder.clearContext();
            VaadinSession session = ui.getSession();
            if (session != null && session.getSession() != null) {
                session.getSession().invalidate();
            }
        };
    }
}
