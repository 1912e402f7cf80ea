package finora.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.LoginRequest;
import finora.server.App;
import finora.server.ConfigException;
import finora.server.FinoraServer;
import finora.server.ServerConfig;
import finora.server.testing.MutableClock;
import finora.server.testing.PostgresFixture;
import finora.server.testing.TestApps;
import finora.server.testing.TestCertificates;
import finora.server.testing.TestServer;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Netty transport on a free port: TLS, mutual TLS, plaintext refused, limits, metrics bind. */
class ServerTransportTest {
    @TempDir
    static Path dir;

    private static TestCertificates.Pki pki;
    private static PostgresFixture.TestDatabase db;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestCertificates.create(dir);
        db = PostgresFixture.newDatabase();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private record Running(FinoraServer server, App app) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    private static Running start(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("FINORA_GRPC_PORT", "0", "FINORA_METRICS_PORT", "-1"));
        env.putAll(extra);
        ServerConfig config = ServerConfig.fromEnv(env);
        App app = TestApps.create(config, db.dsl(), db.dataSource(), new MutableClock(TestServer.START));
        return new Running(
                FinoraServer.create(ServerTransport.builder(config), app).start(Duration.ofHours(1)), app);
    }

    private static Map<String, String> tls(boolean mutual) {
        Map<String, String> env = new HashMap<>(Map.of(
                "FINORA_TLS_CERT_FILE",
                pki.serverCert().toString(),
                "FINORA_TLS_KEY_FILE",
                pki.serverKey().toString()));
        if (mutual) {
            env.put("FINORA_TLS_CLIENT_CA_FILE", pki.caCert().toString());
        }
        return env;
    }

    private static HealthCheckResponse.ServingStatus health(int port, ChannelCredentials credentials) {
        ManagedChannel channel =
                Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
        try {
            return HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void tls_servesClientsThatTrustTheCa_andRefusesPlaintextAndOtherCas() throws Exception {
        try (Running running = start(tls(false))) {
            int port = running.server().port();
            assertThat(health(
                            port,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(pki.caCert().toFile())
                                    .build()))
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThatThrownBy(() -> health(port, InsecureChannelCredentials.create()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThatThrownBy(() -> health(
                            port,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(pki.otherCaCert().toFile())
                                    .build()))
                    .isInstanceOf(StatusRuntimeException.class);
        }
    }

    @Test
    void mutualTls_requiresAClientCertificateSignedByTheClientCa() throws Exception {
        try (Running running = start(tls(true))) {
            int port = running.server().port();
            assertThat(health(
                            port,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(pki.caCert().toFile())
                                    .keyManager(
                                            pki.clientCert().toFile(),
                                            pki.clientKey().toFile())
                                    .build()))
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThatThrownBy(() -> health(
                            port,
                            TlsChannelCredentials.newBuilder()
                                    .trustManager(pki.caCert().toFile())
                                    .build()))
                    .isInstanceOf(StatusRuntimeException.class);
        }
    }

    @Test
    void tlsConfiguration_failsFastNamingTheVariable() {
        assertThatThrownBy(() -> ServerConfig.fromEnv(
                        Map.of("FINORA_TLS_CERT_FILE", pki.serverCert().toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_TLS_KEY_FILE");
        assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of(
                        "FINORA_TLS_CERT_FILE",
                        "/nope.pem",
                        "FINORA_TLS_KEY_FILE",
                        pki.serverKey().toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FINORA_TLS_CERT_FILE");
        assertThat(ServerConfig.fromEnv(Map.of()).tls()).isEmpty();
    }

    @Test
    void oversizedMessages_areRefusedByTheTransport() throws Exception {
        try (Running running = start(Map.of())) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                            "127.0.0.1", running.server().port(), InsecureChannelCredentials.create())
                    .maxInboundMessageSize(64 << 20)
                    .build();
            try {
                // Login needs no token, so the message is read and its size checked
                var e = catchThrowableOfType(
                        StatusRuntimeException.class,
                        () -> AuthServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .login(LoginRequest.newBuilder()
                                        .setEmail("m".repeat(5 << 20))
                                        .build()));
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void metrics_bindToLoopbackByDefault() throws Exception {
        assertThat(ServerConfig.fromEnv(Map.of()).metricsBind()).isEqualTo("127.0.0.1");
        try (Running running = start(Map.of("FINORA_METRICS_PORT", "0"))) {
            int port = running.server().metricsPort();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
            Optional<Inet4Address> external = NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                    .map(a -> (Inet4Address) a)
                    .findFirst();
            if (external.isPresent()) {
                assertThatThrownBy(() -> {
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress(external.get(), port), 2000);
                            }
                        })
                        .isInstanceOf(java.io.IOException.class);
            }
        }
    }
}
