package finora.admin.settings;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import finora.admin.base.Badge;
import finora.admin.base.ConfirmRemoveDialog;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Settings → Notifications: where budget, anomaly and connection alerts go. Lists the channels (name,
 * kind, a safe hint of the target, format); admins add webhooks and e-mail channels, send a test
 * and see its outcome on the row, and delete channels. The delivery log lists recent alerts with
 * their outcome.
 */
class NotificationsTab extends Composite<VerticalLayout> {

    /** How many recent deliveries the log shows. */
    static final int LOG_SIZE = 50;

    private final NotificationClient client;
    private final String token;
    private final boolean admin;
    private final Grid<NotificationChannel> channels = new Grid<>();
    private final Paragraph channelsEmpty = new Paragraph("No channel yet: alerts are not sent anywhere.");
    private final Grid<NotificationDelivery> deliveries = new Grid<>();
    private final Paragraph deliveriesEmpty = new Paragraph("Nothing sent yet.");
    private final Map<String, NotificationDelivery> tests = new HashMap<>();
    private Map<String, String> channelNames = Map.of();

    NotificationsTab(NotificationClient client, String token, boolean admin) {
        this.client = client;
        this.token = token;
        this.admin = admin;
        VerticalLayout layout = getContent();
        layout.setPadding(false);

        Paragraph help = new Paragraph(
                "Every channel receives every alert: a budget threshold crossed (once per period), "
                        + "a spend anomaly, and a connection that needs attention or stopped syncing. Webhooks are signed with "
                        + "HMAC-SHA256 (Finora-Signature header, see the README); deliveries are retried with backoff.");
        help.addClassName("help");
        layout.add(new H3("Notifications"), help);
        if (admin) {
            layout.add(new ChannelForm((name, target) -> client.create(token, name, target), added -> {
                Notification.show(
                                "Channel \"" + added.name() + "\" added. Press Test to send it a test alert.",
                                5000,
                                Notification.Position.BOTTOM_CENTER)
                        .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                reload();
            }));
        } else {
            Paragraph note = new Paragraph(
                    "You have read-only access: adding, testing and deleting channels needs the " + "Admin role.");
            note.setId("channels-read-only");
            note.addClassName("quiet");
            layout.add(note);
        }

        channels.setId("channels");
        channels.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        channels.setAllRowsVisible(true);
        channels.addClassName("small");
        channels.addColumn(NotificationChannel::name)
                .setKey("name")
                .setHeader("Name")
                .setFlexGrow(1);
        channels.addColumn(c -> c.kind().label())
                .setKey("kind")
                .setHeader("Kind")
                .setWidth("6rem")
                .setFlexGrow(0);
        channels.addColumn(NotificationChannel::targetHint)
                .setKey("target")
                .setHeader("Target")
                .setFlexGrow(2);
        channels.addColumn(NotificationsTab::format)
                .setKey("format")
                .setHeader("Format")
                .setWidth("11rem")
                .setFlexGrow(0);
        if (admin) {
            channels.addComponentColumn(this::testCell)
                    .setKey("test")
                    .setHeader("Test")
                    .setFlexGrow(2);
            channels.addComponentColumn(this::deleteButton)
                    .setKey("actions")
                    .setHeader("")
                    .setWidth("5rem")
                    .setFlexGrow(0);
        }
        channelsEmpty.setId("channels-empty");
        channelsEmpty.addClassName("quiet-line");

        deliveries.setId("deliveries");
        deliveries.addThemeVariants(
                GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        deliveries.addClassName("small");
        deliveries
                .addColumn(d -> d.createdAt() == null ? "" : ConnectionsGrid.time(d.createdAt()))
                .setKey("when")
                .setHeader("Queued")
                .setWidth("9rem")
                .setFlexGrow(0);
        deliveries
                .addColumn(d -> channelNames.getOrDefault(d.channelId(), d.channelId()))
                .setKey("channel")
                .setHeader("Channel")
                .setWidth("9rem")
                .setFlexGrow(0);
        deliveries
                .addColumn(d -> d.event().label())
                .setKey("event")
                .setHeader("Event")
                .setWidth("9rem")
                .setFlexGrow(0);
        deliveries
                .addColumn(NotificationDelivery::summary)
                .setKey("summary")
                .setHeader("Summary")
                .setFlexGrow(2);
        deliveries
                .addComponentColumn(d -> status(d))
                .setKey("status")
                .setHeader("Outcome")
                .setFlexGrow(1);
        deliveriesEmpty.setId("deliveries-empty");
        deliveriesEmpty.addClassName("quiet-line");

        layout.add(new H3("Channels"), channels, channelsEmpty, new H3("Delivery log"), deliveries, deliveriesEmpty);
        reload();
    }

    /** Loads channels and the delivery log again. */
    void reload() {
        List<NotificationChannel> list = client.channels(token);
        channelNames = list.stream().collect(Collectors.toMap(NotificationChannel::id, NotificationChannel::name));
        tests.keySet().retainAll(channelNames.keySet());
        channels.setItems(list);
        channels.setVisible(!list.isEmpty());
        channelsEmpty.setVisible(list.isEmpty());
        List<NotificationDelivery> log = client.deliveries(token, LOG_SIZE);
        deliveries.setItems(log);
        deliveries.setVisible(!log.isEmpty());
        deliveries.setAllRowsVisible(log.size() <= 10);
        if (log.size() > 10) {
            deliveries.setHeight("24rem");
        }
        deliveriesEmpty.setVisible(log.isEmpty());
    }

    private static String format(NotificationChannel c) {
        return switch (c.kind()) {
            case WEBHOOK -> c.webhookFormat().label() + (c.signed() ? ", signed" : ", unsigned");
            case EMAIL ->
                c.smtp() == null ? "Server's SMTP" : "SMTP " + c.smtp().host();
        };
    }

    /** The Test button and, once pressed, the outcome: "delivered (HTTP 204)" or "failed: …". */
    private Component testCell(NotificationChannel c) {
        Button test = new Button("Test", e -> test(c));
        test.addClassName("test-channel");
        test.addThemeVariants(ButtonVariant.LUMO_SMALL);
        test.setDisableOnClick(true);
        test.setAriaLabel("Send a test alert to " + c.name());
        HorizontalLayout cell = new HorizontalLayout(test);
        cell.setSpacing(true);
        cell.setAlignItems(FlexComponent.Alignment.CENTER);
        NotificationDelivery result = tests.get(c.id());
        if (result != null) {
            Div outcome = status(result);
            outcome.addClassName("test-result");
            cell.add(outcome);
        }
        return cell;
    }

    private void test(NotificationChannel c) {
        try {
            tests.put(c.id(), client.test(token, c.id()));
        } catch (NotAuthenticatedException | ServerUnreachableException e) {
            throw e; // the session's error handler signs out or says the server is down
        } catch (FinoraCallException e) {
            Notification.show("Test not sent: " + e.getMessage(), 6000, Notification.Position.BOTTOM_CENTER)
                    .addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        reload();
    }

    private Component deleteButton(NotificationChannel c) {
        Button delete = new Button(
                VaadinIcon.TRASH.create(),
                e -> new ConfirmRemoveDialog(
                                "Delete " + c.name() + "?",
                                "Alerts stop going to " + c.targetHint()
                                        + ". The channel's delivery log is deleted with it.",
                                "Delete",
                                () -> {
                                    client.delete(token, c.id());
                                    Notification.show(
                                                    "Channel \"" + c.name() + "\" deleted.",
                                                    4000,
                                                    Notification.Position.BOTTOM_CENTER)
                                            .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                                    reload();
                                })
                        .open());
        delete.addClassName("delete-channel");
        delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        delete.setAriaLabel("Delete " + c.name());
        delete.setTooltipText("Delete");
        return delete;
    }

    /** A delivery's outcome: a badge, then the HTTP status, attempts and why it failed. */
    static Div status(NotificationDelivery d) {
        Span badge = Badge.of(
                d.status().label(),
                switch (d.status()) {
                    case DELIVERED -> Badge.Tone.SUCCESS;
                    case FAILED -> Badge.Tone.ERROR;
                    case PENDING -> Badge.Tone.WARNING;
                },
                "delivery-status");
        StringBuilder detail = new StringBuilder();
        if (d.lastHttpStatus() > 0) {
            detail.append("HTTP ").append(d.lastHttpStatus());
        }
        if (d.attempts() > 1) {
            detail.append(detail.isEmpty() ? "" : ", ").append(d.attempts()).append(" attempts");
        }
        if (!d.lastError().isBlank()) {
            detail.append(detail.isEmpty() ? "" : ": ").append(d.lastError());
        }
        Div box = new Div(badge);
        if (!detail.isEmpty()) {
            Span text = new Span(" " + detail);
            text.addClassName("delivery-detail");
            if (d.status() == NotificationDelivery.Status.FAILED) {
                text.addClassName("error-text");
            }
            box.add(text);
        }
        return box;
    }

    Grid<NotificationChannel> channels() {
        return channels;
    }

    Grid<NotificationDelivery> deliveries() {
        return deliveries;
    }
}
