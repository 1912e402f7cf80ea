package finora.admin.base;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.ParentLayout;
import finora.admin.grpc.ServerUnreachableException;
import jakarta.servlet.http.HttpServletResponse;

/** Shown instead of a view that could not load because the server is down. */
@ParentLayout(MainLayout.class)
public class ServerUnreachableView extends VerticalLayout implements HasErrorParameter<ServerUnreachableException> {

    private final Paragraph message = new Paragraph();

    public ServerUnreachableView() {
        Button retry = new Button(
                "Try again", click -> getUI().ifPresent(ui -> ui.getPage().reload()));
        add(new H2("Finora server not reachable"), message, retry);
    }

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<ServerUnreachableException> parameter) {
        message.setText(parameter.getException().getMessage());
        return HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    }
}
