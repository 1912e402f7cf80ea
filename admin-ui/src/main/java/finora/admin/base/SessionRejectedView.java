package finora.admin.base;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import finora.admin.grpc.NotAuthenticatedException;
import jakarta.servlet.http.HttpServletResponse;

/** A view whose server call was rejected as unauthenticated ends the session and goes to sign in. */
public class SessionRejectedView extends Div implements HasErrorParameter<NotAuthenticatedException> {

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotAuthenticatedException> parameter) {
        SessionEnd.invalidatingHttpSession().sendToLogin(event.getUI());
        return HttpServletResponse.SC_UNAUTHORIZED;
    }
}
