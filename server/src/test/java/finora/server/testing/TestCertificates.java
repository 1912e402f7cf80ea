package finora.server.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made at test run time (BouncyCastle): a CA, a server certificate for
 * localhost/127.0.0.1 and a client certificate, written as PEM into a temporary directory. No
 * private key is ever committed.
 */
public final class TestCertificates {
    /** PEM files of one PKI. */
    public record Pki(
            Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey, Path otherCaCert) {}

    private TestCertificates() {}

    /** Creates a CA, a server and a client certificate (and an unrelated CA) under {@code dir}. */
    public static Pki create(Path dir) throws IOException {
        try {
            KeyPair ca = keyPair();
            X509Certificate caCert = certificate("CN=Finora Test CA", ca, "CN=Finora Test CA", ca, true);
            KeyPair server = keyPair();
            X509Certificate serverCert = certificate("CN=localhost", server, "CN=Finora Test CA", ca, false);
            KeyPair client = keyPair();
            X509Certificate clientCert = certificate("CN=admin-ui", client, "CN=Finora Test CA", ca, false);
            KeyPair other = keyPair();
            X509Certificate otherCa = certificate("CN=Someone Else", other, "CN=Someone Else", other, true);
            return new Pki(
                    write(dir.resolve("ca.pem"), pem("CERTIFICATE", caCert.getEncoded())),
                    write(dir.resolve("server.pem"), pem("CERTIFICATE", serverCert.getEncoded())),
                    write(
                            dir.resolve("server.key"),
                            pem("PRIVATE KEY", server.getPrivate().getEncoded())),
                    write(dir.resolve("client.pem"), pem("CERTIFICATE", clientCert.getEncoded())),
                    write(
                            dir.resolve("client.key"),
                            pem("PRIVATE KEY", client.getPrivate().getEncoded())),
                    write(dir.resolve("other-ca.pem"), pem("CERTIFICATE", otherCa.getEncoded())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(
            String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                new X500Name(subject),
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(
                        GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())
            }));
        }
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
