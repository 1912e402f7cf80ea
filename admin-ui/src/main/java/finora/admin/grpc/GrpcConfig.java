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

/** The one channel to the Finora server and the clients built on it. */
@Configuration(proxyBeanMethods = false)
public class GrpcConfig {

  private static final Logger log = LoggerFactory.getLogger(GrpcConfig.class);

  /**
   * The channel to {@code finora.server-target} (env {@code FINORA_SERVER_TARGET}); connects lazily.
   * TLS when {@code FINORA_SERVER_TLS_CA_FILE} is set, mutual TLS with {@code FINORA_SERVER_TLS_CERT_FILE}
   * and {@code FINORA_SERVER_TLS_KEY_FILE}; plaintext (with a warning) otherwise.
   */
  @Bean(destroyMethod = "")
  ManagedChannel finoraChannel(@Value("${finora.server-target}") String target,
      @Value("${finora.server-tls.ca-file:}") String caFile,
      @Value("${finora.server-tls.cert-file:}") String certFile,
      @Value("${finora.server-tls.key-file:}") String keyFile) {
    return channel(target, ServerTls.fromSettings(caFile, certFile, keyFile));
  }

  /** A channel to {@code target}, over TLS when {@code tls} is given. */
  static ManagedChannel channel(String target, Optional<ServerTls> tls) {
    ChannelCredentials credentials;
    if (tls.isPresent()) {
      log.info("Finora server target: {} over TLS{}", target,
          tls.get().mutual() ? " with a client certificate (mutual TLS)" : "");
      credentials = tls.get().credentials();
    } else {
      log.warn("Finora server target: {} in PLAINTEXT: session tokens and Admin API keys cross the network "
          + "unencrypted. Set {} (and {}/{} for mutual TLS) unless the server runs on this machine.", target,
          ServerTls.CA_VARIABLE, ServerTls.CERT_VARIABLE, ServerTls.KEY_VARIABLE);
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

  @Bean
  AuthClient authClient(ManagedChannel finoraChannel,
      @Value("${finora.call-deadline:5s}") Duration deadline) {
    return new AuthClient(finoraChannel, deadline);
  }

  @Bean
  IntegrationClient integrationClient(ManagedChannel finoraChannel,
      @Value("${finora.call-deadline:5s}") Duration deadline,
      @Value("${finora.key-check-deadline:60s}") Duration keyCheckDeadline) {
    return new IntegrationClient(finoraChannel, deadline, keyCheckDeadline);
  }

  @Bean
  CostClient costClient(ManagedChannel finoraChannel,
      @Value("${finora.call-deadline:5s}") Duration deadline,
      @Value("${finora.export-deadline:5m}") Duration exportDeadline) {
    return new CostClient(finoraChannel, deadline, exportDeadline);
  }

  @Bean
  BudgetClient budgetClient(ManagedChannel finoraChannel,
      @Value("${finora.call-deadline:5s}") Duration deadline) {
    return new BudgetClient(finoraChannel, deadline);
  }

  @Bean
  NotificationClient notificationClient(ManagedChannel finoraChannel,
      @Value("${finora.call-deadline:5s}") Duration deadline,
      @Value("${finora.notification-test-deadline:30s}") Duration testDeadline) {
    return new NotificationClient(finoraChannel, deadline, testDeadline);
  }

  @Bean
  ServerHealthClient serverHealthClient(ManagedChannel finoraChannel,
      @Value("${finora.health-deadline:2s}") Duration deadline) {
    return new ServerHealthClient(finoraChannel, deadline);
  }
}
