package finora.sim;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request the simulated API answered, for assertions in tests. Header names are lower case.
 * Keys are kept as sent, in memory only; {@link #toString()} shows just their last four characters.
 *
 * @param receivedAt when the request arrived (simulator clock)
 * @param method     HTTP method
 * @param path       decoded path, e.g. {@code /v1/organizations/cost_report}
 * @param query      raw query string, or null when there is none
 * @param parameters decoded query parameters in the order sent; a repeated key keeps every value
 * @param headers    request headers by lower-case name
 * @param requestId  the {@code request-id} the answer carried
 * @param status     HTTP status of the answer
 */
public record RecordedRequest(
        Instant receivedAt,
        String method,
        String path,
        String query,
        Map<String, List<String>> parameters,
        Map<String, List<String>> headers,
        String requestId,
        int status) {

    /** Checks the components; see the record description. */
    public RecordedRequest {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        parameters = copy(parameters);
        headers = copy(headers);
    }

    /** First value of a header (case-insensitive name), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** First value of a query parameter, or null. */
    public String parameter(String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a query parameter, e.g. {@code parameterValues("group_by[]")}. */
    public List<String> parameterValues(String name) {
        return parameters.getOrDefault(name, List.of());
    }

    /** The {@code x-api-key} exactly as sent, or null. */
    public String apiKey() {
        return header("x-api-key");
    }

    @Override
    public String toString() {
        return "RecordedRequest[" + method + " " + path + (query == null ? "" : "?" + query)
                + " -> " + status + ", requestId=" + requestId + ", key=" + hint(apiKey())
                + ", anthropic-version=" + header("anthropic-version") + "]";
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> values) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }

    /** {@code …} plus the last four characters, so logs never hold a key. */
    static String hint(String key) {
        if (key == null) {
            return "none";
        }
        return key.length() <= 4 ? "…" : "…" + key.substring(key.length() - 4);
    }
}
