package finora.admin.base;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import org.springframework.stereotype.Component;

/** Gives every Vaadin session the {@link FriendlyErrorHandler}. */
@Component
class ErrorHandlerInstaller implements VaadinServiceInitListener {

    @Override
    public void serviceInit(ServiceInitEvent event) {
        FriendlyErrorHandler handler = new FriendlyErrorHandler(SessionEnd.invalidatingHttpSession());
        event.getSource().addSessionInitListener(init -> init.getSession().setErrorHandler(handler));
    }
}
