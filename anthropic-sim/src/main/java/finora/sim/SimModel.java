package finora.sim;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A model the simulator bills for: its API id, the display name used in cost-report descriptions
 * ({@code "Claude Sonnet 4.5 Usage - Input Tokens"}) and its list prices in US cents per million tokens.
 *
 * @param id                    model id as Anthropic reports it, e.g. {@code claude-sonnet-4-5-20250929}
 * @param displayName           name used in descriptions, e.g. {@code Claude Sonnet 4.5}
 * @param inputCentsPerMTok     price of one million uncached input tokens, in cents
 * @param outputCentsPerMTok    price of one million output tokens, in cents
 */
public record SimModel(String id, String displayName, BigDecimal inputCentsPerMTok, BigDecimal outputCentsPerMTok) {

    /** Models billed by default: dated, dateless, 3.x and an unknown family, so parsers meet every id form. */
    public static final List<SimModel> DEFAULTS = List.of(
            of("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", 300, 1500),
            of("claude-opus-4-6", "Claude Opus 4.6", 500, 2500),
            of("claude-sonnet-5", "Claude Sonnet 5", 300, 1500),
            of("claude-haiku-4-5-20251001", "Claude Haiku 4.5", 100, 500),
            of("claude-3-5-haiku-20241022", "Claude Haiku 3.5", 80, 400),
            of("claude-fable-5", "Claude Fable 5", 200, 1000));

    /** Checks the components; see the record description. */
    public SimModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(inputCentsPerMTok, "inputCentsPerMTok");
        Objects.requireNonNull(outputCentsPerMTok, "outputCentsPerMTok");
    }

    /** A model with whole-cent prices per million tokens. */
    public static SimModel of(String id, String displayName, long inputCentsPerMTok, long outputCentsPerMTok) {
        return new SimModel(
                id, displayName, BigDecimal.valueOf(inputCentsPerMTok), BigDecimal.valueOf(outputCentsPerMTok));
    }
}
