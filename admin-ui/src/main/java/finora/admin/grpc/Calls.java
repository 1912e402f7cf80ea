package finora.admin.grpc;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What every client call shares: a fresh deadline, the bearer token and the error translation. */
final class Calls {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * The browser's address on Login, so the server throttles each browser on its own rather than the
     * admin UI as a whole; the server believes it only from callers it trusts (FINORA_LOGIN_TRUSTED_PROXIES).
     */
    static final Metadata.Key<String> CLIENT_ADDRESS =
            Metadata.Key.of("x-finora-client-address", Metadata.ASCII_STRING_MARSHALLER);

    private Calls() {}

    /** The stub for one call: the deadline starts now, so it must not be reused for later calls. */
    static <S extends AbstractStub<S>> S prepare(S stub, Duration deadline, String token) {
        S prepared = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        if (token == null) {
            return prepared;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return prepared.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** The stub with the browser's address attached, or as it is when there is none. */
    static <S extends AbstractStub<S>> S withClientAddress(S stub, String clientAddress) {
        if (clientAddress == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(CLIENT_ADDRESS, clientAddress);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Turns a failed call into the plain exception the views understand. */
    static FinoraCallException translate(StatusRuntimeException e, String target) {
        Status status = e.getStatus();
        ErrorInfo info = errorInfo(e);
        String reason = info == null ? null : info.getReason();
        String field = info == null ? null : info.getMetadataOrDefault("field", null);
        String description = status.getDescription();
        return switch (status.getCode()) {
            // UNAVAILABLE with a reason is the server speaking (e.g. PROVIDER_UNAVAILABLE), not the server being down.
            case UNAVAILABLE ->
                reason == null
                        ? new ServerUnreachableException(target, e)
                        : new FinoraCallException(reason, field, describe(description), e);
            case DEADLINE_EXCEEDED -> new ServerUnreachableException(target, e);
            case UNAUTHENTICATED ->
                new NotAuthenticatedException(
                        reason, description != null ? description : "Your session has ended. Please sign in again.", e);
            case PERMISSION_DENIED ->
                new PermissionDeniedException(
                        reason, description != null ? description : "Your role does not allow this.", e);
            case RESOURCE_EXHAUSTED ->
                "LOGIN_THROTTLED".equals(reason)
                        ? new LoginThrottledException(reason, describe(description), retryDelayOf(e), e)
                        : new FinoraCallException(reason, describe(description), e);
            case INTERNAL, UNKNOWN, DATA_LOSS ->
                new FinoraCallException(
                        reason,
                        "The Finora server could not complete the request. Try again; if it persists, check the server log.",
                        e);
            default -> new FinoraCallException(reason, field, describe(description), e);
        };
    }

    private static String describe(String description) {
        return description != null && !description.isBlank() ? description : "The Finora server rejected the request.";
    }

    /** The server's RetryInfo delay, else its ErrorInfo {@code retry_after_seconds}, else null. */
    private static Duration retryDelayOf(StatusRuntimeException e) {
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        if (details == null) {
            return null;
        }
        try {
            for (var any : details.getDetailsList()) {
                if (any.is(RetryInfo.class)) {
                    var delay = any.unpack(RetryInfo.class).getRetryDelay();
                    return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
                }
            }
            for (var any : details.getDetailsList()) {
                if (any.is(ErrorInfo.class)) {
                    String seconds =
                            any.unpack(ErrorInfo.class).getMetadataMap().get("retry_after_seconds");
                    if (seconds != null && seconds.matches("[0-9]{1,9}")) {
                        return Duration.ofSeconds(Long.parseLong(seconds));
                    }
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
            return null;
        }
        return null;
    }

    private static ErrorInfo errorInfo(StatusRuntimeException e) {
        com.google.rpc.Status details = StatusProto.fromThrowable(e);
        if (details == null) {
            return null;
        }
        for (var any : details.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                try {
                    return any.unpack(ErrorInfo.class);
                } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                    return null;
                }
            }
        }
        return null;
    }
}
