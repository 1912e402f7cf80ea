package finora.admin.settings;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import finora.admin.base.FieldErrors;
import finora.admin.grpc.FinoraCallException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Adds a notification channel: a name and either a webhook (URL, JSON or Slack body, signing secret)
 * or e-mail (recipients, and optionally the channel's own SMTP server). Secrets are write-only: they
 * leave the page once the server has answered. The server checks the target (no internal addresses,
 * an SMTP server to send with); its refusal shows next to the field it names, in its words.
 */
class ChannelForm extends Composite<VerticalLayout> {

    private final TextField name = new TextField("Name");
    private final RadioButtonGroup<NotificationChannel.Kind> kind = new RadioButtonGroup<>("Kind");
    private final TextField url = new TextField("Webhook URL");
    private final Select<WebhookFormat> format = new Select<>();
    private final PasswordField secret = new PasswordField("Signing secret");
    private final Button generate = new Button("Generate");
    private final TextField recipients = new TextField("Recipients");
    private final Checkbox ownSmtp = new Checkbox("Send with its own SMTP server");
    private final TextField smtpHost = new TextField("SMTP host");
    private final IntegerField smtpPort = new IntegerField("Port");
    private final TextField smtpUser = new TextField("User name");
    private final PasswordField smtpPassword = new PasswordField("Password");
    private final Select<SmtpSettings.Security> smtpSecurity = new Select<>();
    private final Button add = new Button("Add channel");
    private final Paragraph error = new Paragraph();
    private final FieldErrors errors = new FieldErrors(error);
    private final BiFunction<String, ChannelTarget, NotificationChannel> create;
    private final Consumer<NotificationChannel> onAdded;

    /**
     * @param create sends the channel to the server; throws {@link FinoraCallException} when it refuses
     * @param onAdded runs after the server stored it
     */
    ChannelForm(BiFunction<String, ChannelTarget, NotificationChannel> create, Consumer<NotificationChannel> onAdded) {
        this.create = create;
        this.onAdded = onAdded;
        name.setId("channel-name");
        name.setPlaceholder("e.g. ops webhook");
        kind.setId("channel-kind");
        kind.setItems(NotificationChannel.Kind.values());
        kind.setItemLabelGenerator(NotificationChannel.Kind::label);
        kind.setValue(NotificationChannel.Kind.WEBHOOK);
        url.setId("webhook-url");
        url.setPlaceholder("https://hooks.example.com/finora");
        url.setHelperText("http or https; internal addresses are refused");
        format.setId("webhook-format");
        format.setLabel("Format");
        format.setItems(WebhookFormat.values());
        format.setItemLabelGenerator(f -> f == WebhookFormat.JSON ? "JSON (Finora event, signed)" : "Slack-compatible");
        format.setValue(WebhookFormat.JSON);
        secret.setId("webhook-secret");
        secret.setHelperText("32–256 characters, required for JSON; stored encrypted and never shown again");
        secret.setAutocomplete(com.vaadin.flow.component.textfield.Autocomplete.NEW_PASSWORD);
        generate.setId("generate-secret");
        generate.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        generate.addClickListener(e -> {
            secret.setValue(randomSecret());
            secret.setRevealButtonVisible(true);
        });
        secret.setSuffixComponent(generate);
        recipients.setId("email-recipients");
        recipients.setPlaceholder("cfo@example.com, ops@example.com");
        recipients.setHelperText("1 to 10 addresses, separated by commas");
        ownSmtp.setId("smtp-own");
        ownSmtp.setTooltipText("Without one, the server's FINORA_SMTP_* settings are used");
        smtpHost.setId("smtp-host");
        smtpPort.setId("smtp-port");
        smtpPort.setPlaceholder("587");
        smtpPort.setMin(0);
        smtpPort.setMax(65535);
        smtpUser.setId("smtp-user");
        smtpPassword.setId("smtp-password");
        smtpPassword.setHelperText("Stored encrypted, never shown again");
        smtpPassword.setAutocomplete(com.vaadin.flow.component.textfield.Autocomplete.NEW_PASSWORD);
        smtpSecurity.setId("smtp-security");
        smtpSecurity.setLabel("Security");
        smtpSecurity.setItems(SmtpSettings.Security.values());
        smtpSecurity.setItemLabelGenerator(SmtpSettings.Security::label);
        smtpSecurity.setValue(SmtpSettings.Security.STARTTLS);
        add.setId("channel-add");
        add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add.addClickListener(e -> submit());
        error.setId("channel-error");

        errors.bind("name", name)
                .bind("webhook", url)
                .bind("webhook.url", url)
                .bind("webhook.format", format)
                .bind("webhook.signing_secret", secret)
                .bind("email", recipients)
                .bind("email.recipients", recipients)
                .bind("email.smtp", ownSmtp)
                .bind("email.smtp.host", smtpHost)
                .bind("email.smtp.port", smtpPort)
                .bind("email.smtp.username", smtpUser)
                .bind("email.smtp.password", smtpPassword)
                .bind("email.smtp.security", smtpSecurity);
        kind.addValueChangeListener(e -> showKind());
        ownSmtp.addValueChangeListener(e -> showKind());

        FormLayout form = new FormLayout(
                name,
                kind,
                url,
                format,
                secret,
                recipients,
                ownSmtp,
                smtpHost,
                smtpPort,
                smtpSecurity,
                smtpUser,
                smtpPassword);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("36rem", 3));
        form.setColspan(url, 2);
        form.setColspan(secret, 2);
        form.setColspan(recipients, 2);
        form.setColspan(smtpHost, 2);
        form.addClassName("readable-width");
        showKind();
        VerticalLayout layout = getContent();
        layout.setPadding(false);
        layout.setSpacing(false);
        layout.add(error, form, add);
    }

    private void showKind() {
        boolean webhook = kind.getValue() == NotificationChannel.Kind.WEBHOOK;
        url.setVisible(webhook);
        format.setVisible(webhook);
        secret.setVisible(webhook);
        recipients.setVisible(!webhook);
        ownSmtp.setVisible(!webhook);
        boolean smtp = !webhook && ownSmtp.getValue();
        for (Component field : List.<Component>of(smtpHost, smtpPort, smtpUser, smtpPassword, smtpSecurity)) {
            field.setVisible(smtp);
        }
    }

    private void submit() {
        errors.clear();
        ChannelTarget target = kind.getValue() == NotificationChannel.Kind.WEBHOOK
                ? new ChannelTarget.Webhook(url.getValue().strip(), format.getValue(), secret.getValue())
                : new ChannelTarget.Email(
                        Arrays.stream(recipients.getValue().split("[,;\\s]+"))
                                .filter(s -> !s.isBlank())
                                .toList(),
                        ownSmtp.getValue()
                                ? new SmtpSettings(
                                        smtpHost.getValue().strip(),
                                        smtpPort.getValue() == null ? 0 : smtpPort.getValue(),
                                        smtpUser.getValue().strip(),
                                        smtpPassword.getValue(),
                                        smtpSecurity.getValue())
                                : null);
        NotificationChannel channel;
        try {
            channel = create.apply(name.getValue().strip(), target);
        } catch (FinoraCallException e) {
            forgetSecrets();
            errors.show(e);
            return;
        }
        forgetSecrets();
        name.clear();
        url.clear();
        recipients.clear();
        smtpHost.clear();
        smtpPort.clear();
        smtpUser.clear();
        onAdded.accept(channel);
    }

    /** Secrets are write-only: once the server has answered they leave the page, stored or not. */
    private void forgetSecrets() {
        secret.clear();
        smtpPassword.clear();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
