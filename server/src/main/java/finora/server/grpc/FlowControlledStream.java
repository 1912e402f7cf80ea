package finora.server.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending side of a long server stream (an export): sends a message only while the client keeps
 * up (gRPC flow control), so a slow reader never makes the server buffer the stream, and gives up on a
 * client that reads nothing for {@code stallTimeout}, so a stalled reader cannot keep a connection and
 * a transaction.
 *
 * <p>Runs on the stream's own thread: the call's callbacks (ready, cancelled) only wake it.
 *
 * @param <T> the response message
 */
public final class FlowControlledStream<T> {
    /** Re-checks readiness this often in case a wake-up is missed. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServerCallStreamObserver<T> call;
    private final Duration stallTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Must be created inside the call's handler: grpc accepts the handlers only before it returns. */
    public FlowControlledStream(ServerCallStreamObserver<T> call, Duration stallTimeout) {
        this.call = call;
        this.stallTimeout = stallTimeout;
        call.setOnReadyHandler(this::wake);
        call.setOnCancelHandler(this::wake);
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends {@code message} once the client can take it; throws CANCELLED when the client went away and
     * {@link ErrorReason#EXPORT_STALLED} when it read nothing for the stall timeout.
     */
    public void send(T message) {
        awaitReady();
        call.onNext(message);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        lock.lock();
        try {
            while (!call.isReady()) {
                if (call.isCancelled()) {
                    throw Status.CANCELLED
                            .withDescription("The client cancelled the export")
                            .asRuntimeException();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new FinoraException(
                            ErrorReason.EXPORT_STALLED,
                            "The export was stopped: the client read"
                                    + " nothing for " + stallTimeout.toSeconds()
                                    + " s. Read the stream as it arrives and"
                                    + " export again.");
                }
                changed.awaitNanos(Math.min(left, POLL_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("The server is shutting down")
                    .asRuntimeException();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream: completed, or failed with {@code failure} unless the client already went away. */
    public void finish(Throwable failure) {
        if (call.isCancelled()) {
            return;
        }
        if (failure == null) {
            call.onCompleted();
        } else {
            call.onError(failure); // the status-mapping interceptor turns it into the right status
        }
    }

    public boolean cancelled() {
        return call.isCancelled();
    }
}
