package finora.admin.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one channel to the Finora server, the deadlines of calls on it and the health check. The clients of
 * the server's services live with the features that use them (e.g. {@code spend.CostClient}) and take the
 * channel and their deadlines from here.
 */
@Configuration(proxyBeanMethods = false)
public class GrpcConfig {

    private static final Logger log = LoggerFactory.getLogger(GrpcConfig.class);

    /**
     * The channel to {@code finora.server-target} (env {@code FINORA_SERVER_TARGET}); connects lazily.
     * TLS when {@code FINORA_SERVER_TLS_CA_FILE} is set, mutual TLS with {@code FINORA_SERVER_TLS_CERT_FILE}
     * and {@code FINORA_SERVER_TLS_KEY_FILE}; plaintext (with a warning) otherwise.
     */
    @Bean(destroyMethod = "")
    ManagedChannel finoraChannel(
            @Value("${finora.server-target}") String target,
            @Value("${finora.server-tls.ca-file:}") String caFile,
            @Value("${finora.server-tls.cert-file:}") String certFile,
            @Value("${finora.server-tls.key-file:}") String keyFile) {
        return channel(target, ServerTls.fromSettings(caFile, certFile, keyFile));
    }

    /** A channel to {@code target}, over TLS when {@code tls} is given. */
    static ManagedChannel channel(String target, Optional<ServerTls> tls) {
        ChannelCredentials credentials;
        if (tls.isPresent()) {
            log.info(
                    "Finora server target: {} over TLS{}",
                    target,
                    tls.get().mutual() ? " with a client certificate (mutual TLS)" : "");
            credentials = tls.get().credentials();
        } else {
            log.warn(
                    "Finora server target: {} in PLAINTEXT: session tokens and Admin API keys cross the network "
                            + "unencrypted. Set {} (and {}/{} for mutual TLS) unless the server runs on this machine.",
                    target,
                    ServerTls.CA_VARIABLE,
                    ServerTls.CERT_VARIABLE,
                    ServerTls.KEY_VARIABLE);
            credentials = InsecureChannelCredentials.create();
        }
        return Grpc.newChannelBuilder(target, credentials)
                .userAgent("finora-admin-ui")
                .build();
    }

    /** Closes the channel on shutdown: lets calls in flight finish for a moment, then cuts them. */
    @Bean
    DisposableBean finoraChannelShutdown(ManagedChannel finoraChannel) {
        return () -> {
            finoraChannel.shutdown();
            if (!finoraChannel.awaitTermination(5, TimeUnit.SECONDS)) {
                finoraChannel.shutdownNow();
            }
        };
    }

    /** The deadlines the feature clients (e.g. {@code spend.CostClient}) give their calls. */
    @Bean
    CallDeadlines callDeadlines(
            @Value("${finora.call-deadline:5s}") Duration call,
            @Value("${finora.key-check-deadline:60s}") Duration keyCheck,
            @Value("${finora.export-deadline:5m}") Duration export,
            @Value("${finora.notification-test-deadline:30s}") Duration notificationTest) {
        return new CallDeadlines(call, keyCheck, export, notificationTest);
    }

    @Bean
    ServerHealthClient serverHealthClient(
            ManagedChannel finoraChannel, @Value("${finora.health-deadline:2s}") Duration deadline) {
        return new ServerHealthClient(finoraChannel, deadline);
    }
}
