package finora.sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decoded query parameters of one request; a repeated key such as {@code group_by[]} keeps every value. */
final class QueryParameters {

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Parses a raw query string; a malformed percent escape is a 400. */
    static QueryParameters parse(String rawQuery) throws ApiException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                try {
                    values.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), key -> new ArrayList<>())
                            .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalidRequest("Malformed query string");
                }
            }
        }
        return new QueryParameters(values);
    }

    /** First value of a parameter, or null when absent. */
    String first(String name) {
        List<String> list = values.get(name);
        return list == null ? null : list.get(0);
    }

    /** Every value of a parameter, empty when absent. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** An integer parameter within {@code [min, max]}, or the default when absent. */
    int integer(String name, int defaultValue, int min, int max) throws ApiException {
        String raw = first(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidRequest(name + ": Input should be a valid integer");
        }
        if (value < min) {
            throw ApiException.invalidRequest(name + ": Input should be greater than or equal to " + min);
        }
        if (value > max) {
            throw ApiException.invalidRequest(name + ": Input should be less than or equal to " + max);
        }
        return value;
    }

    /** A boolean parameter ({@code true}/{@code false}), or the default when absent. */
    boolean bool(String name, boolean defaultValue) throws ApiException {
        String raw = first(name);
        if (raw == null) {
            return defaultValue;
        }
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw ApiException.invalidRequest(name + ": Input should be a valid boolean");
    }

    /** Every parameter with all its values, in the order sent. */
    Map<String, List<String>> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
