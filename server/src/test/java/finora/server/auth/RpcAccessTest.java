package finora.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.api.v1.Access;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.CostServiceGrpc;
import finora.api.v1.IntegrationServiceGrpc;
import finora.api.v1.NotificationServiceGrpc;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestServer;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RpcAccessTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void everyRegisteredRpc_declaresItsAccess() {
        List<String> undeclared = new ArrayList<>();
        int methods = 0;
        for (ServerServiceDefinition service : server.server().services()) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                methods++;
                if (RpcAccess.of(method.getMethodDescriptor()).isEmpty()) {
                    undeclared.add(method.getMethodDescriptor().getFullMethodName());
                }
            }
        }
        assertThat(methods).isGreaterThan(15);
        assertThat(undeclared).as("RPCs without an access declaration").isEmpty();
    }

    @Test
    void mutatingRpcs_areAdminOnly_andLoginIsTheOnlyPublicOne() {
        for (ServerServiceDefinition service : server.server().services()) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                var d = method.getMethodDescriptor();
                Access access = RpcAccess.of(d).orElseThrow();
                if (d.getServiceName().startsWith("finora.")) {
                    assertThat(access == Access.ACCESS_PUBLIC)
                            .as(d.getFullMethodName())
                            .isEqualTo(d.getFullMethodName().equals("finora.v1.AuthService/Login"));
                }
            }
        }
        assertThat(RpcAccess.of(IntegrationServiceGrpc.getConnectProviderMethod()))
                .contains(Access.ACCESS_ADMIN);
        assertThat(RpcAccess.of(IntegrationServiceGrpc.getDeleteConnectionMethod()))
                .contains(Access.ACCESS_ADMIN);
        assertThat(RpcAccess.of(CostServiceGrpc.getQueryCostsMethod())).contains(Access.ACCESS_READER);
    }

    @Test
    void budgetAndNotificationRpcs_readForReaders_changesAndTestsForAdmins() {
        List<String> seen = new ArrayList<>();
        for (ServerServiceDefinition service : server.server().services()) {
            String name = service.getServiceDescriptor().getName();
            if (!name.equals(BudgetServiceGrpc.SERVICE_NAME) && !name.equals(NotificationServiceGrpc.SERVICE_NAME)) {
                continue;
            }
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                var d = method.getMethodDescriptor();
                String rpc = d.getBareMethodName();
                Access expected =
                        rpc.startsWith("List") || rpc.startsWith("Get") ? Access.ACCESS_READER : Access.ACCESS_ADMIN;
                assertThat(RpcAccess.of(d)).as(d.getFullMethodName()).contains(expected);
                seen.add(rpc);
            }
        }
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        "CreateBudget",
                        "UpdateBudget",
                        "DeleteBudget",
                        "ListBudgets",
                        "GetBudget",
                        "ListAnomalies",
                        "CreateNotificationChannel",
                        "ListNotificationChannels",
                        "TestNotificationChannel",
                        "DeleteNotificationChannel",
                        "ListNotificationDeliveries");
    }

    @Test
    void anRpcThatDeclaresNothing_isRefusedEvenToAnAdmin() throws Exception {
        var tenant = server.tenant("undeclared", Plan.SCALE);
        String adminToken = server.token(tenant, Role.ADMIN);
        MethodDescriptor<InputStream, InputStream> method = MethodDescriptor.<InputStream, InputStream>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("finora.v1.IntegrationService/DropEverything")
                .setRequestMarshaller(new RawMarshaller())
                .setResponseMarshaller(new RawMarshaller())
                .build();
        ServerServiceDefinition undeclared = ServerServiceDefinition.builder("finora.v1.IntegrationService")
                .addMethod(method, ServerCalls.asyncUnaryCall((req, obs) -> {
                    obs.onNext(new ByteArrayInputStream(new byte[0]));
                    obs.onCompleted();
                }))
                .build();
        String name = "undeclared-" + UUID.randomUUID();
        var inProcess = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(
                        undeclared, new AuthInterceptor(server.app().accounts(), TrustedProxies.NONE)))
                .build()
                .start();
        var channel = InProcessChannelBuilder.forName(name).build();
        try {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                            channel.newCall(
                                    method,
                                    io.grpc.CallOptions.DEFAULT.withCallCredentials(TestServer.bearer(adminToken))),
                            new ByteArrayInputStream(new byte[0])))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(GrpcErrors.reason(e)).isEqualTo("ROLE_REQUIRED");
                    });
        } finally {
            channel.shutdownNow();
            inProcess.shutdownNow();
        }
    }

    private static final class RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    }
}
