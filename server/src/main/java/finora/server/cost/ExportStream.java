package finora.server.cost;

import com.google.protobuf.ByteString;
import finora.api.v1.ExportCostsResponse;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending side of one export: sends a chunk only while the client keeps up (gRPC flow control),
 * so a slow reader never makes the server buffer the export, and gives up on a client that reads
 * nothing for {@code stallTimeout}, so a stalled reader cannot keep a connection and a transaction.
 *
 * <p>Runs on the export's own thread: the call's callbacks (ready, cancelled) only wake it.
 */
final class ExportStream {
    /** Re-checks readiness this often in case a wake-up is missed. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServerCallStreamObserver<ExportCostsResponse> call;
    private final Duration stallTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Must be created inside the call's handler: grpc accepts the handlers only before it returns. */
    ExportStream(ServerCallStreamObserver<ExportCostsResponse> call, Duration stallTimeout) {
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
     * Sends {@code chunk} once the client can take it; throws CANCELLED when the client went away and
     * {@link ErrorReason#EXPORT_STALLED} when it read nothing for the stall timeout.
     */
    void send(CharSequence chunk, int rows) {
        if (chunk.length() == 0) {
            return;
        }
        awaitReady();
        call.onNext(ExportCostsResponse.newBuilder()
                .setData(ByteString.copyFromUtf8(chunk.toString())).setRows(rows).build());
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        lock.lock();
        try {
            while (!call.isReady()) {
                if (call.isCancelled()) {
                    throw Status.CANCELLED.withDescription("The client cancelled the export").asRuntimeException();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new FinoraException(ErrorReason.EXPORT_STALLED, "The export was stopped: the client read"
                            + " nothing for " + stallTimeout.toSeconds() + " s. Read the stream as it arrives and"
                            + " export again.");
                }
                changed.awaitNanos(Math.min(left, POLL_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("The server is shutting down").asRuntimeException();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream: completed, or failed with {@code failure} unless the client already went away. */
    void finish(Throwable failure) {
        if (call.isCancelled()) {
            return;
        }
        if (failure == null) {
            call.onCompleted();
        } else {
            call.onError(failure); // the status-mapping interceptor turns it into the right status
        }
    }

    boolean cancelled() {
        return call.isCancelled();
    }
}
