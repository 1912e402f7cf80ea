package finora.server.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiKeyFormatTest {

    @Test
    void anAdminKey_isTrimmedAndHintedByItsLastFourCharacters() {
        String key = OpenAiKeyFormat.check("  sk-admin-Abc123def456ghi789-wxyz \n");
        assertThat(key).isEqualTo("sk-admin-Abc123def456ghi789-wxyz");
        assertThat(OpenAiKeyFormat.hint(key)).isEqualTo("sk-admin-…wxyz");
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource({
        "sk-proj-Abcdefghijklmnop1234, NOT_AN_ADMIN_KEY, project API key",
        "sk-svcacct-Abcdefghijklmnop1234, NOT_AN_ADMIN_KEY, service account key",
        "sk-Abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL, NOT_AN_ADMIN_KEY, regular OpenAI API key",
        "sk-ant-admin01-Abcdefghijklmnop, KEY_MALFORMED, choose Anthropic",
        "sk-admin-x, KEY_MALFORMED, start with sk-admin-",
        "hello, KEY_MALFORMED, start with sk-admin-",
        "'', KEY_EMPTY, sk-admin-",
        "sk-admin-abc def12345, KEY_MALFORMED, spaces",
    })
    void otherKeys_areRefusedWithGuidance_andTheMessageNeverHoldsTheKey(String key, ErrorReason reason, String says) {
        FinoraException e = catchThrowableOfType(FinoraException.class, () -> OpenAiKeyFormat.check(key));
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(says);
        if (key.length() > 12) {
            assertThat(e.getMessage()).doesNotContain(key.substring(8));
        }
        if (reason == ErrorReason.NOT_AN_ADMIN_KEY) {
            assertThat(e.getMessage()).contains("platform.openai.com/settings/organization/admin-keys");
        }
    }
}
