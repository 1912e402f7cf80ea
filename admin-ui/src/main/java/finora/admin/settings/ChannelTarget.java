package finora.admin.settings;

import java.util.List;

/** Where a new notification channel sends alerts: a webhook or e-mail. Secrets here are write-only. */
public sealed interface ChannelTarget {

    /**
     * A webhook.
     *
     * @param url http(s) URL; stored encrypted, shown back only as scheme and host
     * @param format JSON (Finora's event) or Slack-compatible
     * @param signingSecret HMAC-SHA256 secret (required for JSON, optional for Slack); empty for none
     */
    record Webhook(String url, WebhookFormat format, String signingSecret) implements ChannelTarget {}

    /**
     * E-mail.
     *
     * @param recipients 1–10 addresses
     * @param smtp the channel's own SMTP server, or null for the server-wide one
     */
    record Email(List<String> recipients, SmtpSettings smtp) implements ChannelTarget {

        public Email {
            recipients = List.copyOf(recipients);
        }
    }
}
