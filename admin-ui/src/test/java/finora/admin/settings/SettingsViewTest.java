package finora.admin.settings;

import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormatted;
import static com.github.mvysny.kaributesting.v10.GridKt._getItemDetailsComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static com.github.mvysny.kaributesting.v10.NotificationsKt.expectNotifications;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.PollEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.server.VaadinSession;
import finora.admin.MockVaadinExtension;
import finora.admin.base.FriendlyErrorHandler;
import finora.admin.base.PollRequests;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.FakeIntegrationService;
import finora.admin.security.CurrentSession;
import finora.admin.security.Role;
import finora.api.v1.ConnectionStatus;
import finora.api.v1.DataLevel;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.security.core.context.SecurityContextHolder;

class SettingsViewTest {

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = server.channel();
    private final IntegrationClient client =
            new IntegrationClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(5));
    private final QueuedExecutor checks = new QueuedExecutor();

    private SettingsView open(Role role) {
        ui.signIn(role, "ada@example.com");
        SettingsView view = new SettingsView(
                client,
                new KeyChecks(client, checks),
                new NotificationClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                new CurrentSession());
        UI.getCurrent().add(view);
        return view;
    }

    private static PasswordField keyField() {
        return _get(PasswordField.class, spec -> spec.withId("admin-api-key"));
    }

    private static Button save() {
        return _get(Button.class, spec -> spec.withId("save-key"));
    }

    /** Types a key, clicks Save, lets the server answer and the UI apply the answer. */
    private void connect(String key) {
        _setValue(keyField(), key);
        _click(save());
        answerOffTheRequestThread();
    }

    /**
     * Runs the queued key checks and applies their answers the way a background thread does: without
     * Spring Security's context, which only request threads have.
     */
    private void answerOffTheRequestThread() {
        var context = SecurityContextHolder.getContext();
        SecurityContextHolder.clearContext();
        try {
            checks.runAll();
            MockVaadin.clientRoundtrip(false);
        } finally {
            SecurityContextHolder.setContext(context);
        }
    }

    @SuppressWarnings("unchecked")
    private static Grid<ProviderConnection> grid() {
        return _get(Grid.class, spec -> spec.withId("connections"));
    }

    @Test
    void settings_opensOnTheApiKeysTab() {
        open(Role.ADMIN);

        assertThat(_get(TabSheet.class).getSelectedTab().getLabel()).isEqualTo("API Keys");
        assertThat(_find(H3.class)).extracting(H3::getText).contains("API Keys", "Connected providers");
    }

    @Test
    void providerDropdown_offersTheServersProviders_andTheKeyFieldShowsThePrefix() {
        open(Role.ADMIN);

        @SuppressWarnings("unchecked")
        Select<ProviderOption> provider = _get(Select.class, spec -> spec.withId("provider"));
        assertThat(provider.getValue().displayName()).isEqualTo("Anthropic");
        assertThat(keyField().getLabel()).isEqualTo("Admin API Key");
        assertThat(keyField().getHelperText()).isEqualTo("Starts with sk-ant-admin01-");
        assertThat(_find(Paragraph.class)).extracting(Paragraph::getText).contains(FakeIntegrationService.KEY_HELP);
    }

    @Test
    void openAi_inTheDropdown_withItsOwnKeyHint_connectsAsOpenAi_andTheGridSaysSo() {
        open(Role.ADMIN);

        @SuppressWarnings("unchecked")
        Select<ProviderOption> provider = _get(Select.class, spec -> spec.withId("provider"));
        assertThat(provider.getListDataView()
                        .getItems()
                        .map(ProviderOption::displayName)
                        .toList())
                .containsExactly("Anthropic", "OpenAI");
        _setValue(
                provider,
                provider.getListDataView()
                        .getItems()
                        .filter(p -> p.displayName().equals("OpenAI"))
                        .findFirst()
                        .orElseThrow());
        assertThat(keyField().getHelperText()).isEqualTo("Starts with sk-admin-");
        assertThat(_find(Paragraph.class))
                .extracting(Paragraph::getText)
                .contains(FakeIntegrationService.OPENAI_KEY_HELP);

        connect(FakeIntegrationService.GOOD_KEY);

        assertThat(server.integration().connections().get(0).getProvider())
                .isEqualTo(finora.api.v1.Provider.PROVIDER_OPENAI);
        assertThat(_getFormatted(grid(), 0, "provider")).isEqualTo("OpenAI");
    }

    @Test
    void keyForm_saysWhatAConnectionCovers_andThatTheKeyOnlyReadsBillingData_nextToTheField() {
        open(Role.ADMIN);

        Paragraph coverage = _get(Paragraph.class, spec -> spec.withId("key-coverage"));
        assertThat(coverage.isVisible()).isTrue();
        assertThat(coverage.getText())
                .isEqualTo(FakeIntegrationService.COVERAGE)
                .contains(
                        "API platform",
                        "not Claude.ai plans",
                        "Priority Tier",
                        "only used to read",
                        "never uses it to call Claude");
    }

    @Test
    void save_isDisabledWhileTheKeyIsEmpty() {
        open(Role.ADMIN);
        assertThat(save().isEnabled()).isFalse();

        _setValue(keyField(), "sk-ant-admin01-x");
        assertThat(save().isEnabled()).isTrue();

        _setValue(keyField(), "   ");
        assertThat(save().isEnabled()).isFalse();
    }

    @Test
    void save_whileTheServerChecks_isDisabledAndSaysChecking() {
        open(Role.ADMIN);
        _setValue(keyField(), FakeIntegrationService.GOOD_KEY);

        _click(save());

        assertThat(save().isEnabled()).isFalse();
        assertThat(save().getText()).isEqualTo("Checking…");
        assertThat(keyField().isReadOnly()).isTrue();
        answerOffTheRequestThread();
        assertThat(save().getText()).isEqualTo("Save");
        assertThat(keyField().isReadOnly()).isFalse();
    }

    @Test
    void regularApiKey_isRefused_withTheServersWordsUnderTheField() {
        open(Role.ADMIN);

        connect(FakeIntegrationService.REGULAR_KEY);

        assertThat(keyField().isInvalid()).isTrue();
        assertThat(keyField().getErrorMessage()).isEqualTo(FakeIntegrationService.REGULAR_KEY_MESSAGE);
        assertThat(_size(grid())).isZero();
    }

    @Test
    void rejectedKey_isClearedFromTheField_soTheSecretDoesNotLingerInTheBrowser() {
        open(Role.ADMIN);

        connect(FakeIntegrationService.PREFIX + "revoked-somewhere-else-zzzz");

        assertThat(keyField().getValue()).isEmpty();
        assertThat(keyField().isInvalid()).isTrue();
        assertThat(keyField().getErrorMessage()).isEqualTo(FakeIntegrationService.REJECTED_MESSAGE);
        assertThat(save().isEnabled()).isFalse();
        assertThat(UI.getCurrent().getElement().getOuterHTML()).doesNotContain("revoked-somewhere-else-zzzz");
    }

    @Test
    void keyRefusedBecauseTheServerIsDown_isClearedToo() {
        open(Role.ADMIN);
        server.failNextCall(
                io.grpc.Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());

        connect(FakeIntegrationService.GOOD_KEY);

        assertThat(keyField().getValue()).isEmpty();
        assertThat(keyField().isInvalid()).isTrue();
    }

    @Test
    void editingTheKeyAgain_clearsTheError() {
        open(Role.ADMIN);
        connect(FakeIntegrationService.REGULAR_KEY);

        _setValue(keyField(), FakeIntegrationService.GOOD_KEY);

        assertThat(keyField().isInvalid()).isFalse();
    }

    @Test
    void goodKey_connects_saysWhenTheDataArrives_andTheRowAppears() {
        open(Role.ADMIN);

        connect(FakeIntegrationService.GOOD_KEY);

        Paragraph result = _get(Paragraph.class, spec -> spec.withId("connect-result"));
        assertThat(result.isVisible()).isTrue();
        assertThat(result.getText()).contains("Connected Acme Robotics", "sk-ant-admin01-…orgA", "next refresh");
        assertThat(keyField().getValue()).isEmpty();
        assertThat(keyField().isInvalid()).isFalse();
        assertThat(_size(grid())).isEqualTo(1);
        assertThat(_getFormatted(grid(), 0, "organization")).isEqualTo("Acme Robotics");
        assertThat(_getFormatted(grid(), 0, "key")).isEqualTo("sk-ant-admin01-…orgA");
        assertThat(textOf(_getCellComponent(grid(), 0, "refresh")))
                .isEqualTo("Last: Not yetNext: Nov 18, 11:06 UTCSync history");
    }

    @Test
    void syncTimes_showInTheBrowsersTimeZone_withUtcBeside() {
        open(Role.ADMIN);
        ui.browserTimeZone(java.time.ZoneId.of("America/New_York"));

        connect(FakeIntegrationService.GOOD_KEY);

        // 11:06 UTC is 06:06 in New York on the same day: the UTC time stands beside it.
        assertThat(textOf(_getCellComponent(grid(), 0, "refresh")))
                .isEqualTo("Last: Not yetNext: Nov 18, 06:06 (11:06 UTC)Sync history");
    }

    @Test
    void alreadyConnectedOrganization_isShownUnderTheField() {
        open(Role.ADMIN);
        connect(FakeIntegrationService.GOOD_KEY);

        connect(FakeIntegrationService.SECOND_GOOD_KEY);

        assertThat(keyField().getErrorMessage()).contains("is already connected", "choose Update");
    }

    @Test
    void serverDownWhileChecking_isSaidUnderTheField_notAStackTrace() {
        open(Role.ADMIN);
        server.failNextCall(
                io.grpc.Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());

        connect(FakeIntegrationService.GOOD_KEY);

        assertThat(keyField().getErrorMessage()).startsWith("The Finora server is not reachable at");
    }

    @Test
    void connectionThatNeedsAttention_showsTheFix() {
        server.integration()
                .addConnection(
                        "c1-abcd",
                        "Initech",
                        ConnectionStatus.CONNECTION_STATUS_NEEDS_ATTENTION,
                        "Anthropic rejected the key: create a new Admin key, then choose Update.");
        open(Role.ADMIN);

        String status = textOf(_getCellComponent(grid(), 0, "status"));
        assertThat(status).contains("Needs attention", "create a new Admin key, then choose Update");
    }

    @Test
    void failedLastSync_showsWhatWentWrong() {
        server.integration().addConnectionWithFailedSync("c1-abcd", "Initech");
        open(Role.READER);

        assertThat(textOf(_getCellComponent(grid(), 0, "status")))
                .isEqualTo("ActiveSync failed" + "Data level not checked yet");
        assertThat(grid().isDetailsVisible(grid().getListDataView().getItem(0))).isTrue();
        assertThat(textOf(_getItemDetailsComponent(grid(), 0)))
                .startsWith("Last sync failed: " + FakeIntegrationService.FAILED_DETAIL + ". Sync history shows");
        assertThat(textOf(_getCellComponent(grid(), 0, "refresh"))).startsWith("Last: Nov 25, 09:01 UTC (failed)");
    }

    @Test
    void succeededLastSync_hasNoFailureUnderTheRow() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        open(Role.READER);

        assertThat(textOf(_getCellComponent(grid(), 0, "status"))).isEqualTo("ActiveData level not checked yet");
        assertThat(grid().isDetailsVisible(grid().getListDataView().getItem(0))).isFalse();
    }

    @Test
    void syncHistory_listsRecentRuns_withAnthropicsRequestIdToQuoteToSupport_evenForReaders() {
        server.integration().addConnectionWithFailedSync("c1-abcd", "Initech");
        open(Role.READER);

        _click(_get(_getCellComponent(grid(), 0, "refresh"), Button.class, spec -> spec.withText("Sync history")));

        Dialog dialog = _get(Dialog.class);
        assertThat(dialog.getHeaderTitle()).isEqualTo("Sync history of Initech");
        List<Component> runs =
                _find(dialog, com.vaadin.flow.component.html.Div.class, spec -> spec.withClasses("sync-run")).stream()
                        .map(Component.class::cast)
                        .toList();
        assertThat(runs).hasSize(2);
        assertThat(textOf(runs.get(0)))
                .contains(
                        "Nov 25, 09:00 UTC",
                        "2026-11-22 to 2026-11-24",
                        "Failed: PROVIDER_REFUSED",
                        FakeIntegrationService.FAILED_DETAIL,
                        "Anthropic request id: " + FakeIntegrationService.FAILED_REQUEST_ID + " — "
                                + SyncHistoryDialog.SUPPORT_HINT,
                        "Anthropic said: " + FakeIntegrationService.FAILED_PROVIDER_MESSAGE);
        assertThat(textOf(runs.get(1))).contains("Succeeded", "re-checked the last 35 days", "1,234 cost line items");
        assertThat(_get(
                                dialog,
                                com.vaadin.flow.component.html.Span.class,
                                spec -> spec.withClasses("provider-request-id"))
                        .getText())
                .isEqualTo(FakeIntegrationService.FAILED_REQUEST_ID);
        assertThat(server.integration().connections()).hasSize(1);

        _click(_get(Button.class, spec -> spec.withId("sync-history-close")));
        assertThat(dialog.isOpened()).isFalse();
    }

    @Test
    void runningBackfill_showsItsProgress_andMovesOnPoll() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        server.integration().setProgress("c1-abcd", 12, 90);
        SettingsView view = open(Role.ADMIN);
        assertThat(textOf(_getCellComponent(grid(), 0, "data"))).isEqualTo("12 of 90 days");
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo((int) SettingsView.RELOAD_INTERVAL.toMillis());

        server.integration().setProgress("c1-abcd", 45, 90);
        ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));

        assertThat(textOf(_getCellComponent(grid(), 0, "data"))).isEqualTo("45 of 90 days");
        UI.getCurrent().remove(view);
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo(-1);
    }

    @Test
    void dataLevel_byApiKeyAndUser_isABadgeWithItsCheckTime() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        server.integration()
                .setDataLevel(
                        "c1-abcd", DataLevel.DATA_LEVEL_API_KEY_AND_USER, "", Instant.parse("2026-11-25T09:01:00Z"));
        open(Role.READER);

        Component data = _getCellComponent(grid(), 0, "status");
        assertThat(_get(data, Span.class, spec -> spec.withClasses("data-level-badge"))
                        .getText())
                .isEqualTo("By API key and user");
        assertThat(_find(data, Div.class, spec -> spec.withClasses("data-level-detail")))
                .isEmpty();
        assertThat(_get(data, Div.class, spec -> spec.withClasses("data-level-checked"))
                        .getText())
                .isEqualTo("Checked Nov 25, 09:01 UTC");
    }

    @Test
    void dataLevel_byWorkspace_saysWhyInTheServersWords() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        String why = "Anthropic refused the Cost Analytics API for this key (HTTP 400): costs come from the legacy "
                + "cost report, by workspace only.";
        server.integration()
                .setDataLevel("c1-abcd", DataLevel.DATA_LEVEL_WORKSPACE, why, Instant.parse("2026-11-25T09:01:00Z"));
        open(Role.ADMIN);

        Component data = _getCellComponent(grid(), 0, "status");
        Span badge = _get(data, Span.class, spec -> spec.withClasses("data-level-badge"));
        assertThat(badge.getText()).isEqualTo("By workspace");
        assertThat(badge.getElement().getAttribute("data-tone")).isEqualTo("warning");
        assertThat(_get(data, Div.class, spec -> spec.withClasses("data-level-detail"))
                        .getText())
                .isEqualTo(why);
    }

    @Test
    void dataLevel_beforeTheFirstCheck_saysNotCheckedYet() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        open(Role.READER);

        Component data = _getCellComponent(grid(), 0, "status");
        assertThat(_get(data, Span.class, spec -> spec.withClasses("data-level-badge"))
                        .getText())
                .isEqualTo("Data level not checked yet");
        assertThat(_find(data, Div.class, spec -> spec.withClasses("data-level-checked")))
                .isEmpty();
    }

    @Test
    void update_refusedKey_staysInTheDialog_inTheServersWords() {
        server.integration()
                .addConnection(
                        "c1-abcd", FakeIntegrationService.ORG_NAME, ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        open(Role.ADMIN);
        _click(_get(_getCellComponent(grid(), 0, "actions"), Button.class, spec -> spec.withText("Update")));
        Dialog dialog = _get(Dialog.class);
        PasswordField newKey = _get(PasswordField.class, spec -> spec.withId("new-admin-api-key"));
        Button dialogSave = _get(Button.class, spec -> spec.withId("update-save"));
        assertThat(dialogSave.isEnabled()).isFalse();

        _setValue(newKey, FakeIntegrationService.OTHER_ORG_KEY);
        _click(dialogSave);
        answerOffTheRequestThread();

        assertThat(dialog.isOpened()).isTrue();
        assertThat(newKey.getErrorMessage()).contains("belongs to the Anthropic organization \"Globex Research\"");
        assertThat(newKey.getValue()).isEmpty();
        assertThat(newKey.isInvalid()).isTrue();
        assertThat(dialogSave.isEnabled()).isFalse();
        assertThat(_getFormatted(grid(), 0, "key")).isEqualTo("sk-ant-admin01-…abcd");
    }

    @Test
    void update_goodKey_closesTheDialog_andShowsTheNewKeyHint() {
        server.integration()
                .addConnection(
                        "c1-abcd",
                        FakeIntegrationService.ORG_NAME,
                        ConnectionStatus.CONNECTION_STATUS_NEEDS_ATTENTION,
                        "Anthropic rejected the key.");
        open(Role.ADMIN);
        _click(_get(_getCellComponent(grid(), 0, "actions"), Button.class, spec -> spec.withText("Update")));
        Dialog dialog = _get(Dialog.class);
        assertThat(_find(dialog, Paragraph.class))
                .extracting(Paragraph::getText)
                .anyMatch(text -> text.contains("keeps working until the new one is checked and saved"));

        _setValue(
                _get(PasswordField.class, spec -> spec.withId("new-admin-api-key")),
                FakeIntegrationService.SECOND_GOOD_KEY);
        _click(_get(Button.class, spec -> spec.withId("update-save")));
        answerOffTheRequestThread();

        assertThat(dialog.isOpened()).isFalse();
        assertThat(_getFormatted(grid(), 0, "key")).isEqualTo("sk-ant-admin01-…rotA");
        assertThat(textOf(_getCellComponent(grid(), 0, "status"))).isEqualTo("ActiveData level not checked yet");
        expectNotifications("The key of Acme Robotics was updated (sk-ant-admin01-…rotA).");
    }

    @Test
    void refreshNow_asksTheServer() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        open(Role.ADMIN);

        _click(_get(_getCellComponent(grid(), 0, "actions"), Button.class, spec -> spec.withText("Refresh now")));

        assertThat(server.integration().refreshed()).containsExactly("c1-abcd");
        expectNotifications("Refreshing Initech now; the list shows its progress.");
    }

    @Test
    void refreshNow_whileASyncRuns_saysSoPolitely() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        server.integration().setSyncRunning(true);
        open(Role.ADMIN);

        _click(_get(_getCellComponent(grid(), 0, "actions"), Button.class, spec -> spec.withText("Refresh now")));

        expectNotifications("Not started: " + FakeIntegrationService.IN_PROGRESS_MESSAGE);
    }

    @Test
    void trash_asksFirst_cancelKeeps_confirmRemovesAndKeepsHistory() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        open(Role.ADMIN);
        Component actions = _getCellComponent(grid(), 0, "actions");

        _click(_get(actions, Button.class, spec -> spec.withClasses("remove-connection")));
        Paragraph text = _get(Paragraph.class, spec -> spec.withId("remove-text"));
        assertThat(text.getText()).contains("deletes the stored credential", "spend history stays");
        _click(_get(Button.class, spec -> spec.withId("remove-cancel")));
        assertThat(server.integration().deleted()).isEmpty();

        _click(_get(actions, Button.class, spec -> spec.withClasses("remove-connection")));
        _click(_get(Button.class, spec -> spec.withId("remove-confirm")));

        assertThat(server.integration().deleted()).containsExactly("c1-abcd");
        assertThat(_size(grid())).isZero();
        expectNotifications("Initech was removed; its spend history stays.");
    }

    @Test
    void settingsInsideTheLayout_pollsEvery5s_evenThoughTheHealthIndicatorAsksFor30() {
        SettingsView view = open(Role.ADMIN);
        PollRequests.request(UI.getCurrent(), Duration.ofSeconds(30)); // the drawer's indicator, attached later

        assertThat(UI.getCurrent().getPollInterval()).isEqualTo(5_000);
        UI.getCurrent().remove(view);
        assertThat(UI.getCurrent().getPollInterval()).isEqualTo(30_000);
    }

    @Test
    void reader_seesTheConnections_butNoKeyFormAndNoActions_andIsToldWhy() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");

        open(Role.READER);

        assertThat(_find(PasswordField.class)).isEmpty();
        assertThat(_find(Button.class)).extracting(Button::getText).doesNotContain("Save", "Update", "Refresh now");
        assertThat(grid().getColumnByKey("actions")).isNull();
        assertThat(_get(Paragraph.class, spec -> spec.withId("read-only-note")).getText())
                .contains("read-only access", "Admin role");
        assertThat(_size(grid())).isEqualTo(1);
    }

    @Test
    void sessionEndedWhileTheKeyWasChecked_goesThroughTheErrorHandlerToSignIn() {
        List<UI> sentToLogin = new ArrayList<>();
        VaadinSession.getCurrent().setErrorHandler(new FriendlyErrorHandler(sentToLogin::add));
        open(Role.ADMIN);
        _setValue(keyField(), FakeIntegrationService.GOOD_KEY);
        _click(save());
        server.revokeSession();

        checks.runAll();
        MockVaadin.runUIQueue(true);

        assertThat(sentToLogin).containsExactly(UI.getCurrent());
    }

    @Test
    void serverGoingDownWhileOpen_keepsTheListAndSaysSo_insteadOfANotificationPerPoll() {
        server.integration().addConnection("c1-abcd", "Initech", ConnectionStatus.CONNECTION_STATUS_ACTIVE, "");
        open(Role.ADMIN);
        server.failNextCall(
                io.grpc.Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException());

        ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));

        assertThat(_size(grid())).isEqualTo(1);
        assertThat(_get(Paragraph.class, spec -> spec.withId("connections-status"))
                        .getText())
                .startsWith("Could not reload the list: The Finora server is not reachable at");
    }

    @Test
    void keyNeverEndsUpInThePage() {
        open(Role.ADMIN);

        connect(FakeIntegrationService.GOOD_KEY);

        assertThat(UI.getCurrent().getElement().getOuterHTML()).doesNotContain(FakeIntegrationService.GOOD_KEY);
    }

    private static String textOf(Component component) {
        return component.getElement().getTextRecursively();
    }

    /** Holds key checks until the test lets them run, so the busy state can be seen. */
    private static final class QueuedExecutor implements Executor {
        private final List<Runnable> queued = new ArrayList<>();

        @Override
        public void execute(Runnable command) {
            queued.add(command);
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(queued);
            queued.clear();
            now.forEach(Runnable::run);
        }
    }
}
