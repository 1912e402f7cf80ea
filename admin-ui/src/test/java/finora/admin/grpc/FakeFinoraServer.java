package finora.admin.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.LoginRequest;
import finora.api.v1.LoginResponse;
import finora.api.v1.LogoutRequest;
import finora.api.v1.LogoutResponse;
import finora.api.v1.Plan;
import finora.api.v1.WhoAmIRequest;
import finora.api.v1.WhoAmIResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process stand-in for the Finora server: a fake AuthService with one user, fake
 * IntegrationService, CostService, BudgetService and NotificationService, the standard health service,
 * and a record of what each call carried (authorization and client-address headers, deadline).
 *
 * <p>A JUnit extension: registered as a field ({@code @RegisterExtension final FakeFinoraServer server =
 * new FakeFinoraServer();}) it closes its channels and itself after each test.
 */
public final class FakeFinoraServer implements AutoCloseable, AfterEachCallback {

    public static final String EMAIL = "ada@example.com";
    public static final String PASSWORD = "correct horse battery staple";
    public static final String TOKEN = "fin_sess_0123456789abcdef";
    public static final String TENANT = "Acme Analytics";
    public static final Instant EXPIRES = Instant.parse("2030-01-02T03:04:05Z");

    /** The authorization header of the call being served. */
    static final Context.Key<String> CALL_AUTHORIZATION = Context.key("authorization");

    private final String name = InProcessServerBuilder.generateName();
    private final HealthStatusManager health = new HealthStatusManager();
    private final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();
    private final List<Deadline> deadlines = new CopyOnWriteArrayList<>();
    private final List<String> clientAddressHeaders = new CopyOnWriteArrayList<>();
    private final List<String> revokedTokens = new CopyOnWriteArrayList<>();
    private final Server server;
    private final FakeIntegrationService integration = new FakeIntegrationService(this);
    private final FakeCostService costs = new FakeCostService(this);
    private final FakeBudgetService budgets = new FakeBudgetService(this);
    private final FakeNotificationService notifications = new FakeNotificationService(this);
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private volatile StatusRuntimeException nextFailure;
    private volatile boolean hang;

