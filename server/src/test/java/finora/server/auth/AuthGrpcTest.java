package finora.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.ListConnectionsRequest;
import finora.api.v1.LoginRequest;
import finora.api.v1.LogoutRequest;
import finora.api.v1.Provider;
import finora.api.v1.WhoAmIRequest;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthGrpcTest {
    private static TestServer server;
    private static TestServer.Tenant acme;
    private static TestServer.Tenant globex;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        acme = server.tenant("acme", Plan.SCALE);
        globex = server.tenant("globex", Plan.TRIAL);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static StatusRuntimeException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("call succeeded but should have failed");
    }

    @Test
    void noToken_isUnauthenticated() {
        var e = failure(() -> server.auth(null).whoAmI(WhoAmIRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(GrpcErrors.reason(e)).isEqualTo("TOKEN_MISSING");
    }

    @Test
    void badToken_isUnauthenticated() {
        var e = failure(() -> server.auth("fin_not-a-real-token").whoAmI(WhoAmIRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(GrpcErrors.reason(e)).isEqualTo("TOKEN_INVALID");
        assertThat(e.getStatus().getDescription()).doesNotContain("fin_not-a-real-token");
    }

    @Test
    void revokedToken_isUnauthenticated() {
        var issued = server.app().accounts().createToken(acme.id(), Role.ADMIN, "to revoke", "test");
        assertThat(server.auth(issued.token())
                        .whoAmI(WhoAmIRequest.getDefaultInstance())
                        .getTenantName())
                .isEqualTo("acme");
        assertThat(server.app().accounts().revokeToken(acme.id(), issued.id(), "test"))
                .isTrue();
        var e = failure(() -> server.auth(issued.token()).whoAmI(WhoAmIRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void tokenOfOneTenant_cannotRevokeAnothersToken() {
        var issued = server.app().accounts().createToken(globex.id(), Role.ADMIN, "globex", "test");
        assertThat(server.app().accounts().revokeToken(acme.id(), issued.id(), "test"))
                .isFalse();
        assertThat(server.auth(issued.token())
                        .whoAmI(WhoAmIRequest.getDefaultInstance())
                        .getTenantName())
                .isEqualTo("globex");
    }

    @Test
    void whoAmI_answersTheTokensTenantAndRole() {
        var me = server.auth(server.token(globex, Role.READER)).whoAmI(WhoAmIRequest.getDefaultInstance());
        assertThat(me.getTenantName()).isEqualTo("globex");
        assertThat(me.getTenantId()).isEqualTo(globex.id().toString());
        assertThat(me.getRole()).isEqualTo(finora.api.v1.Role.ROLE_READER);
        assertThat(me.getPlan()).isEqualTo(finora.api.v1.Plan.PLAN_TRIAL);
        assertThat(me.getSession()).isFalse();
    }

    @Test
    void reader_mayReadButNotChangeConnections() {
        String reader = server.token(acme, Role.READER);
        var denied = failure(() -> server.integrations(reader)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey("sk-ant-admin01-x")
                        .build()));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcErrors.reason(denied)).isEqualTo("ROLE_REQUIRED");

        // A read is allowed.
        assertThat(server.integrations(reader)
                        .listConnections(ListConnectionsRequest.getDefaultInstance())
                        .getConnectionsList())
                .isEmpty();
    }

    @Test
    void admin_passesAuthorizationForChanges() {
        String admin = server.token(acme, Role.ADMIN);
        var e = failure(() -> server.integrations(admin)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .build()));
        assertThat(e.getStatus().getCode()).isNotIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);
    }

    @Test
    void login_opensSessionWithUsersRole_andLogoutEndsIt() {
        server.app().accounts().createUser(acme.id(), "Viewer@Acme.test", "VIEWER", "correct horse battery", "test");
        var login = server.auth(null)
                .login(LoginRequest.newBuilder()
                        .setEmail("viewer@acme.test")
                        .setPassword("correct horse battery")
                        .build());
        assertThat(login.getSessionToken()).isNotBlank();
        assertThat(login.getIdentity().getRole()).isEqualTo(finora.api.v1.Role.ROLE_READER);
        assertThat(login.getIdentity().getSubject()).isEqualTo("viewer@acme.test");
        assertThat(login.getExpireTime().getSeconds())
                .isGreaterThan(server.clock().instant().getEpochSecond());

        var me = server.auth(login.getSessionToken()).whoAmI(WhoAmIRequest.getDefaultInstance());
        assertThat(me.getSession()).isTrue();
        assertThat(me.getTenantName()).isEqualTo("acme");

        server.auth(login.getSessionToken()).logout(LogoutRequest.getDefaultInstance());
        var after = failure(() -> server.auth(login.getSessionToken()).whoAmI(WhoAmIRequest.getDefaultInstance()));
        assertThat(after.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void login_withWrongPassword_saysNeitherWhichPartWasWrong() {
        server.app().accounts().createUser(acme.id(), "admin2@acme.test", "ADMIN", "right password 1", "test");
        var wrongPassword = failure(() -> server.auth(null)
                .login(LoginRequest.newBuilder()
                        .setEmail("admin2@acme.test")
                        .setPassword("wrong password")
                        .build()));
        var unknownUser = failure(() -> server.auth(null)
                .login(LoginRequest.newBuilder()
                        .setEmail("nobody@acme.test")
                        .setPassword("wrong password")
                        .build()));
        assertThat(wrongPassword.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrongPassword.getStatus().getDescription())
                .isEqualTo(unknownUser.getStatus().getDescription());
        assertThat(GrpcErrors.reason(wrongPassword)).isEqualTo("LOGIN_FAILED");
    }

    @Test
    void sessionToken_expiresAfterItsLifetime() {
        server.app().accounts().createUser(acme.id(), "short@acme.test", "ADMIN", "a long password", "test");
        var login = server.auth(null)
                .login(LoginRequest.newBuilder()
                        .setEmail("short@acme.test")
                        .setPassword("a long password")
                        .build());
        server.clock().advance(Accounts.SESSION_TTL.plusMinutes(1));
        try {
            var e = failure(() -> server.auth(login.getSessionToken()).whoAmI(WhoAmIRequest.getDefaultInstance()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            server.clock().advance(Accounts.SESSION_TTL.plusMinutes(1).negated());
        }
    }

    @Test
    void healthAndReflection_needNoToken() {
        var health = HealthGrpc.newBlockingStub(server.channel())
                .check(HealthCheckRequest.newBuilder()
                        .setService("finora.v1.AuthService")
                        .build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        var services = reflect(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                .setListServices("")
                .build());
        assertThat(services.getListServicesResponse().getServiceList().stream()
                        .map(io.grpc.reflection.v1.ServiceResponse::getName)
                        .toList())
                .contains(
                        "finora.v1.AuthService",
                        "finora.v1.IntegrationService",
                        "finora.v1.CostService",
                        "grpc.health.v1.Health");
    }

    @Test
    void reflectionServesErrorInfo_soGrpcurlPrintsAnErrorsReasonInClear() throws Exception {
        var answer = reflect(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("google.rpc.ErrorInfo")
                .build());
        assertThat(answer.hasErrorResponse())
                .as("reflection knows google.rpc.ErrorInfo")
                .isFalse();
        var files = new java.util.ArrayList<String>();
        for (var bytes : answer.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            var file = com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(bytes);
            files.add(file.getName());
        }
        assertThat(files).contains("google/rpc/error_details.proto");
    }

    /** One request to the v1 reflection service, as grpcurl and buf curl send it. */
    private io.grpc.reflection.v1.ServerReflectionResponse reflect(
            io.grpc.reflection.v1.ServerReflectionRequest request) {
        var reflection = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(server.channel());
        var answer = new java.util.concurrent.CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse>();
        var requests = reflection.serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                answer.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        requests.onNext(request);
        requests.onCompleted();
        return answer.join();
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        String token = server.token(acme, Role.ADMIN);
        var stored = server.database()
                .dsl()
                .fetch("select token_sha256 from api_token")
                .getValues(0, String.class);
        assertThat(stored).doesNotContain(token).contains(BearerTokens.sha256Hex(token));
        assertThatThrownBy(() -> server.app().accounts().createTenant("acme", Plan.TRIAL))
                .hasMessageContaining("already exists");
    }
}
