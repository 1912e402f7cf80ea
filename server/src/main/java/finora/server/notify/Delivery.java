package finora.server.notify;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One alert to one channel: an entry of the delivery log.
 *
 * @param lastHttpStatus HTTP status of the last webhook attempt, 0 when none was received or for e-mail
 * @param lastError why the last attempt failed, for people; never a secret or a response body; null when delivered
 * @param deliveredAt when the receiver accepted it, or null
 */
public record Delivery(
        UUID id,
        UUID channelId,
        UUID eventId,
        Alert.AlertType type,
        String summary,
        Status status,
        int attempts,
        int lastHttpStatus,
        String lastError,
        OffsetDateTime createdAt,
        OffsetDateTime deliveredAt) {

    /** Where a delivery stands. */
    public enum Status {
        /** Being sent or waiting for a retry. */
        PENDING,
        /** Accepted by the receiver. */
        DELIVERED,
        /** Every attempt failed, or the receiver refused it for good. */
        FAILED
    }
}
