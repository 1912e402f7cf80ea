package finora.server.grpc;

import finora.server.ServerConfig;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network side of the gRPC server: TLS or mutual TLS from the configuration (plaintext with
 * one warning), and explicit limits so that no client can hold the server with huge messages,
 * endless streams on one connection or a ping flood.
 */
public final class ServerTransport {
    private static final Logger log = LoggerFactory.getLogger(ServerTransport.class);

    /** Largest request message: far above any real request, far below what hurts the heap. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 4 << 20;
    /** Largest header block (the bearer token and a few ids). */
    public static final int MAX_INBOUND_METADATA_BYTES = 16 << 10;
    /** Concurrent calls one connection may have open. */
    public static final int MAX_CONCURRENT_CALLS_PER_CONNECTION = 64;

    private ServerTransport() {}

    /** A Netty server builder for the configured port, security and limits. */
    public static ServerBuilder<?> builder(ServerConfig config) {
        return NettyServerBuilder.forPort(config.grpcPort(), credentials(config))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
                .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS_PER_CONNECTION)
                // Pings from clients: at most one every 20 s, also between calls (the admin UI keeps its
                // channel warm); more is a ping flood and closes the connection.
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                // Our own pings find dead peers; idle connections are closed after 15 minutes.
                .keepAliveTime(2, TimeUnit.MINUTES)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .maxConnectionIdle(15, TimeUnit.MINUTES);
    }

    /** TLS (mutual when a client CA is configured) or, with a warning, plaintext. */
    public static ServerCredentials credentials(ServerConfig config) {
        if (config.tls().isEmpty()) {
            log.warn("gRPC is served in PLAINTEXT: tokens and Admin API keys cross the network unencrypted. "
                    + "Set FINORA_TLS_CERT_FILE and FINORA_TLS_KEY_FILE (and FINORA_TLS_CLIENT_CA_FILE for mutual "
                    + "TLS) anywhere but on a developer's machine.");
            return InsecureServerCredentials.create();
        }
        ServerConfig.Tls tls = config.tls().get();
        try {
            var builder = TlsServerCredentials.newBuilder()
                    .keyManager(tls.certFile().toFile(), tls.keyFile().toFile());
            if (tls.clientCaFile().isPresent()) {
                builder.trustManager(tls.clientCaFile().get().toFile())
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            log.info(
                    "gRPC is served over TLS{}",
                    tls.clientCaFile().isPresent() ? " and requires client certificates (mutual TLS)" : "");
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the TLS certificate, key or client CA", e);
        }
    }
}
