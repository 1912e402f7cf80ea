package finora.server.notify;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A notification channel as the rest of the server sees it: never with its secrets, which stay
 * encrypted in the database and are decrypted only to send.
 *
 * @param targetHint what may be shown: scheme and host of a webhook, or the recipients
 * @param format body format of a webhook; null for e-mail
 * @param recipients e-mail addresses; empty for a webhook
 * @param smtp the channel's own SMTP server (without password), if any
 */
public record Channel(
        UUID id,
        UUID tenantId,
        String name,
        Kind kind,
        Format format,
        String targetHint,
        List<String> recipients,
        Optional<SmtpServer> smtp,
        boolean hasSigningSecret,
        boolean hasSmtpPassword,
        OffsetDateTime createdAt) {

    /** Kind of channel. */
    public enum Kind {
        /** HTTP POST of a JSON body. */
        WEBHOOK,
        /** E-mail over SMTP. */
        EMAIL
    }

    /** Webhook body format. */
    public enum Format {
        /** Finora's event JSON. */
        JSON,
        /** Slack incoming-webhook JSON. */
        SLACK
    }

    /** An SMTP server of a channel, without its password. */
    public record SmtpServer(String host, int port, String username, NotifyConfig.Security security) {}

    /** The secrets of a channel, stored only encrypted; any may be empty. Never printed. */
    record Secrets(String url, String signingSecret, String smtpPassword) {
        @Override
        public String toString() {
            return "Secrets[…]";
        }
    }
}