    public FakeFinoraServer() {
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String authorization = headers.get(Calls.AUTHORIZATION);
                authorizationHeaders.add(authorization == null ? "<none>" : authorization);
                String clientAddress = headers.get(Calls.CLIENT_ADDRESS);
                clientAddressHeaders.add(clientAddress == null ? "<none>" : clientAddress);
                Deadline deadline = Context.current().getDeadline();
                if (deadline != null) {
                    deadlines.add(deadline);
                }
                return Contexts.interceptCall(
                        Context.current().withValue(CALL_AUTHORIZATION, authorization), call, headers, next);
            }
        };
        try {
            server = InProcessServerBuilder.forName(name)
                    .directExecutor()
                    .addService(ServerInterceptors.intercept(new FakeAuthService(), recorder))
                    .addService(ServerInterceptors.intercept(integration, recorder))
                    .addService(ServerInterceptors.intercept(costs, recorder))
                    .addService(ServerInterceptors.intercept(budgets, recorder))
                    .addService(ServerInterceptors.intercept(notifications, recorder))
                    .addService(health.getHealthService())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new channel to this server; closed with the server. */
    public ManagedChannel newChannel() {
        ManagedChannel channel =
                InProcessChannelBuilder.forName(name).directExecutor().build();
        channels.add(channel);
        return channel;
    }

    /** The test's channel to this server: the same one on every call, closed with the server. */
    public synchronized ManagedChannel channel() {
        return channels.isEmpty() ? newChannel() : channels.get(0);
    }

    /** A channel to an in-process name nobody listens on: every call fails with UNAVAILABLE. */
    public static ManagedChannel channelToNowhere() {
        return InProcessChannelBuilder.forName("nobody-listens-" + InProcessServerBuilder.generateName())
                .build();
    }

    public void setHealth(ServingStatus status) {
        health.setStatus("", status);
    }

    /** The fake IntegrationService: connections, and what the calls asked for. */
    public FakeIntegrationService integration() {
        return integration;
    }

    /** The fake CostService: line items to answer from, and what the calls asked for. */
    public FakeCostService costs() {
        return costs;
    }

    /** The fake BudgetService: budgets and anomalies. */
    public FakeBudgetService budgets() {
        return budgets;
    }

    /** The fake NotificationService: channels, test deliveries and what the calls sent. */
    public FakeNotificationService notifications() {
        return notifications;
    }

    /** The next call to any of the fake services fails with this status. */
    public void failNextCall(StatusRuntimeException failure) {
        nextFailure = failure;
    }

    /** Calls never answer, so the client's deadline must end them. */
    public void hang() {
        hang = true;
    }

    public List<String> authorizationHeaders() {
        return authorizationHeaders;
    }

    /** The {@code x-finora-client-address} of each call, {@code <none>} where it had none. */
    public List<String> clientAddressHeaders() {
        return clientAddressHeaders;
    }

    public List<Deadline> deadlines() {
        return deadlines;
    }

    public List<String> revokedTokens() {
        return revokedTokens;
    }

    /** A status the way the real server sends it: code, description and an ErrorInfo reason. */
    public static StatusRuntimeException error(Code code, String reason, String description) {
        return error(code, reason, description, null);
    }

    /** As {@link #error(Code, String, String)}, blaming a request field in the ErrorInfo metadata. */
    public static StatusRuntimeException error(Code code, String reason, String description, String field) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(reason).setDomain("finora.services");
        if (field != null) {
            info.putMetadata("field", field);
        }
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(description)
                .addDetails(Any.pack(info.build()))
                .build());
    }

    /** LOGIN_THROTTLED as the real server sends it: RESOURCE_EXHAUSTED, ErrorInfo and RetryInfo. */
    public static StatusRuntimeException loginThrottled(long seconds) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.RESOURCE_EXHAUSTED.getNumber())
                .setMessage("Too many login attempts; try again in " + seconds + " s")
                .addDetails(Any.pack(ErrorInfo.newBuilder()
                        .setReason("LOGIN_THROTTLED")
                        .setDomain("finora.services")
                        .putMetadata("retry_after_seconds", Long.toString(seconds))
                        .build()))
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(seconds))
                        .build()))
                .build());
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        server.shutdownNow();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private WhoAmIResponse identity() {
        return WhoAmIResponse.newBuilder()
                .setTenantId("7f1e8a52-0000-4000-8000-000000000001")
                .setTenantName(TENANT)
                .setPlan(Plan.PLAN_GROWTH)
                .setRole(finora.api.v1.Role.ROLE_ADMIN)
                .setSubject(EMAIL)
                .setSession(true)
                .build();
    }

    /**
     * Whether the call was answered already: by a scheduled failure, by hanging, or (when
     * {@code needsToken}) with UNAUTHENTICATED for a missing, wrong or revoked token.
     */
    boolean answeredAlready(StreamObserver<?> response, boolean needsToken) {
        if (failedOrHung(response)) {
            return true;
        }
        String authorization = CALL_AUTHORIZATION.get();
        if (needsToken && (!("Bearer " + TOKEN).equals(authorization) || revokedTokens.contains(authorization))) {
            response.onError(Status.UNAUTHENTICATED
                    .withDescription("The token is unknown, expired or revoked.")
                    .asRuntimeException());
            return true;
        }
        return false;
    }

    /** Revokes the session token, as an expired or logged-out session would be. */
    public void revokeSession() {
        revokedTokens.add("Bearer " + TOKEN);
    }

    private boolean failedOrHung(StreamObserver<?> response) {
        if (hang) {
            return true;
        }
        StatusRuntimeException failure = nextFailure;
        if (failure != null) {
            nextFailure = null;
            response.onError(failure);
            return true;
        }
        return false;
    }

    private final class FakeAuthService extends AuthServiceGrpc.AuthServiceImplBase {

        @Override
        public void login(LoginRequest request, StreamObserver<LoginResponse> response) {
            if (failedOrHung(response)) {
                return;
            }
            if (!request.getEmail().equalsIgnoreCase(EMAIL)
                    || !request.getPassword().equals(PASSWORD)) {
                response.onError(Status.UNAUTHENTICATED
                        .withDescription("Wrong email or password.")
                        .asRuntimeException());
                return;
            }
            response.onNext(LoginResponse.newBuilder()
                    .setSessionToken(TOKEN)
                    .setExpireTime(Timestamp.newBuilder().setSeconds(EXPIRES.getEpochSecond()))
                    .setIdentity(identity())
                    .build());
            response.onCompleted();
        }

        @Override
        public void logout(LogoutRequest request, StreamObserver<LogoutResponse> response) {
            if (failedOrHung(response)) {
                return;
            }
            revokedTokens.add(authorizationHeaders.get(authorizationHeaders.size() - 1));
            response.onNext(LogoutResponse.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
            if (failedOrHung(response)) {
                return;
            }
            String authorization = authorizationHeaders.get(authorizationHeaders.size() - 1);
            if (!("Bearer " + TOKEN).equals(authorization) || revokedTokens.contains(authorization)) {
                response.onError(Status.UNAUTHENTICATED
                        .withDescription("The token is unknown, expired or revoked.")
                        .asRuntimeException());
                return;
            }
            response.onNext(identity());
            response.onCompleted();
        }
    }
}
