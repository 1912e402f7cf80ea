package finora.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.server.ConfigException;
import finora.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialCipherTest {
    @Test
    void keysetFileReadableByGroupOrOthers_isRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keyset.json");
        Files.writeString(file, CredentialCipher.generateKeysetJson());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        var config = ServerConfig.fromEnv(Map.of(
                "FINORA_KEYSET_FILE", file.toString(), "FINORA_DATABASE_URL", "jdbc:postgresql://db:5432/finora"));
        assertThatThrownBy(() -> CredentialCipher.fromConfig(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_KEYSET_FILE")
                .hasMessageContaining("chmod 600");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        CredentialCipher cipher = CredentialCipher.fromConfig(config);
        UUID tenant = UUID.randomUUID();
        UUID connection = UUID.randomUUID();
        assertThat(cipher.decrypt(cipher.encrypt("sk-ant-admin01-x", tenant, connection), tenant, connection))
                .isEqualTo("sk-ant-admin01-x");
    }

    @Test
    void anotherKeySet_isCredentialUnreadable() {
        UUID tenant = UUID.randomUUID();
        UUID connection = UUID.randomUUID();
        byte[] ciphertext = CredentialCipher.ephemeral().encrypt("sk-ant-admin01-x", tenant, connection);
        assertThatThrownBy(() -> CredentialCipher.ephemeral().decrypt(ciphertext, tenant, connection))
                .isInstanceOf(CredentialCipher.CredentialUnreadableException.class);
    }
}
