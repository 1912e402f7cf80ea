package finora.server.provider.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The model an OpenAI cost line item names, with family and version for grouping spend.
 *
 * <p>OpenAI's {@code line_item} is free text: {@code "gpt-4o-2024-08-06, input"}, {@code "o3-mini,
 * cached input"}, {@code "text-embedding-3-small"}, or no model at all ({@code "Web search tool
 * calls"}). The part before the first comma names a model when it is one lower-case token with a
 * digit or a hyphen (no spaces). Families:
 * <ul>
 *   <li>{@code GPT}: {@code gpt-4o-2024-08-06} → 4o, {@code gpt-4.1-mini} → 4.1 mini, {@code gpt-5} → 5;
 *   <li>{@code o-series}: {@code o1} → o1, {@code o3-mini-2025-01-31} → o3 mini, {@code o4-mini} → o4 mini;
 *   <li>{@code Embeddings}: {@code text-embedding-3-small} → 3 small, {@code text-embedding-ada-002} → ada 002;
 *   <li>{@code Images}: {@code dall-e-3} → dall-e 3, {@code gpt-image-1} → gpt-image 1;
 *   <li>{@code Audio}: {@code whisper-1}, {@code tts-1-hd}, {@code gpt-4o-transcribe}, {@code gpt-4o-mini-tts},
 *       {@code gpt-4o-audio-preview} (the model id without its date as the version);
 *   <li>anything else keeps its own name: {@code davinci-002} → Davinci 002; never dropped.
 * </ul>
 * Dates ({@code -2024-08-06}, {@code -0125}) and {@code -latest} are dropped from versions; a
 * fine-tuned {@code ft:gpt-4o-mini-2024-07-18:org::id} counts as its base model.
 *
 * @param model the model id as written in the line item, {@code ""} when it names none
 * @param family e.g. {@code GPT}; {@code ""} when there is no model
 * @param version e.g. {@code 4o mini}; {@code ""} when the id carries none
 * @param detail what follows the model in the line item (e.g. {@code input}), {@code ""} if nothing
 */
public record OpenAiModelName(String model, String family, String version, String detail) {
    private static final Pattern MODEL_TOKEN = Pattern.compile("[a-z0-9][a-z0-9._:/-]*");
    private static final Pattern ISO_DATE = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");
    private static final Pattern SHORT_DATE = Pattern.compile("-\\d{4}$");
    private static final Pattern O_SERIES = Pattern.compile("o\\d+");

    /** Parses a line item; null or blank gives no model. Never fails. */
    public static OpenAiModelName parse(String lineItem) {
        if (lineItem == null || lineItem.isBlank()) {
            return new OpenAiModelName("", "", "", "");
        }
        String text = lineItem.strip();
        int comma = text.indexOf(',');
        String head = (comma < 0 ? text : text.substring(0, comma)).strip();
        String detail = comma < 0 ? "" : text.substring(comma + 1).strip();
        String lower = head.toLowerCase(Locale.ROOT);
        if (!MODEL_TOKEN.matcher(lower).matches() || !(lower.matches(".*\\d.*") || lower.contains("-"))) {
            return new OpenAiModelName("", "", "", "");
        }
        String id = lower;
        if (id.startsWith("ft:")) {
            id = id.substring(3);
            int colon = id.indexOf(':');
            if (colon > 0) {
                id = id.substring(0, colon);
            }
        }
        id = ISO_DATE.matcher(id).replaceAll("");
        id = id.endsWith("-latest") ? id.substring(0, id.length() - "-latest".length()) : id;
        // -0125, -1106: a month-day date, but not a number that is a version (dall-e-3, tts-1).
        if (SHORT_DATE.matcher(id).find() && !id.startsWith("davinci") && !id.startsWith("babbage")) {
            id = SHORT_DATE.matcher(id).replaceAll("");
        }
        String family;
        String version;
        if (id.contains("whisper") || id.contains("tts") || id.contains("transcribe") || id.contains("audio")) {
            family = "Audio";
            version = words(id);
        } else if (id.startsWith("dall-e") || id.startsWith("gpt-image") || id.contains("image")) {
            family = "Images";
            version = id.startsWith("dall-e")
                    ? "dall-e " + words(id.substring("dall-e".length()))
                    : id.startsWith("gpt-image")
                            ? ("gpt-image " + words(id.substring("gpt-image".length()))).strip()
                            : words(id);
        } else if (id.startsWith("text-embedding") || id.contains("embedding")) {
            family = "Embeddings";
            version = words(id.startsWith("text-embedding") ? id.substring("text-embedding".length()) : id);
        } else if (id.startsWith("gpt-")) {
            family = "GPT";
            version = words(id.substring(4));
        } else if (O_SERIES.matcher(id.split("-")[0]).matches()) {
            family = "o-series";
            version = words(id);
        } else {
            List<String> tokens = tokens(id);
            family = tokens.isEmpty() ? id : capitalise(tokens.get(0));
            version = tokens.size() <= 1 ? "" : String.join(" ", tokens.subList(1, tokens.size()));
        }
        return new OpenAiModelName(head, family, version.strip(), detail);
    }

    private static String words(String id) {
        return String.join(" ", tokens(id));
    }

    private static List<String> tokens(String id) {
        List<String> tokens = new ArrayList<>(List.of(id.split("-")));
        tokens.removeIf(String::isEmpty);
        return tokens;
    }

    private static String capitalise(String word) {
        return word.isEmpty() ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }
}
