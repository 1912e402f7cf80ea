package finora.server.notify;

import java.util.Map;
import java.util.UUID;

/**
 * Something worth telling a tenant, as a feature hands it to {@link Notifier#publish}.
 *
 * @param tenantId whose channels receive it
 * @param type what it is about
 * @param dedupeKey names the fact, e.g. {@code budget:<id>:2026-11-01:80}: an alert with a key already
 *     published for the tenant is dropped, so each fact is announced once (at most 300 characters)
 * @param summary one line for people (subject of mails, Slack text)
 * @param details more lines for people (mail body, Slack block); may be empty
 * @param data machine-readable fields for the JSON webhook's {@code data} object (strings, numbers
 *     as decimal strings, lists and maps of those)
 */
public record Alert(
        UUID tenantId, AlertType type, String dedupeKey, String summary, String details, Map<String, Object> data) {

    /** Checks the key's length. */
    public Alert {
        if (dedupeKey.isEmpty() || dedupeKey.length() > 300) {
            throw new IllegalArgumentException("dedupeKey must be 1 to 300 characters");
        }
        data = Map.copyOf(data);
    }

    /** What an alert is about; {@link #wireName()} is the JSON webhook's {@code type}. */
    public enum AlertType {
        /** A budget threshold was crossed in a period. */
        BUDGET_THRESHOLD("budget.threshold_crossed"),
        /** A spend anomaly was detected. */
        ANOMALY("anomaly.detected"),
        /** A connection's key was refused; its syncs are paused. */
        CONNECTION_NEEDS_ATTENTION("connection.needs_attention"),
        /** A connection had no successful sync for twice its plan's interval. */
        CONNECTION_STALE("connection.sync_stale"),
        /** Sent by TestNotificationChannel. */
        TEST("test");

        private final String wireName;

        AlertType(String wireName) {
            this.wireName = wireName;
        }

        /** The {@code type} field of the webhook JSON. */
        public String wireName() {
            return wireName;
        }
    }
}
