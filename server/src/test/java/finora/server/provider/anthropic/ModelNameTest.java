package finora.server.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import finora.sim.SimModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelNameTest {

    @ParameterizedTest(name = "{0} → {1} {2}")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "NULL", textBlock = """
            # dated, family first
            claude-sonnet-4-5-20250929 | Sonnet  | 4.5
            claude-haiku-4-5-20251001  | Haiku   | 4.5
            claude-sonnet-4-20250514   | Sonnet  | 4
            claude-opus-4-1-20250805   | Opus    | 4.1
            # dateless (4.6 and later), majors without a minor
            claude-opus-4-6            | Opus    | 4.6
            claude-sonnet-4-6          | Sonnet  | 4.6
            claude-sonnet-5            | Sonnet  | 5
            claude-opus-5-5            | Opus    | 5.5
            # 3.x: version first
            claude-3-5-haiku-20241022  | Haiku   | 3.5
            claude-3-7-sonnet-20250219 | Sonnet  | 3.7
            claude-3-opus-20240229     | Opus    | 3
            claude-3-5-sonnet-latest   | Sonnet  | 3.5
            # aliases
            claude-sonnet-4-5          | Sonnet  | 4.5
            claude-opus-4-latest       | Opus    | 4
            # unknown families keep their name, capitalised
            claude-fable-5             | Fable   | 5
            claude-mythos-5            | Mythos  | 5
            claude-mythos-preview      | Mythos  | preview
            claude-mythos              | Mythos  | ''
            claude-opus-4-6-fast       | Opus    | 4.6 fast
            # older and odd forms never fail
            claude-2.1                 | Claude  | 2.1
            claude-instant-1.2         | Instant | 1.2
            CLAUDE-SONNET-4-5-20250929 | Sonnet  | 4.5
            ' claude-opus-4-6 '        | Opus    | 4.6
            gpt-4o                     | Gpt     | 4o
            # no model: web search, code execution
            ''                         | ''      | ''
            NULL                       | ''      | ''
            """)
    void parse_givesFamilyAndVersion(String id, String family, String version) {
        assertThat(ModelName.parse(id)).isEqualTo(new ModelName(family, version));
    }

    @ParameterizedTest
    @CsvSource({"claude-sonnet-4-5-20250929, Sonnet 4.5", "claude-mythos-preview, Mythos preview", "'', ''"})
    void displayName_joinsFamilyAndVersion(String id, String display) {
        assertThat(ModelName.parse(id).displayName()).isEqualTo(display);
    }

    @Test
    void everySimulatedModel_parsesToTheNameInItsDescription() {
        for (SimModel model : SimModel.DEFAULTS) {
            assertThat("Claude " + ModelName.parse(model.id()).displayName())
                    .as(model.id())
                    .isEqualTo(model.displayName());
        }
    }
}
