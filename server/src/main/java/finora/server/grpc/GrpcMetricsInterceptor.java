package finora.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Records {@code finora_grpc_server_handling_seconds{grpc_service,grpc_method,grpc_code}}: the time
 * from a call's start to its close, with the status the client received (CANCELLED when the client
 * went away first). Register it outermost, so it sees statuses after {@link StatusMappingInterceptor}
 * mapped them.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
    private final Histogram latency;

    /** Registers the histogram in {@code registry}. */
    public GrpcMetricsInterceptor(PrometheusRegistry registry) {
        this.latency = Histogram.builder()
                .name("finora_grpc_server_handling_seconds")
                .help("Time to handle a gRPC call, by service, method and status code")
                .labelNames("grpc_service", "grpc_method", "grpc_code")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String service = call.getMethodDescriptor().getServiceName();
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicBoolean recorded = new AtomicBoolean();
        Consumer<Status.Code> record = code -> {
            if (recorded.compareAndSet(false, true)) {
                latency.labelValues(service == null ? "" : service, method == null ? "" : method, code.name())
                        .observe((System.nanoTime() - start) / 1e9);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        record.accept(status.getCode());
                        super.close(status, trailers);
                    }
                },
                headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                record.accept(Status.Code.CANCELLED); // the client went away (deadline, cancel) before a close
                super.onCancel();
            }
        };
    }
}
