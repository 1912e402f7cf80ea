package finora.admin.settings;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import finora.admin.base.ConfirmRemoveDialog;
import finora.admin.base.MainLayout;
import finora.admin.base.PollRequests;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.ServerUnreachableException;
import finora.admin.security.CurrentSession;
import finora.admin.security.FinoraUser;
import finora.admin.security.Role;
import jakarta.annotation.security.PermitAll;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the tenant. The API Keys tab connects providers with an Admin API key (saying what a
 * connection covers and what the key is used for) and lists the connections; admins can update,
 * refresh and remove them, everyone can read their sync history. The list reloads while the page is
 * open, so a running backfill's progress moves. The Notifications tab holds where alerts go.
 */
@Route(value = "settings", layout = MainLayout.class)
@PageTitle("Settings")
@PermitAll
public class SettingsView extends VerticalLayout {

    static final Duration RELOAD_INTERVAL = Duration.ofSeconds(5);
    static final String SYNC_IN_PROGRESS = "SYNC_IN_PROGRESS";
    /** How many recent syncs the history shows. */
    static final int HISTORY_RUNS = 10;

    private final IntegrationClient client;
    private final CurrentSession session;
    // Taken on the request that opens the view: a key check's answer is applied from its own thread,
    // where Spring Security's context is empty, and must still be able to reload the list.
    private final String token;
    private final KeyChecks keyChecks;
    private final boolean admin;
    private final List<ProviderOption> providers;
    private final ConnectionsGrid connections;
    private final Paragraph listStatus = new Paragraph();

    public SettingsView(
            IntegrationClient client, KeyChecks keyChecks, NotificationClient notifications, CurrentSession session) {
        this.client = client;
        this.session = session;
        this.keyChecks = keyChecks;
        this.token = session.token();
        this.admin = session.user().map(FinoraUser::role).orElse(Role.READER) == Role.ADMIN;
        this.providers = client.providers(token);
        this.connections = new ConnectionsGrid(
                admin ? new ConnectionsGrid.Actions(this::openUpdate, this::refreshNow, this::confirmRemove) : null,
                this::openHistory);

        TabSheet tabs = new TabSheet();
        tabs.setWidthFull();
        tabs.add("API Keys", apiKeysTab());
        tabs.add("Notifications", new NotificationsTab(notifications, token, admin));
        add(new H2("Settings"), tabs);
        reload();
        PollRequests.whileAttached(this, RELOAD_INTERVAL, this::reloadQuietly);
    }

    private VerticalLayout apiKeysTab() {
        VerticalLayout tab = new VerticalLayout();
        tab.setPadding(false);
        tab.add(new H3("API Keys"));
        if (admin) {
            tab.add(new ApiKeyForm(
                    providers, (provider, key) -> keyChecks.connect(token, provider, key), connection -> reload()));
        } else {
            Paragraph note =
                    new Paragraph("You have read-only access: connecting, updating and removing keys needs the "
                            + "Admin role. Ask an admin of "
                            + session.user().map(FinoraUser::tenantName).orElse("your organization")
                            + " to change keys.");
            note.setId("read-only-note");
            note.addClassName("quiet");
            tab.add(note);
        }
        H3 connected = new H3("Connected providers");
        listStatus.setId("connections-status");
        listStatus.addClassName("quiet-small-line");
        tab.add(connected, connections, listStatus);
        return tab;
    }

    /** Loads the connections again. */
    void reload() {
        List<ProviderConnection> list = client.connections(token);
        connections.show(list);
        listStatus.setText(list.isEmpty() ? "No provider connected yet." : "");
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (ServerUnreachableException e) {
            // The drawer's health indicator already says so; keep the last list instead of a notification per poll.
            listStatus.setText("Could not reload the list: " + e.getMessage());
        }
    }

    private void openUpdate(ProviderConnection connection) {
        String prefix = providers.stream()
                .filter(p -> p.provider() == connection.provider())
                .map(ProviderOption::keyPrefix)
                .findFirst()
                .orElse("");
        new UpdateKeyDialog(connection, prefix, (id, key) -> keyChecks.update(token, id, key), updated -> {
                    Notification.show(
                                    "The key of " + updated.organizationName() + " was updated (" + updated.keyHint()
                                            + ").",
                                    5000,
                                    Notification.Position.BOTTOM_CENTER)
                            .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                    reload();
                })
                .open();
    }

    private void openHistory(ProviderConnection connection) {
        new SyncHistoryDialog(connection, client.syncRuns(token, connection.id(), HISTORY_RUNS)).open();
    }

    private void refreshNow(ProviderConnection connection) {
        try {
            client.refresh(token, connection.id());
            Notification.show(
                            "Refreshing " + connection.organizationName() + " now; the list shows its progress.",
                            5000,
                            Notification.Position.BOTTOM_CENTER)
                    .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
        } catch (FinoraCallException e) {
            if (!SYNC_IN_PROGRESS.equals(e.reason())) {
                throw e; // the session's error handler shows it in the server's words
            }
            Notification.show("Not started: " + e.getMessage(), 6000, Notification.Position.BOTTOM_CENTER)
                    .addThemeVariants(NotificationVariant.LUMO_CONTRAST);
        }
        reload();
    }

    private void confirmRemove(ProviderConnection connection) {
        new ConfirmRemoveDialog(
                        "Remove " + connection.organizationName() + "?",
                        "Finora deletes the stored credential ("
                                + connection.keyHint()
                                + ") and stops refreshing this organization's spend. Its spend history stays in your "
                                + "charts and exports.",
                        "Remove",
                        () -> {
                            client.delete(token, connection.id());
                            Notification.show(
                                            connection.organizationName() + " was removed; its spend history stays.",
                                            5000,
                                            Notification.Position.BOTTOM_CENTER)
                                    .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                            reload();
                        })
                .open();
    }

    ConnectionsGrid connections() {
        return connections;
    }
}
