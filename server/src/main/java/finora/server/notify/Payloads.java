package finora.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The bodies of alerts: Finora's event JSON (stored with the event, sent as is to JSON webhooks),
 * the Slack-compatible body and the mail text derived from it.
 *
 * <pre>{@code
 * {"id":"<event uuid>","type":"budget.threshold_crossed","created_at":"2026-11-25T10:00:00Z",
 *  "tenant_id":"<uuid>","summary":"…","details":"…","data":{…}}
 * }</pre>
 */
final class Payloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {}

    /** The event JSON. */
    static String event(UUID eventId, Alert alert, Instant createdAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", eventId.toString());
        body.put("type", alert.type().wireName());
        body.put("created_at", createdAt.toString());
        body.put("tenant_id", alert.tenantId().toString());
        body.put("summary", alert.summary());
        body.put("details", alert.details());
        body.put("data", alert.data());
        return write(body);
    }

    /** Slack incoming-webhook JSON: the summary as text, the details in a section block. */
    static byte[] slack(String eventJson) {
        JsonNode event = read(eventJson);
        String summary = event.path("summary").asText();
        String details = event.path("details").asText();
        ObjectNode body = JSON.createObjectNode();
        body.put("text", summary);
        ObjectNode section = body.putArray("blocks").addObject();
        section.put("type", "section");
        section.putObject("text")
                .put("type", "mrkdwn")
                .put("text", "*" + escape(summary) + "*" + (details.isEmpty() ? "" : "\n" + escape(details)));
        return write(body).getBytes(StandardCharsets.UTF_8);
    }

    /** Plain-text mail body. */
    static String mailText(String eventJson) {
        JsonNode event = read(eventJson);
        String details = event.path("details").asText();
        return event.path("summary").asText() + "\n\n" + (details.isEmpty() ? "" : details + "\n\n")
                + "Event " + event.path("id").asText() + " ("
                + event.path("type").asText() + ") at "
                + event.path("created_at").asText() + " UTC.\n-- \nFinora Spend alerts\n";
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write JSON", e);
        }
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is not readable", e);
        }
    }

    /** Slack's mrkdwn needs only these three escaped. */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
