package finora.server.notify;

import finora.server.grpc.FinoraException;

/** Checks of names people give to things (channels, budgets): trimmed, 1–200 characters, no control characters. */
public final class Text {
    /** Longest name. */
    public static final int MAX_NAME = 200;

    private Text() {}

    /** The trimmed name, or INVALID_ARGUMENT naming {@code field}. */
    public static String name(String raw, String field) {
        String name = raw == null ? "" : raw.trim();
        if (name.isEmpty() || name.length() > MAX_NAME || hasControl(name)) {
            throw FinoraException.invalidField(
                    field, "The " + field + " must be 1 to " + MAX_NAME + " characters without control characters");
        }
        return name;
    }

    /** True when {@code s} holds a control character (NUL, newlines, …). */
    public static boolean hasControl(String s) {
        return s.chars().anyMatch(ch -> Character.isISOControl(ch));
    }
}
