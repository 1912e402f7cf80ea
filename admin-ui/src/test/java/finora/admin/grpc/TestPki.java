package finora.admin.grpc;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time with BouncyCastle, as PEM files in a directory: a CA, a server
 * certificate for {@code localhost} and a client certificate signed by it, and a second CA that
 * signed nothing of these. Nothing secret is committed.
 */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path strangerCaCert;

    TestPki(Path dir) throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair ca = ecKeys();
        X509CertificateHolder caHolder = sign("CN=Finora Admin UI Test CA", ca, "CN=Finora Admin UI Test CA", ca, null);
        KeyPair server = ecKeys();
        KeyPair client = ecKeys();
        KeyPair stranger = ecKeys();
        caCert = pem(dir.resolve("ca.pem"), caHolder);
        serverCert = pem(
                dir.resolve("server.pem"), sign("CN=localhost", server, "CN=Finora Admin UI Test CA", ca, "localhost"));
        serverKey = pkcs8(dir.resolve("server.key"), server);
        clientCert = pem(
                dir.resolve("client.pem"),
                sign("CN=finora-admin-ui", client, "CN=Finora Admin UI Test CA", ca, "finora-admin-ui"));
        clientKey = pkcs8(dir.resolve("client.key"), client);
        strangerCaCert = pem(
                dir.resolve("stranger-ca.pem"),
                sign("CN=Somebody Else's CA", stranger, "CN=Somebody Else's CA", stranger, null));
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A certificate of {@code subject} signed by {@code issuer}: a CA when {@code dnsName} is null. */
    private static X509CertificateHolder sign(
            String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, String dnsName)
            throws IOException, OperatorCreationException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofHours(2))),
                new X500Name(subject),
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(dnsName == null));
        if (dnsName != null) {
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
    }

    private static Path pem(Path file, Object object) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        }
        return file;
    }

    private static Path pkcs8(Path file, KeyPair keys) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        return file;
    }
}
