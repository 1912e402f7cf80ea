package finora.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A complete HTTP answer, built before anything is sent so it can be logged, delayed or corrupted first. */
record Reply(int status, Map<String, String> headers, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A JSON answer. */
    static Reply json(int status, JsonNode body) {
        try {
            return new Reply(
                    status,
                    new LinkedHashMap<>(Map.of("content-type", "application/json")),
                    JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Anthropic error envelope {@code {"type":"error","error":{…},"request_id":…}}. */
    static Reply error(int status, String errorType, String message, String requestId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", "error");
        ObjectNode error = body.putObject("error");
        error.put("type", errorType);
        error.put("message", message);
        body.put("request_id", requestId);
        return json(status, body).withHeader("x-should-retry", Boolean.toString(status == 429 || status >= 500));
    }

    /** This answer with one more header. */
    Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, more, body);
    }

    /** This answer with the body cut in half: no longer valid JSON. */
    Reply truncated() {
        return new Reply(status, headers, Arrays.copyOf(body, body.length / 2));
    }

    /** Writes the answer; a HEAD request gets the headers only. */
    void send(HttpExchange exchange) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
