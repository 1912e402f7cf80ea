package finora.server.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiModelNameTest {

    @ParameterizedTest(name = "{0} → {1} / {2} / {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "gpt-4o-2024-08-06, input        | gpt-4o-2024-08-06      | GPT        | 4o            | input",
                "gpt-4o-mini, cached input       | gpt-4o-mini            | GPT        | 4o mini       | cached input",
                "gpt-4.1-nano-2025-04-14, output | gpt-4.1-nano-2025-04-14 | GPT       | 4.1 nano      | output",
                "gpt-5, input                    | gpt-5                  | GPT        | 5             | input",
                "gpt-3.5-turbo-0125, input       | gpt-3.5-turbo-0125     | GPT        | 3.5 turbo     | input",
                "o1, output                      | o1                     | o-series   | o1            | output",
                "o3-mini-2025-01-31, input       | o3-mini-2025-01-31     | o-series   | o3 mini       | input",
                "o4-mini, output                 | o4-mini                | o-series   | o4 mini       | output",
                "text-embedding-3-small          | text-embedding-3-small | Embeddings | 3 small       | ''",
                "text-embedding-ada-002, input   | text-embedding-ada-002 | Embeddings | ada 002       | input",
                "dall-e-3, images                | dall-e-3               | Images     | dall-e 3      | images",
                "gpt-image-1, output             | gpt-image-1            | Images     | gpt-image 1   | output",
                "whisper-1, audio seconds        | whisper-1              | Audio      | whisper 1     | audio seconds",
                "tts-1-hd, characters            | tts-1-hd               | Audio      | tts 1 hd      | characters",
                "gpt-4o-mini-transcribe, input   | gpt-4o-mini-transcribe | Audio      | gpt 4o mini transcribe | input",
                "davinci-002, input              | davinci-002            | Davinci    | 002           | input",
                "ft:gpt-4o-mini-2024-07-18:acme::x1, input | ft:gpt-4o-mini-2024-07-18:acme::x1 | GPT | 4o mini | input",
                "zeta-9-pro, output              | zeta-9-pro             | Zeta       | 9 pro         | output",
            })
    void modelsNamedByLineItems_parseIntoFamilyAndVersion(
            String lineItem, String model, String family, String version, String detail) {
        OpenAiModelName name = OpenAiModelName.parse(lineItem);
        assertThat(name.model()).isEqualTo(model);
        assertThat(name.family()).isEqualTo(family);
        assertThat(name.version()).isEqualTo(version);
        assertThat(name.detail()).isEqualTo(detail);
    }

    @ParameterizedTest
    @CsvSource({"Text tokens", "Web search tool calls", "''", "Code Interpreter sessions"})
    void lineItemsThatNameNoModel_haveNoFamily(String lineItem) {
        OpenAiModelName name = OpenAiModelName.parse(lineItem);
        assertThat(name.model()).isEmpty();
        assertThat(name.family()).isEmpty();
    }
}
