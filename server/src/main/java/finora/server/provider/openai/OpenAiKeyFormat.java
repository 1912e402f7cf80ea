package finora.server.provider.openai;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import java.util.regex.Pattern;

/**
 * The format check of an OpenAI Admin API key ({@code sk-admin-…}), before anything is sent to
 * OpenAI. Project keys ({@code sk-proj-}), service-account keys ({@code sk-svcacct-}) and legacy
 * user keys ({@code sk-} and 48 characters) cannot read organization costs: they are refused with
 * how the organization Owner creates an Admin key.
 */
public final class OpenAiKeyFormat {
    /** Every OpenAI Admin key starts with this. */
    public static final String PREFIX = "sk-admin-";

    private static final Pattern BODY = Pattern.compile("[A-Za-z0-9_-]{8,}");
    private static final String HOW = "Finora needs an Admin API key: the organization Owner creates one at "
            + "platform.openai.com/settings/organization/admin-keys (permission \"Read only\", or \"Restricted\" with "
            + "read access to the Usage API and Organization Administration); paste the key that starts with " + PREFIX;

    private OpenAiKeyFormat() {}

    /** Trims the key and checks it looks like an Admin key; the exception never contains the key. */
    public static String check(String raw) {
        String key = raw == null ? "" : raw.strip();
        if (key.isEmpty()) {
            throw new FinoraException(
                    ErrorReason.KEY_EMPTY, "Paste your OpenAI Admin API key (it starts with " + PREFIX + ")");
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            throw new FinoraException(
                    ErrorReason.KEY_MALFORMED, "The key contains spaces or line breaks; copy it again as one piece");
        }
        if (key.startsWith("sk-proj-")) {
            throw new FinoraException(
                    ErrorReason.NOT_AN_ADMIN_KEY,
                    "This is an OpenAI project API key (sk-proj-…), which cannot read organization costs. " + HOW);
        }
        if (key.startsWith("sk-svcacct-")) {
            throw new FinoraException(
                    ErrorReason.NOT_AN_ADMIN_KEY,
                    "This is an OpenAI service account key (sk-svcacct-…), which cannot read organization costs. "
                            + HOW);
        }
        if (key.startsWith("sk-ant-")) {
            throw new FinoraException(
                    ErrorReason.KEY_MALFORMED,
                    "This is an Anthropic key (sk-ant-…); choose Anthropic as the provider to connect it");
        }
        if (key.startsWith("sk-") && !key.startsWith(PREFIX)) {
            throw new FinoraException(
                    ErrorReason.NOT_AN_ADMIN_KEY,
                    "This is a regular OpenAI API key (sk-…), which cannot read organization costs. " + HOW);
        }
        if (!key.startsWith(PREFIX)
                || !BODY.matcher(key.substring(PREFIX.length())).matches()) {
            throw new FinoraException(
                    ErrorReason.KEY_MALFORMED,
                    "This does not look like an OpenAI Admin API key; those start with " + PREFIX);
        }
        return key;
    }

    /** What a user may see of a key: the prefix and the last 4 characters. */
    public static String hint(String key) {
        return PREFIX + "…" + key.substring(key.length() - 4);
    }
}
