package finora.admin.settings;

import java.time.Instant;

/**
 * One alert to one channel, with the outcome of its attempts.
 *
 * @param id delivery id
 * @param channelId the channel
 * @param event what the alert is about
 * @param summary one line for people
 * @param status outcome so far
 * @param attempts attempts made
 * @param lastHttpStatus HTTP status of the last webhook attempt; 0 when none or for e-mail
 * @param lastError why the last attempt failed; empty when delivered
 * @param createdAt when it was queued
 * @param deliveredAt when it was delivered, or null
 */
public record NotificationDelivery(
        String id,
        String channelId,
        Event event,
        String summary,
        Status status,
        int attempts,
        int lastHttpStatus,
        String lastError,
        Instant createdAt,
        Instant deliveredAt) {

    /** What an alert is about. */
    public enum Event {
        BUDGET_THRESHOLD("Budget threshold"),
        ANOMALY("Anomaly"),
        CONNECTION_NEEDS_ATTENTION("Connection needs attention"),
        CONNECTION_STALE("Connection not syncing"),
        TEST("Test"),
        OTHER("Other");

        private final String label;

        Event(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Outcome of a delivery. */
    public enum Status {
        PENDING("pending"),
        DELIVERED("delivered"),
        FAILED("failed");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** For people, lower case: "delivered". */
        public String label() {
            return label;
        }
    }
}
