package finora.admin.base;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import finora.admin.grpc.ServerHealth;
import finora.admin.grpc.ServerHealthClient;
import finora.admin.grpc.ServerUnreachableException;
import java.time.Duration;

/**
 * A coloured dot and a word saying whether the Finora server answers its health check. Checks on
 * attach and then on every UI poll; when the server becomes unreachable it says so in a
 * notification with the target it tried.
 */
public class ServerHealthIndicator extends HorizontalLayout {

    static final Duration POLL_INTERVAL = Duration.ofSeconds(30);

    private final ServerHealthClient client;
    private final Span dot = new Span();
    private final Span label = new Span();
    private ServerHealth state;

    public ServerHealthIndicator(ServerHealthClient client) {
        this.client = client;
        setSpacing(false);
        setAlignItems(FlexComponent.Alignment.CENTER);
        addClassName("server-health");
        dot.addClassName("server-health-dot");
        dot.getElement().setAttribute("aria-hidden", "true");
        add(dot, label);
        addAttachListener(e -> refresh());
        PollRequests.whileAttached(this, POLL_INTERVAL, this::refresh);
    }

    /** Asks the server now and updates the indicator. */
    public ServerHealth refresh() {
        ServerHealth previous = state;
        state = client.check();
        switch (state) {
            case SERVING ->
                show("success", "Server online", "The Finora server at " + client.target() + " is serving.");
            case NOT_SERVING ->
                show(
                        "warning",
                        "Server not ready",
                        "The Finora server at " + client.target() + " answers but is not serving yet.");
            case UNREACHABLE -> show("error", "Server unreachable", message());
        }
        if (state == ServerHealth.UNREACHABLE && previous != ServerHealth.UNREACHABLE) {
            Notification notification = Notification.show(message(), 8000, Notification.Position.BOTTOM_END);
            notification.addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        return state;
    }

    /** The last known state, or null before the first check. */
    public ServerHealth state() {
        return state;
    }

    /** The text in the label, e.g. "Server online". */
    public String text() {
        return label.getText();
    }

    String message() {
        return ServerUnreachableException.messageFor(client.target());
    }

    /** @param tone the dot's colour in the stylesheet: success, warning or error */
    private void show(String tone, String text, String description) {
        dot.getElement().setAttribute("data-tone", tone);
        label.setText(text);
        getElement().setAttribute("title", description);
    }
}
