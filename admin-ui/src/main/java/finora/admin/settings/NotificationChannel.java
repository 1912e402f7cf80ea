package finora.admin.settings;

import java.time.Instant;
import java.util.List;

/**
 * A notification channel as the server lists it: never with a secret.
 *
 * @param id channel id (UUID)
 * @param name name for people
 * @param kind webhook or e-mail
 * @param targetHint where alerts go, safe to show ("https://hooks.example.com/…" or the recipients)
 * @param webhookFormat the webhook's body format; null for e-mail
 * @param signed whether webhook bodies are signed
 * @param recipients e-mail recipients
 * @param smtp the channel's own SMTP server (without password), or null for the server-wide one
 * @param hasSmtpPassword whether that SMTP server has a stored password
 * @param createdAt when it was created
 */
public record NotificationChannel(
        String id,
        String name,
        Kind kind,
        String targetHint,
        WebhookFormat webhookFormat,
        boolean signed,
        List<String> recipients,
        SmtpSettings smtp,
        boolean hasSmtpPassword,
        Instant createdAt) {

    public NotificationChannel {
        recipients = List.copyOf(recipients);
    }

    /** Kind of channel. */
    public enum Kind {
        WEBHOOK("Webhook"),
        EMAIL("E-mail");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
