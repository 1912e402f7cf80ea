package finora.admin.settings;

import static com.github.mvysny.kaributesting.v10.GridKt._getCellComponent;
import static com.github.mvysny.kaributesting.v10.GridKt._getFormatted;
import static com.github.mvysny.kaributesting.v10.GridKt._size;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import finora.admin.MockVaadinExtension;
import finora.admin.grpc.FakeFinoraServer;
import finora.admin.grpc.FakeNotificationService;
import io.grpc.ManagedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NotificationsTabTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

    @RegisterExtension
    final FakeFinoraServer server = new FakeFinoraServer();

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private final ManagedChannel channel = server.channel();
    private final NotificationClient client =
            new NotificationClient(channel, Duration.ofSeconds(5), Duration.ofSeconds(5));

    private NotificationsTab open(boolean admin) {
        NotificationsTab tab = new NotificationsTab(client, FakeFinoraServer.TOKEN, admin);
        UI.getCurrent().add(tab);
        return tab;
    }

    private static TextField field(String id) {
        return _get(TextField.class, spec -> spec.withId(id));
    }

    private static PasswordField secret() {
        return _get(PasswordField.class, spec -> spec.withId("webhook-secret"));
    }

    private static void addWebhook(String name, String url) {
        _setValue(field("channel-name"), name);
        _setValue(field("webhook-url"), url);
        _setValue(secret(), SECRET);
        _click(_get(Button.class, spec -> spec.withId("channel-add")));
    }

    @Test
    void admin_addsASignedWebhook_theListShowsItWithoutTheSecret() {
        NotificationsTab tab = open(true);

        addWebhook("ops", "https://hooks.example.com/finora/T0123");

        assertThat(server.notifications().created()).singleElement().satisfies(r -> {
            assertThat(r.getWebhook().getUrl()).isEqualTo("https://hooks.example.com/finora/T0123");
            assertThat(r.getWebhook().getSigningSecret()).isEqualTo(SECRET);
            assertThat(r.getWebhook().getFormat()).isEqualTo(finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_JSON);
        });
        Grid<NotificationChannel> grid = tab.channels();
        assertThat(_size(grid)).isEqualTo(1);
        assertThat(_getFormatted(grid, 0, "name")).isEqualTo("ops");
        assertThat(_getFormatted(grid, 0, "kind")).isEqualTo("Webhook");
        assertThat(_getFormatted(grid, 0, "target")).isEqualTo("https://hooks.example.com/…");
        assertThat(_getFormatted(grid, 0, "format")).isEqualTo("JSON, signed");
        // Write-only: the secret leaves the page once the server has it.
        assertThat(secret().getValue()).isEmpty();
        assertThat(UI.getCurrent().getElement().getOuterHTML()).doesNotContain(SECRET);
    }

    @Test
    void loopbackTarget_isRefused_inTheServersWords_nextToTheUrl() {
        NotificationsTab tab = open(true);

        addWebhook("local", "http://127.0.0.1:8999/hook");

        TextField url = field("webhook-url");
        assertThat(url.isInvalid()).isTrue();
        assertThat(url.getErrorMessage()).isEqualTo(FakeNotificationService.LOOPBACK_MESSAGE);
        assertThat(_size(tab.channels())).isZero();
        assertThat(secret().getValue()).isEmpty();
    }

    @Test
    void jsonWebhookWithoutSecret_isRefusedNextToTheSecret() {
        open(true);
        _setValue(field("channel-name"), "ops");
        _setValue(field("webhook-url"), "https://hooks.example.com/x");

        _click(_get(Button.class, spec -> spec.withId("channel-add")));

        assertThat(secret().isInvalid()).isTrue();
        assertThat(secret().getErrorMessage()).isEqualTo(FakeNotificationService.SECRET_MESSAGE);
    }

    @Test
    @SuppressWarnings("unchecked")
    void emailWithoutSmtp_onAServerWithoutOne_saysSmtpNotConfigured_nextToTheSmtpChoice() {
        open(true);
        _setValue(_get(RadioButtonGroup.class, spec -> spec.withId("channel-kind")), NotificationChannel.Kind.EMAIL);
        _setValue(field("channel-name"), "finance");
        _setValue(field("email-recipients"), "cfo@example.com, ops@example.com");

        _click(_get(Button.class, spec -> spec.withId("channel-add")));

        Checkbox ownSmtp = _get(Checkbox.class, spec -> spec.withId("smtp-own"));
        assertThat(ownSmtp.isInvalid()).isTrue();
        assertThat(ownSmtp.getErrorMessage()).isEqualTo(FakeNotificationService.SMTP_MESSAGE);
        assertThat(server.notifications().created())
                .last()
                .satisfies(r -> assertThat(r.getEmail().getRecipientsList())
                        .containsExactly("cfo@example.com", "ops@example.com"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void emailWithItsOwnSmtpServer_sendsThePasswordOnce_andShowsOnlyTheHost() {
        NotificationsTab tab = open(true);
        _setValue(_get(RadioButtonGroup.class, spec -> spec.withId("channel-kind")), NotificationChannel.Kind.EMAIL);
        _setValue(field("channel-name"), "finance");
        _setValue(field("email-recipients"), "cfo@example.com");
        _setValue(_get(Checkbox.class, spec -> spec.withId("smtp-own")), true);
        _setValue(field("smtp-host"), "smtp.example.com");
        _setValue(field("smtp-user"), "finora");
        _setValue(_get(PasswordField.class, spec -> spec.withId("smtp-password")), "smtp-pass-word");

        _click(_get(Button.class, spec -> spec.withId("channel-add")));

        assertThat(server.notifications().created()).last().satisfies(r -> {
            assertThat(r.getEmail().getSmtp().getHost()).isEqualTo("smtp.example.com");
            assertThat(r.getEmail().getSmtp().getPassword()).isEqualTo("smtp-pass-word");
            assertThat(r.getEmail().getSmtp().getSecurity())
                    .isEqualTo(finora.api.v1.SmtpSecurity.SMTP_SECURITY_STARTTLS);
        });
        assertThat(_getFormatted(tab.channels(), 0, "target")).isEqualTo("cfo@example.com");
        assertThat(_getFormatted(tab.channels(), 0, "format")).isEqualTo("SMTP smtp.example.com");
        assertThat(_get(PasswordField.class, spec -> spec.withId("smtp-password"))
                        .getValue())
                .isEmpty();
    }

    @Test
    void test_showsTheOutcomeOnTheRow_andInTheDeliveryLog() {
        NotificationsTab tab = open(true);
        addWebhook("ops", "https://hooks.example.com/ok");
        addWebhook("broken", "https://hooks.example.com/fail");

        _click((Button) _getCellComponent(tab.channels(), 0, "test")
                .getChildren()
                .findFirst()
                .orElseThrow());
        _click((Button) _getCellComponent(tab.channels(), 1, "test")
                .getChildren()
                .findFirst()
                .orElseThrow());

        assertThat(_getCellComponent(tab.channels(), 0, "test").getElement().getTextRecursively())
                .isEqualTo("Testdelivered HTTP 204");
        assertThat(_getCellComponent(tab.channels(), 1, "test").getElement().getTextRecursively())
                .isEqualTo("Testfailed HTTP 500: " + FakeNotificationService.FAILED_ERROR);
        Grid<NotificationDelivery> log = tab.deliveries();
        assertThat(_size(log)).isEqualTo(2);
        assertThat(_getFormatted(log, 0, "channel")).isEqualTo("broken");
        assertThat(_getFormatted(log, 0, "event")).isEqualTo("Test");
        assertThat(_getFormatted(log, 1, "summary")).isEqualTo("Test alert from Finora Spend to \"ops\"");
    }

    @Test
    void delete_asksFirst_thenRemovesTheChannel() {
        NotificationsTab tab = open(true);
        addWebhook("ops", "https://hooks.example.com/ok");

        _click((Button) _getCellComponent(tab.channels(), 0, "actions"));
        assertThat(_get(Paragraph.class, spec -> spec.withId("remove-text")).getText())
                .contains("https://hooks.example.com/…");
        _click(_get(Button.class, spec -> spec.withId("remove-confirm")));

        assertThat(server.notifications().channels()).isEmpty();
        assertThat(_get(Paragraph.class, spec -> spec.withId("channels-empty")).isVisible())
                .isTrue();
    }

    @Test
    void reader_seesChannelsAndTheLog_butNoFormOrButtons() {
        open(true);
        addWebhook("ops", "https://hooks.example.com/ok");
        UI.getCurrent().removeAll();

        NotificationsTab tab = open(false);

        assertThat(_size(tab.channels())).isEqualTo(1);
        assertThat(tab.channels().getColumnByKey("test")).isNull();
        assertThat(_find(Button.class, spec -> spec.withId("channel-add"))).isEmpty();
        assertThat(_get(Paragraph.class, spec -> spec.withId("channels-read-only"))
                        .getText())
                .contains("Admin role");
    }

    @Test
    @SuppressWarnings("unchecked")
    void slackFormat_needsNoSecret() {
        open(true);
        _setValue(field("channel-name"), "slack");
        _setValue(field("webhook-url"), "https://hooks.slack.example/services/T/B/X");
        _setValue(_get(Select.class, spec -> spec.withId("webhook-format")), WebhookFormat.SLACK);

        _click(_get(Button.class, spec -> spec.withId("channel-add")));

        assertThat(server.notifications().channels())
                .singleElement()
                .satisfies(c -> assertThat(c.getHasSigningSecret()).isFalse());
    }
}
