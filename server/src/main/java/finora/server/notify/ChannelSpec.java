package finora.server.notify;

import java.util.List;
import java.util.Optional;

/** A channel as an admin asks for it, secrets included; checked by {@link Notifier#create}. */
public sealed interface ChannelSpec {
    /** Name shown to people. */
    String name();

    /** A webhook; {@code signingSecret} may be empty for the Slack format. */
    record Webhook(String name, String url, Channel.Format format, String signingSecret) implements ChannelSpec {
        @Override
        public String toString() {
            return "Webhook[" + name + ", " + format + "]";
        }
    }

    /** E-mail to {@code recipients}, through {@code smtp} or the server-wide SMTP server. */
    record Email(String name, List<String> recipients, Optional<Smtp> smtp) implements ChannelSpec {}

    /** A channel's own SMTP server; port 0 means the security's usual port. */
    record Smtp(String host, int port, String username, String password, NotifyConfig.Security security) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + ", " + security + "]";
        }
    }
}
