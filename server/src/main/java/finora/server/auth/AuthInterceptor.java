package finora.server.auth;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.grpc.StatusMappingInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates every call with {@code authorization: Bearer <token>} and enforces roles.
 *
 * <p>Health, reflection and {@code AuthService/Login} are open. Mutating RPCs need ADMIN; a READER
 * gets PERMISSION_DENIED. The caller is put in the context as a {@link Principal}, which scopes
 * every query to its tenant.
 */
public final class AuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");
    private static final Set<String> OPEN_METHODS = Set.of("finora.v1.AuthService/Login");

    /**
     * RPCs that change state (or send alerts); everything else is readable by READER tokens. The
     * BudgetService and NotificationService lines mirror the "Access:" comments of their protos.
     */
    static final Set<String> ADMIN_METHODS = Set.of(
            "finora.v1.IntegrationService/ConnectProvider",
            "finora.v1.IntegrationService/UpdateCredential",
            "finora.v1.IntegrationService/DeleteConnection",
            "finora.v1.IntegrationService/RefreshConnection",
            "finora.v1.BudgetService/CreateBudget",
            "finora.v1.BudgetService/UpdateBudget",
            "finora.v1.BudgetService/DeleteBudget",
            "finora.v1.NotificationService/CreateNotificationChannel",
            "finora.v1.NotificationService/TestNotificationChannel",
            "finora.v1.NotificationService/DeleteNotificationChannel");

    private final Accounts accounts;

    /** Creates the interceptor over the accounts that know the tokens. */
    public AuthInterceptor(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String service = call.getMethodDescriptor().getServiceName();
        if (OPEN_SERVICES.contains(service) || OPEN_METHODS.contains(method)) {
            return next.startCall(call, headers);
        }
        Principal principal;
        try {
            principal = authenticate(headers.get(AUTHORIZATION));
            if (ADMIN_METHODS.contains(method) && principal.role() != Role.ADMIN) {
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
