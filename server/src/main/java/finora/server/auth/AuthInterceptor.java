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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates every call with {@code authorization: Bearer <token>} and enforces the access each
 * RPC declares ({@link RpcAccess}): PUBLIC needs no token, READER any live token, ADMIN an ADMIN
 * token (a READER gets PERMISSION_DENIED). An RPC that declares nothing is refused: roles fail
 * closed. The caller is put in the context as a {@link Principal}, which scopes every query to its
 * tenant.
 *
 * <p>A public call (Login) gets its {@link LoginOrigin} instead: the caller's address, or the end
 * user's address that a {@linkplain TrustedProxies trusted proxy} forwarded.
 */
public final class AuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static final Metadata.Key<String> CLIENT_ADDRESS_HEADER =
            Metadata.Key.of(LoginOrigin.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<LoginOrigin> LOGIN_ORIGIN = Context.key("finora-login-origin");

    private final Accounts accounts;
    private final TrustedProxies trustedProxies;

    /**
     * Creates the interceptor over the accounts that know the tokens.
     *
     * @param trustedProxies callers whose {@value LoginOrigin#HEADER} is believed
     */
    public AuthInterceptor(Accounts accounts, TrustedProxies trustedProxies) {
        this.accounts = accounts;
        this.trustedProxies = trustedProxies;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Principal principal;
        try {
            Access access = RpcAccess.of(call.getMethodDescriptor())
                    .orElseThrow(() -> new FinoraException(
                            ErrorReason.ROLE_REQUIRED, "This RPC declares no access and is refused"));
            if (access == Access.ACCESS_PUBLIC) {
                return Contexts.interceptCall(
                        Context.current().withValue(LOGIN_ORIGIN, loginOrigin(call, headers)), call, headers, next);
            }
            principal = authenticate(headers.get(AUTHORIZATION));
            if (access == Access.ACCESS_ADMIN && principal.role() != Role.ADMIN) {
                throw new FinoraException(
                        ErrorReason.ROLE_REQUIRED,
                        "This call changes settings and needs an ADMIN token; this token is " + principal.role());
            }
        } catch (RuntimeException e) {
            StatusRuntimeException status = StatusMappingInterceptor.toStatus(e);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        Context context = Context.current().withValue(Principal.KEY, principal);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** Where the current public call comes from (login throttling keys on it). */
    static LoginOrigin currentLoginOrigin() {
        LoginOrigin origin = LOGIN_ORIGIN.get();
        return origin == null ? LoginOrigin.direct("unknown") : origin;
    }

    private LoginOrigin loginOrigin(ServerCall<?, ?> call, Metadata headers) {
        Iterable<String> values = headers.getAll(CLIENT_ADDRESS_HEADER);
        List<String> forwarded = new ArrayList<>();
        if (values != null) {
            values.forEach(forwarded::add);
        }
        return LoginOrigin.of(
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION),
                forwarded,
                trustedProxies);
    }

    private Principal authenticate(String header) {
        if (header == null || header.isBlank()) {
            throw new FinoraException(ErrorReason.TOKEN_MISSING, "Send a token as 'authorization: Bearer <token>'");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw new FinoraException(ErrorReason.TOKEN_MISSING, "The authorization header must be 'Bearer <token>'");
        }
        Optional<Principal> principal = accounts.authenticate(parts[1].trim());
        return principal.orElseThrow(
                () -> new FinoraException(ErrorReason.TOKEN_INVALID, "The token is unknown, revoked or expired"));
    }
}
