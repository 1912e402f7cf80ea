package finora.admin.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
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

  /** Plaintext channel to {@code finora.server-target} (env {@code FINORA_SERVER_TARGET}); connects lazily. */
  @Bean(destroyMethod = "")
  ManagedChannel finoraChannel(@Value("${finora.server-target}") String target) {
    log.info("Finora server target: {}", target);
    return ManagedChannelBuilder.forTarget(target)
        .usePlaintext()
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
  ServerHealthClient serverHealthClient(ManagedChannel finoraChannel,
      @Value("${finora.health-deadline:2s}") Duration deadline) {
    return new ServerHealthClient(finoraChannel, deadline);
  }
}
