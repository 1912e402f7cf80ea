package finora.server.auth;

import com.google.protobuf.Timestamp;
import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.LoginRequest;
import finora.api.v1.LoginResponse;
import finora.api.v1.LogoutRequest;
import finora.api.v1.LogoutResponse;
import finora.api.v1.WhoAmIRequest;
import finora.api.v1.WhoAmIResponse;
import io.grpc.stub.StreamObserver;

/** {@code finora.v1.AuthService}: admin-UI sessions and the caller's identity. */
public final class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {
    private final Accounts accounts;

    /** Creates the service over the accounts. */
    public AuthGrpcService(Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> response) {
        Accounts.Session session =
                accounts.login(request.getEmail(), request.getPassword(), AuthInterceptor.currentLoginOrigin());
        response.onNext(LoginResponse.newBuilder()
                .setSessionToken(session.token().token())
                .setExpireTime(
                        Timestamp.newBuilder().setSeconds(session.expiresAt().toEpochSecond()))
                .setIdentity(identity(session.principal()))
                .build());
        response.onCompleted();
    }

    @Override
    public void logout(LogoutRequest request, StreamObserver<LogoutResponse> response) {
        Principal p = Principal.current();
        accounts.revokeToken(p.tenantId(), p.tokenId(), p.subject());
        response.onNext(LogoutResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
        response.onNext(identity(Principal.current()));
        response.onCompleted();
    }

    private static WhoAmIResponse identity(Principal p) {
        return WhoAmIResponse.newBuilder()
                .setTenantId(p.tenantId().toString())
                .setTenantName(p.tenantName())
                .setPlan(finora.api.v1.Plan.valueOf("PLAN_" + p.plan().name()))
                .setRole(finora.api.v1.Role.valueOf("ROLE_" + p.role().name()))
                .setSubject(p.subject())
                .setSession(p.session())
                .build();
    }
}
