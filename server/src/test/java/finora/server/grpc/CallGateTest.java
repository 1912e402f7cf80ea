package finora.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.WhoAmIRequest;
import finora.api.v1.WhoAmIResponse;
import finora.server.testing.GrpcErrors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The call gate in front of handlers on virtual threads: bounded, brief waits, then SERVER_BUSY. */
class CallGateTest {
    private static final int CAPACITY = 2;

    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore handlerMayFinish = new Semaphore(0);
    private final Semaphore handlerEntered = new Semaphore(0);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private volatile boolean onVirtualThread = true;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        var service = new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
                onVirtualThread &= Thread.currentThread().isVirtual();
                mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                handlerEntered.release();
                try {
                    handlerMayFinish.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                response.onNext(WhoAmIResponse.getDefaultInstance());
                response.onCompleted();
            }
        };
        HealthStatusManager health = new HealthStatusManager();
        String name = UUID.randomUUID().toString();
        server = InProcessServerBuilder.forName(name)
                .executor(virtualThreads)
                .addService(ServerInterceptors.intercept(
                        service,
                        new CallGate(
                                CAPACITY,
                                Duration.ofMillis(300),
                                Set.of(AuthServiceGrpc.SERVICE_NAME),
                                new PrometheusRegistry())))
                .addService(ServerInterceptors.intercept(
                        health.getHealthService(),
                        new CallGate(
                                CAPACITY,
                                Duration.ofMillis(300),
                                Set.of(AuthServiceGrpc.SERVICE_NAME),
                                new PrometheusRegistry())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        handlerMayFinish.release(100);
        channel.shutdownNow();
        server.shutdownNow();
        virtualThreads.shutdownNow();
    }

    private CompletableFuture<WhoAmIResponse> callAsync() {
        return CompletableFuture.supplyAsync(
                () -> AuthServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .whoAmI(WhoAmIRequest.getDefaultInstance()),
                virtualThreads);
    }

    @Test
    void callsBeyondCapacity_waitBriefly_thenFailServerBusyWithRetryDelay() throws Exception {
        var first = callAsync();
        var second = callAsync();
        assertThat(handlerEntered.tryAcquire(CAPACITY, 5, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        assertThatThrownBy(() -> AuthServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .whoAmI(WhoAmIRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(GrpcErrors.reason(e)).isEqualTo(ErrorReason.SERVER_BUSY.name());
                    assertThat(e.getStatus().getDescription()).contains("busy");
                    var details = StatusProto.fromThrowable(e).getDetailsList();
                    assertThat(details.stream()
                                    .filter(d -> d.is(RetryInfo.class))
                                    .count())
                            .isEqualTo(1);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(mostRunning.get()).isEqualTo(CAPACITY);

        // Health is never gated: a full server still answers its probes.
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isEqualTo(ServingStatus.SERVING);

        handlerMayFinish.release(CAPACITY);
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        assertThat(onVirtualThread).isTrue();
    }

    @Test
    void aWaitingCall_getsThePermitAFinishedCallReturns() throws Exception {
        var first = callAsync();
        var second = callAsync();
        assertThat(handlerEntered.tryAcquire(CAPACITY, 5, TimeUnit.SECONDS)).isTrue();
        var third = callAsync(); // waits for a permit
        Thread.sleep(50);
        handlerMayFinish.release(); // one of the first two finishes; the third takes its permit
        assertThat(handlerEntered.tryAcquire(1, 5, TimeUnit.SECONDS)).isTrue();
        handlerMayFinish.release(2);
        CompletableFuture.allOf(first, second, third).get(5, TimeUnit.SECONDS);
        assertThat(mostRunning.get()).isEqualTo(CAPACITY);
    }

    @Test
    void aCancelledCall_keepsItsPermitUntilItsHandlerReturns() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        Context.CancellableContext ctx = Context.current().withCancellation();
        var held = CompletableFuture.runAsync(
                () -> ctx.run(() -> {
                    try {
                        AuthServiceGrpc.newBlockingStub(channel).whoAmI(WhoAmIRequest.getDefaultInstance());
                    } catch (StatusRuntimeException e) {
                        cancelled.countDown();
                    }
                }),
                virtualThreads);
        var other = callAsync();
        assertThat(handlerEntered.tryAcquire(CAPACITY, 5, TimeUnit.SECONDS)).isTrue();
        ctx.cancel(null);
        assertThat(cancelled.await(5, TimeUnit.SECONDS)).isTrue();

        // Both handlers still run (the cancelled one may hold a database connection): no third gets in.
        var next = callAsync();
        assertThat(handlerEntered.tryAcquire(1, 150, TimeUnit.MILLISECONDS)).isFalse();
        handlerMayFinish.release(); // one handler returns, its permit goes to the waiting call
        assertThat(handlerEntered.tryAcquire(1, 5, TimeUnit.SECONDS)).isTrue();
        handlerMayFinish.release(2);
        other.get(5, TimeUnit.SECONDS);
        next.get(5, TimeUnit.SECONDS);
        held.get(5, TimeUnit.SECONDS);
        assertThat(mostRunning.get()).isEqualTo(CAPACITY);
    }
}
