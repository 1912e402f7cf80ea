package finora.admin.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin UI's channel against a real gRPC server (Netty, an ephemeral port) with certificates
 * made for the test: TLS trusting the configured CA, mutual TLS with a client certificate, and
 * refusals where the trust does not fit.
 */
class ServerTlsTest {

    @TempDir
    static Path dir;

    private static TestPki pki;

    private Server server;
    private ManagedChannel channel;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A server that says SERVING to health checks, on a free port; returns the target "localhost:port". */
    private String serve(ServerCredentials credentials) throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        server = Grpc.newServerBuilderForPort(0, credentials)
                .addService(health.getHealthService())
                .build()
                .start();
        return "localhost:" + server.getPort();
    }

    private static ServerCredentials tls() throws Exception {
        return TlsServerCredentials.newBuilder()
                .keyManager(pki.serverCert.toFile(), pki.serverKey.toFile())
                .build();
    }

    private static ServerCredentials mutualTls() throws Exception {
        return TlsServerCredentials.newBuilder()
                .keyManager(pki.serverCert.toFile(), pki.serverKey.toFile())
                .trustManager(pki.caCert.toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    private ServerHealth check(String target, Optional<ServerTls> tls) {
        channel = GrpcConfig.channel(target, tls);
        return new ServerHealthClient(channel, Duration.ofSeconds(5)).check();
    }

    /** The status of a health check, for the refusals. */
    private Status.Code failedCheck(String target, Optional<ServerTls> tls) {
        channel = GrpcConfig.channel(target, tls);
        try {
            HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static Optional<ServerTls> settings(Path ca, Path cert, Path key) {
        return ServerTls.fromSettings(
                ca == null ? "" : ca.toString(),
                cert == null ? "" : cert.toString(),
                key == null ? "" : key.toString());
    }

    @Test
    void tls_trustingTheServersCa_reachesTheServer() throws Exception {
        String target = serve(tls());

        assertThat(check(target, settings(pki.caCert, null, null))).isEqualTo(ServerHealth.SERVING);
    }

    @Test
    void tls_trustingAnotherCa_isRefused() throws Exception {
        String target = serve(tls());

        assertThat(failedCheck(target, settings(pki.strangerCaCert, null, null)))
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void plaintextChannel_cannotTalkToATlsServer() throws Exception {
        String target = serve(tls());

        assertThat(failedCheck(target, Optional.empty())).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void mutualTls_withTheClientCertificate_reachesTheServer() throws Exception {
        String target = serve(mutualTls());

        Optional<ServerTls> tls = settings(pki.caCert, pki.clientCert, pki.clientKey);
        assertThat(tls).hasValueSatisfying(t -> assertThat(t.mutual()).isTrue());
        assertThat(check(target, tls)).isEqualTo(ServerHealth.SERVING);
    }

    @Test
    void mutualTls_withoutAClientCertificate_isRefused() throws Exception {
        String target = serve(mutualTls());

        assertThat(failedCheck(target, settings(pki.caCert, null, null))).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void noTlsSettings_meansPlaintext_withOneWarning() throws Exception {
        String target = serve(InsecureServerCredentials.create());
        Logger logger = (Logger) LoggerFactory.getLogger(GrpcConfig.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            assertThat(check(target, settings(null, null, null))).isEqualTo(ServerHealth.SERVING);
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(e ->
                        assertThat(e.getFormattedMessage()).contains("PLAINTEXT", target, "FINORA_SERVER_TLS_CA_FILE"));
    }

    @Test
    void clientCertificateWithoutItsKey_stopsTheStart_namingTheVariables() {
        assertThatThrownBy(() -> settings(pki.caCert, pki.clientCert, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FINORA_SERVER_TLS_CERT_FILE")
                .hasMessageContaining("FINORA_SERVER_TLS_KEY_FILE");
    }

    @Test
    void clientCertificateWithoutACa_stopsTheStart() {
        assertThatThrownBy(() -> settings(null, pki.clientCert, pki.clientKey))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FINORA_SERVER_TLS_CA_FILE is not");
    }

    @Test
    void missingCaFile_stopsTheStart_namingTheVariable() {
        assertThatThrownBy(() -> settings(dir.resolve("nope.pem"), null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("FINORA_SERVER_TLS_CA_FILE names")
                .hasMessageEndingWith("which is not a readable file");
    }
}
