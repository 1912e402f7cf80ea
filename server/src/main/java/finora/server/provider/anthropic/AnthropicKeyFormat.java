package finora.server.provider.anthropic;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import java.util.regex.Pattern;

/** The format check of an Anthropic Admin API key, before anything is sent to Anthropic. */
public final class AnthropicKeyFormat {
    /** Every Anthropic Admin key starts with this. */
    public static final String PREFIX = "sk-ant-admin01-";

    private static final Pattern BODY = Pattern.compile("[A-Za-z0-9_-]{8,}");

    private AnthropicKeyFormat() {}

    /** Trims the key and checks it looks like an Admin key; the exception never contains the key. */
    public static String check(String raw) {
        String key = raw == null ? "" : raw.strip();
        if (key.isEmpty()) {
            throw new FinoraException(
                    ErrorReason.KEY_EMPTY, "Paste your Anthropic Admin API key (it starts with " + PREFIX + ")");
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            throw new FinoraException(
                    ErrorReason.KEY_MALFORMED, "The key contains spaces or line breaks; copy it again as one piece");
        }
        if (key.startsWith("sk-ant-api")) {
            throw new FinoraException(
                    ErrorReason.NOT_AN_ADMIN_KEY,
                    "This is a regular Anthropic API key (sk-ant-api…), which cannot read costs. Finora needs an "
                            + "Admin API key: in the Claude Console open Settings → Admin keys, choose "
                            + "\"Create admin key\" (only organization admins can), and paste the key that starts "
                            + "with " + PREFIX);
        }
        if (!key.startsWith(PREFIX)
                || !BODY.matcher(key.substring(PREFIX.length())).matches()) {
            throw new FinoraException(
                    ErrorReason.KEY_MALFORMED,
                    "This does not look like an Anthropic Admin API key; those start with " + PREFIX);
        }
        return key;
    }

    /** What a user may see of a key: the prefix and the last 4 characters. */
    public static String hint(String key) {
        return PREFIX + "…" + key.substring(key.length() - 4);
    }
}
