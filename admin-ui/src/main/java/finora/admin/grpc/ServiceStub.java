package finora.admin.grpc;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractBlockingStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Function;

/**
 * One server service's blocking stub on the shared channel, as the feature clients use it: each call
 * gets a fresh deadline and the user's bearer token, and a failed call arrives as a
 * {@link FinoraCallException} in the server's words. The feature clients build requests and read
 * answers; this is the only gRPC plumbing they touch.
 *
 * @param <S> the generated blocking stub, e.g. {@code CostServiceGrpc.CostServiceBlockingStub}
 */
public final class ServiceStub<S extends AbstractBlockingStub<S>> {

    private final S stub;
    private final String target;

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param newStub the generated factory, e.g. {@code CostServiceGrpc::newBlockingStub}
     */
    public ServiceStub(Channel channel, Function<Channel, S> newStub) {
        this.stub = newStub.apply(channel);
        this.target = Objects.requireNonNull(channel.authority());
    }

    /**
     * Makes one call.
     *
     * @param token the user's session token, or null for a call without one
     * @param deadline how long the call may take, from now
     * @throws FinoraCallException the server refused, or could not be reached in time
     */
    public <T> T call(String token, Duration deadline, Function<S, T> rpc) {
        return translated(Calls.prepare(stub, deadline, token), rpc);
    }

    /** As {@link #call(String, Duration, Function)}, telling the server the browser's IP address (sign-in). */
    public <T> T callFrom(String clientAddress, Duration deadline, Function<S, T> rpc) {
        return translated(Calls.withClientAddress(Calls.prepare(stub, deadline, null), clientAddress), rpc);
    }

    /**
     * Reads a server stream to its end, handing each message to {@code sink} as it arrives. If the sink
     * fails (e.g. the browser stopped a download), the stream is cancelled so the server stops sending.
     *
     * @throws UncheckedIOException the sink failed
     * @throws FinoraCallException the server refused or failed part-way
     */
    public <T> void stream(String token, Duration deadline, Function<S, Iterator<T>> rpc, MessageSink<T> sink) {
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            context.run(() -> {
                Iterator<T> messages = call(token, deadline, rpc);
                while (translated(messages, Iterator::hasNext)) {
                    try {
                        sink.accept(messages.next());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (RuntimeException e) {
            context.cancel(e);
            throw e;
        } finally {
            context.close();
        }
    }

    /** Applies {@code step} to {@code on}, a failed call becoming the plain exception the views understand. */
    private <I, T> T translated(I on, Function<I, T> step) {
        try {
            return step.apply(on);
        } catch (StatusRuntimeException e) {
            throw Calls.translate(e, target);
        }
    }

    /** Where this stub sends its calls, for messages like "not reachable at ...". */
    public String target() {
        return target;
    }

    /** Takes one message of a server stream. */
    @FunctionalInterface
    public interface MessageSink<T> {
        void accept(T message) throws IOException;
    }
}
