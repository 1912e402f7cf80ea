package finora.server.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import finora.server.ConfigException;
import finora.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts stored provider credentials with a Tink AEAD (AES-256-GCM). The associated data binds
 * each ciphertext to its tenant and connection, so a ciphertext copied to another row does not
 * decrypt. The key set may hold several keys: the primary encrypts, all decrypt, which is how the
 * master key is rotated.
 */
public final class CredentialCipher {
    private static final Logger log = LoggerFactory.getLogger(CredentialCipher.class);
    /** Purpose of provider credentials; keeps their associated data as it always was. */
    private static final String CREDENTIAL = "credential";

    private final Aead aead;

    private CredentialCipher(KeysetHandle keyset) throws GeneralSecurityException {
        this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /**
     * The cipher of the configured key set: {@code FINORA_KEYSET} (JSON), {@code FINORA_KEYSET_FILE},
     * or for the embedded database a key set generated once in {@code <dataDir>/keyset.json} (0600).
     */
    public static CredentialCipher fromConfig(ServerConfig config) {
        try {
            AeadConfig.register();
            if (config.keyset().isPresent()) {
                return new CredentialCipher(parse(config.keyset().get(), "FINORA_KEYSET"));
            }
            if (config.keysetFile().isPresent()) {
                Path file = config.keysetFile().get();
                if (!Files.isReadable(file)) {
                    throw new ConfigException("FINORA_KEYSET_FILE names a file that cannot be read: " + file);
                }
                refuseIfShared(file);
                return new CredentialCipher(
                        parse(Files.readString(file, StandardCharsets.UTF_8), "FINORA_KEYSET_FILE"));
            }
            if (!config.embeddedDatabase()) {
                throw new ConfigException("FINORA_KEYSET or FINORA_KEYSET_FILE is required with FINORA_DATABASE_URL "
                        + "(generate one with: java -jar finora-server.jar keyset generate)");
            }
            return new CredentialCipher(devKeyset(config.dataDir().resolve("keyset.json")));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not load the credential key set", e);
        }
    }

    /** A new key set as Tink JSON, for {@code FINORA_KEYSET} or a key set file. */
    public static String generateKeysetJson() {
        try {
            AeadConfig.register();
            return TinkJsonProtoKeysetFormat.serializeKeyset(
                    KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate a key set", e);
        }
    }

    /** A cipher over a fresh in-memory key set (tests). */
    public static CredentialCipher ephemeral() {
        try {
            AeadConfig.register();
            return new CredentialCipher(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encrypts a secret for one connection of one tenant. */
    public byte[] encrypt(String secret, UUID tenantId, UUID connectionId) {
        return encrypt(secret, CREDENTIAL, tenantId, connectionId);
    }

    /**
     * Decrypts a secret; throws {@link CredentialUnreadableException} if the ciphertext belongs to
     * another tenant or connection or was encrypted with a key the key set does not hold.
     */
    public String decrypt(byte[] ciphertext, UUID tenantId, UUID connectionId) {
        return decrypt(ciphertext, CREDENTIAL, tenantId, connectionId);
    }

    /**
     * Encrypts a secret of another kind of stored object (e.g. {@code "notification-channel"}); the
     * purpose is part of the associated data, so a ciphertext never decrypts as another kind of object.
     */
    public byte[] encrypt(String secret, String purpose, UUID tenantId, UUID objectId) {
        try {
            return aead.encrypt(secret.getBytes(StandardCharsets.UTF_8), associatedData(purpose, tenantId, objectId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    /** A stored secret that the configured key set cannot decrypt (another key set, or a damaged row). */
    public static final class CredentialUnreadableException extends IllegalStateException {
        CredentialUnreadableException() {
            super("A stored secret could not be decrypted with the configured key set");
        }
    }

    /**
     * Decrypts what {@link #encrypt(String, String, UUID, UUID)} encrypted for the same purpose, tenant
     * and object; throws {@link CredentialUnreadableException} otherwise.
     */
    public String decrypt(byte[] ciphertext, String purpose, UUID tenantId, UUID objectId) {
        try {
            return new String(
                    aead.decrypt(ciphertext, associatedData(purpose, tenantId, objectId)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new CredentialUnreadableException();
        }
    }

    private static byte[] associatedData(String purpose, UUID tenantId, UUID objectId) {
        return ("finora-" + purpose + ":v1:" + tenantId + ":" + objectId).getBytes(StandardCharsets.UTF_8);
    }

    private static KeysetHandle parse(String json, String variable) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ConfigException(variable + " does not hold a Tink JSON key set");
        }
    }

    /** A key set file that group or others may read is refused: whoever reads it reads every stored key. */
    private static void refuseIfShared(Path file) throws IOException {
        try {
            var perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ)
                    || perms.contains(PosixFilePermission.OTHERS_READ)
                    || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new ConfigException("FINORA_KEYSET_FILE " + file + " is readable by group or others ("
                        + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system: nothing to check
        }
    }

    private static KeysetHandle devKeyset(Path file) throws GeneralSecurityException, IOException {
        if (Files.isRegularFile(file)) {
            refuseIfShared(file);
            return parse(Files.readString(file, StandardCharsets.UTF_8), "the dev key set " + file);
        }
        Files.createDirectories(file.getParent());
        log.warn(
                "Dev mode (embedded database, no FINORA_KEYSET/FINORA_KEYSET_FILE): generated a key set in {} "
                        + "(mode 0600). Production takes FINORA_KEYSET_FILE and never keeps the key set beside the data.",
                file);
        String json = generateKeysetJson();
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return parse(json, "the dev key set " + file);
    }
}
