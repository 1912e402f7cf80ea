package finora.admin.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS of the channel to the Finora server: the CA that signed the server's certificate and, for
 * mutual TLS, the admin UI's own certificate and key (all PEM files).
 *
 * @param caFile the CA to trust ({@code FINORA_SERVER_TLS_CA_FILE})
 * @param certFile the client certificate chain ({@code FINORA_SERVER_TLS_CERT_FILE}), or null
 * @param keyFile the client's PKCS#8 private key ({@code FINORA_SERVER_TLS_KEY_FILE}), or null
 */
public record ServerTls(Path caFile, Path certFile, Path keyFile) {

    static final String CA_VARIABLE = "FINORA_SERVER_TLS_CA_FILE";
    static final String CERT_VARIABLE = "FINORA_SERVER_TLS_CERT_FILE";
    static final String KEY_VARIABLE = "FINORA_SERVER_TLS_KEY_FILE";

    /**
     * The TLS settings from the three variables (blank means unset): none at all means plaintext.
     *
     * @throws IllegalStateException naming the variable, for a client certificate without its key (or
     *     the other way round), a client certificate without a CA, or a file that cannot be read
     */
    public static Optional<ServerTls> fromSettings(String caFile, String certFile, String keyFile) {
        Path ca = path(caFile);
        Path cert = path(certFile);
        Path key = path(keyFile);
        if ((cert == null) != (key == null)) {
            throw new IllegalStateException("Set both " + CERT_VARIABLE + " and " + KEY_VARIABLE
                    + " for mutual TLS to the Finora server, or neither");
        }
        if (ca == null) {
            if (cert != null) {
                throw new IllegalStateException(CERT_VARIABLE + " is set but " + CA_VARIABLE
                        + " is not: set the CA that " + "signed the Finora server's certificate to connect over TLS");
            }
            return Optional.empty();
        }
        readable(ca, CA_VARIABLE);
        if (cert != null) {
            readable(cert, CERT_VARIABLE);
            readable(key, KEY_VARIABLE);
        }
        return Optional.of(new ServerTls(ca, cert, key));
    }

    /** Whether the admin UI presents a client certificate. */
    public boolean mutual() {
        return certFile != null;
    }

    /** TLS trusting only {@link #caFile}, presenting the client certificate when there is one. */
    ChannelCredentials credentials() {
        try {
            TlsChannelCredentials.Builder builder =
                    TlsChannelCredentials.newBuilder().trustManager(caFile.toFile());
            if (mutual()) {
                builder.keyManager(certFile.toFile(), keyFile.toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not read the TLS files of " + CA_VARIABLE + ", " + CERT_VARIABLE + " or " + KEY_VARIABLE, e);
        }
    }

    private static Path path(String setting) {
        return setting == null || setting.isBlank() ? null : Path.of(setting.strip());
    }

    private static void readable(Path file, String variable) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalStateException(variable + " names " + file + ", which is not a readable file");
        }
    }
}
