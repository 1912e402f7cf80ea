package finora.server.provider.anthropic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The family and version of an Anthropic model id, for grouping spend ("Sonnet", "4.5").
 *
 * <p>Every id form Anthropic has used parses:
 * <ul>
 *   <li>dated, family first: {@code claude-sonnet-4-5-20250929} → Sonnet 4.5, {@code claude-sonnet-4-20250514} → Sonnet 4;
 *   <li>dateless (4.6 and later): {@code claude-opus-4-6} → Opus 4.6, {@code claude-sonnet-5} → Sonnet 5;
 *   <li>3.x, version first: {@code claude-3-5-haiku-20241022} → Haiku 3.5, {@code claude-3-opus-20240229} → Opus 3;
 *   <li>aliases: a trailing {@code -latest} is dropped like a date;
 *   <li>unknown families keep their own name, capitalised: {@code claude-fable-5} → Fable 5.
 * </ul>
 *
 * <p>Tokens after the family that are not numbers are kept as a qualifier at the end of the
 * version: {@code claude-mythos-preview} → family Mythos, version {@code preview};
 * {@code claude-opus-4-6-fast} → Opus, {@code 4.6 fast}. A version-less id such as
 * {@code claude-mythos} has version {@code ""}. Rows without a model (web search, code execution)
 * have family and version {@code ""}.
 *
 * @param family e.g. {@code Sonnet}; {@code ""} when there is no model
 * @param version e.g. {@code 4.5}; {@code ""} when the id carries none
 */
public record ModelName(String family, String version) {
    /** What rows without a model get. */
    public static final ModelName NONE = new ModelName("", "");

    private static final Pattern DATE = Pattern.compile("\\d{8}");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)*");

    /** Parses a model id; null or blank gives {@link #NONE}. Never fails. */
    public static ModelName parse(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return NONE;
        }
        String id = modelId.trim().toLowerCase(Locale.ROOT);
        if (id.startsWith("claude-")) {
            id = id.substring("claude-".length());
        }
        List<String> tokens = new ArrayList<>(List.of(id.split("-")));
        tokens.removeIf(String::isEmpty);
        while (!tokens.isEmpty() && isSuffix(tokens.get(tokens.size() - 1))) {
            tokens.remove(tokens.size() - 1);
        }
        if (tokens.isEmpty()) {
            return new ModelName("Claude", "");
        }
        List<String> numbers = new ArrayList<>();
        List<String> words = new ArrayList<>();
        String family;
        if (NUMBER.matcher(tokens.get(0)).matches()) {
            // 3.x order: claude-3-5-haiku, claude-3-opus; claude-2.1 has no family word at all.
            int i = 0;
            while (i < tokens.size() && NUMBER.matcher(tokens.get(i)).matches()) {
                numbers.add(tokens.get(i++));
            }
            family = i < tokens.size() ? capitalise(tokens.get(i++)) : "Claude";
            words.addAll(tokens.subList(i, tokens.size()));
        } else {
            family = capitalise(tokens.get(0));
            for (String token : tokens.subList(1, tokens.size())) {
                (NUMBER.matcher(token).matches() && words.isEmpty() ? numbers : words).add(token);
            }
        }
        String version = String.join(".", numbers);
        if (!words.isEmpty()) {
            version = (version.isEmpty() ? "" : version + " ") + String.join(" ", words);
        }
        return new ModelName(family, version);
    }

    /** "Sonnet 4.5", "Mythos preview", or "" for no model. */
    public String displayName() {
        return version.isEmpty() ? family : family + " " + version;
    }

    private static boolean isSuffix(String token) {
        return DATE.matcher(token).matches() || token.equals("latest");
    }

    private static String capitalise(String word) {
        return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }
}
