package finora.server.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how many unary calls of the Finora services run at once, so that calls on virtual threads
 * cannot pile up in front of a database pool that serves only a few at a time.
 *
 * <p>A call takes a permit before its handler (and authentication) starts and returns it once the
 * call has closed or been cancelled and its handler has returned. A call that finds no permit waits up to {@code maxWait} (on its own
 * virtual thread, which costs no platform thread), then fails with RESOURCE_EXHAUSTED, reason
 * {@link ErrorReason#SERVER_BUSY} and a {@code google.rpc.RetryInfo}. Health, reflection and
 * streaming calls (exports, which have limits of their own) are not gated: a busy server must still
 * answer its health checks.
 */
public final class CallGate implements ServerInterceptor {
    private final Semaphore permits;
    private final int capacity;
    private final Duration maxWait;
    private final Set<String> gatedServices;
    private final Gauge inFlight;
    private final Counter rejected;

    /**
     * @param capacity calls that may run at once (normally the database pool's size)
     * @param maxWait how long a call may wait for a permit before it is refused
     * @param gatedServices full names of the services whose unary calls are gated
     */
    public CallGate(int capacity, Duration maxWait, Set<String> gatedServices, PrometheusRegistry registry) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.permits = new Semaphore(capacity, true); // fair: the longest waiter goes first
        this.capacity = capacity;
        this.maxWait = maxWait;
        this.gatedServices = Set.copyOf(gatedServices);
        this.inFlight = Gauge.builder()
                .name("finora_grpc_calls_in_flight")
                .help("Unary Finora calls holding a permit of the call gate")
                .register(registry);
        this.rejected = Counter.builder()
                .name("finora_grpc_calls_rejected_busy_total")
                .help("Calls refused with SERVER_BUSY after waiting for a permit")
                .register(registry);
    }

    /** How many calls may run at once. */
    public int capacity() {
        return capacity;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        var method = call.getMethodDescriptor();
        if (method.getType() != MethodType.UNARY || !gatedServices.contains(method.getServiceName())) {
            return next.startCall(call, headers);
        }
        if (!acquire()) {
            rejected.inc();
            busy(call);
            return new ServerCall.Listener<>() {};
        }
        inFlight.inc();
        Permit permit = new Permit();
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(
                    new SimpleForwardingServerCall<>(call) {
                        @Override
                        public void close(Status status, Metadata trailers) {
                            try {
                                super.close(status, trailers);
                            } finally {
                                permit.callEnded();
                            }
                        }
                    },
                    headers);
        } catch (RuntimeException | Error e) {
            permit.callEnded();
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onHalfClose() {
                permit.handlerStarts(); // a unary handler runs inside onHalfClose
                try {
                    super.onHalfClose();
                } finally {
                    permit.handlerReturned();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    permit.callEnded();
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    permit.callEnded();
                }
            }
        };
    }

    /**
     * One call's permit. It goes back when the call has ended (closed, completed or cancelled) and its
     * handler is not running: a client that cancels does not free the slot while the handler still
     * holds a database connection.
     */
    private final class Permit {
        private boolean handlerRunning;
        private boolean ended;
        private boolean released;

        synchronized void handlerStarts() {
            handlerRunning = true;
        }

        synchronized void handlerReturned() {
            handlerRunning = false;
            releaseIfDone();
        }

        synchronized void callEnded() {
            ended = true;
            releaseIfDone();
        }

        private void releaseIfDone() {
            if (ended && !handlerRunning && !released) {
                released = true;
                inFlight.dec();
                permits.release();
            }
        }
    }

    private boolean acquire() {
        try {
            return permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void busy(ServerCall<?, ?> call) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(ErrorReason.SERVER_BUSY.code().value())
                .setMessage("The server is busy; nothing was done. Try again in a moment.")
                .addDetails(Any.pack(ErrorInfo.newBuilder()
                        .setReason(ErrorReason.SERVER_BUSY.name())
                        .setDomain(ErrorReason.DOMAIN)
                        .build()))
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(
                                com.google.protobuf.Duration.newBuilder().setSeconds(Math.max(1, maxWait.toSeconds())))
                        .build()))
                .build();
        var exception = StatusProto.toStatusRuntimeException(status);
        call.close(exception.getStatus(), exception.getTrailers());
    }
}
