package finora.server.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become statuses (the table of DESIGN.md §4), so handlers carry
 * no try/catch and nothing reaches a client as UNKNOWN.
 *
 * <ul>
 *   <li>{@link FinoraException}: its reason's code, its description, and {@code ErrorInfo}.
 *   <li>{@link StatusRuntimeException} / {@link StatusException}: passed on as thrown.
 *   <li>a database that cannot be reached: UNAVAILABLE, reason DATABASE_UNAVAILABLE.
 *   <li>anything else: INTERNAL with a generic text and a reference that is also logged.
 * </ul>
 *
 * It catches both exceptions thrown by handlers and those passed to {@code onError}, which grpc
 * would otherwise send as UNKNOWN.
 */
public final class StatusMappingInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(StatusMappingInterceptor.class);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MappingCall<Q, R> mapping = new MappingCall<>(call);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(mapping, headers);
        } catch (RuntimeException e) {
            mapping.closeWith(e);
            return new ServerCall.Listener<>() {};
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    mapping.closeWith(e);
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    mapping.closeWith(e);
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } catch (RuntimeException e) {
                    mapping.closeWith(e);
                }
            }
        };
    }

    /** Maps any throwable to the status and trailers a client receives. */
    public static StatusRuntimeException toStatus(Throwable t) {
        if (isMalformedRequest(t)) {
            return build(
                    ErrorReason.INVALID_ARGUMENT,
                    "The request is not a well-formed protobuf message of this RPC (e.g. a string that is not UTF-8)",
                    null);
        }
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof StatusException se) {
            return new StatusRuntimeException(se.getStatus(), se.getTrailers());
        }
        if (t instanceof FinoraException fe) {
            return build(fe.reason(), fe.getMessage(), fe);
        }
        if (isDatabaseUnreachable(t)) {
            log.warn("Database unreachable during a call: {}", t.toString());
            return build(
                    ErrorReason.DATABASE_UNAVAILABLE,
                    "The database is unavailable right now; nothing was changed. Try again shortly.",
                    null);
        }
        String ref = UUID.randomUUID().toString();
        log.error("Unexpected failure, reference {}", ref, t);
        return build(ErrorReason.INTERNAL, "Internal error (reference " + ref + ")", null);
    }

    private static StatusRuntimeException build(ErrorReason reason, String description, FinoraException fe) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(reason.name()).setDomain(ErrorReason.DOMAIN);
        if (fe != null) {
            info.putAllMetadata(fe.metadata());
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(reason.code().value())
                .setMessage(description)
                .addDetails(Any.pack(info.build()));
        if (fe != null && fe.retryDelay().isPresent()) {
            status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                            .setSeconds(fe.retryDelay().get().toSeconds()))
                    .build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /** A request that did not parse (see {@link RequestLimitsInterceptor#guard}). */
    private static boolean isMalformedRequest(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidProtocolBufferException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDatabaseUnreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Closes at most once, and maps UNKNOWN closes (from {@code onError}) on the way out. */
    private static final class MappingCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final AtomicBoolean closed = new AtomicBoolean();

        MappingCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (status.getCode() == Status.Code.UNKNOWN && status.getCause() != null) {
                closeWith(status.getCause());
                return;
            }
            if (closed.compareAndSet(false, true)) {
                super.close(status, trailers);
            }
        }

        void closeWith(Throwable t) {
            StatusRuntimeException mapped = toStatus(t);
            Metadata trailers = mapped.getTrailers() != null ? mapped.getTrailers() : new Metadata();
            if (closed.compareAndSet(false, true)) {
                super.close(mapped.getStatus(), trailers);
            }
        }
    }
}
