package finora.server.auth;

import finora.api.v1.Access;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.grpc.StatusMappingInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Authenticates every call with {@code authorization: Bearer <token>} and enforces the access each
 * RPC declares ({@link RpcAccess}): PUBLIC needs no token, READER any live token, ADMIN an ADMIN
 * token (a READER gets PERMISSION_DENIED). An RPC that declares nothing is refused: roles fail
 * closed. The caller is put in the context as a {@link Principal}, which scopes every query to its
 * tenant.
 */
public final class AuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<String> CLIENT_ADDRESS = Context.key("finora-client-address");

    private final Accounts accounts;

    /** Creates the interceptor over the accounts that know the tokens. */
    public AuthInterceptor(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Principal principal;
        try {
            Access access = RpcAccess.of(call.getMethodDescriptor()).orElseThrow(() -> new FinoraException(
                    ErrorReason.ROLE_REQUIRED, "This RPC declares no access and is refused"));
            if (access == Access.ACCESS_PUBLIC) {
                return Contexts.interceptCall(Context.current().withValue(CLIENT_ADDRESS, clientAddress(call)),
                        call, headers, next);
            }
            principal = authenticate(headers.get(AUTHORIZATION));
            if (access == Access.ACCESS_ADMIN && principal.role() != Role.ADMIN) {
                throw new FinoraException(ErrorReason.ROLE_REQUIRED,
                        "This call changes settings and needs an ADMIN token; this token is "
                                + principal.role());
            }
        } catch (RuntimeException e) {
            StatusRuntimeException status = StatusMappingInterceptor.toStatus(e);
            call.close(status.getStatus(),
                    status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        Context context = Context.current().withValue(Principal.KEY, principal);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The network address of the current public call's client (login throttling keys on it). */
    static String currentClientAddress() {
        String address = CLIENT_ADDRESS.get();
        return address == null ? "unknown" : address;
    }

    private static String clientAddress(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return remote == null ? "unknown" : remote.toString();
    }

    private Principal authenticate(String header) {
        if (header == null || header.isBlank()) {
            throw new FinoraException(ErrorReason.TOKEN_MISSING,
                    "Send a token as 'authorization: Bearer <token>'");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw new FinoraException(ErrorReason.TOKEN_MISSING,
                    "The authorization header must be 'Bearer <token>'");
        }
        Optional<Principal> principal = accounts.authenticate(parts[1].trim());
        return principal.orElseThrow(() -> new FinoraException(ErrorReason.TOKEN_INVALID,
                "The token is unknown, revoked or expired"));
    }
}
