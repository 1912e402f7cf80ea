package finora.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.WhoAmIRequest;
import finora.api.v1.WhoAmIResponse;
import finora.server.testing.GrpcErrors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.sql.SQLTransientConnectionException;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusMappingInterceptorTest {
    private Server server;
    private ManagedChannel channel;
    private volatile Supplier<RuntimeException> toThrow;
    private volatile boolean viaOnError;

    @BeforeEach
    void start() throws Exception {
        var service = new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> response) {
                RuntimeException e = toThrow.get();
                if (viaOnError) {
                    response.onError(e);
                } else {
                    throw e;
                }
            }
        };
        String name = UUID.randomUUID().toString();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(ServerInterceptors.intercept(service, new StatusMappingInterceptor()))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private StatusRuntimeException call() {
        try {
            AuthServiceGrpc.newBlockingStub(channel).whoAmI(WhoAmIRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @ParameterizedTest
    @EnumSource(ErrorReason.class)
    void everyReason_mapsToItsCodeWithErrorInfo(ErrorReason reason) {
        for (boolean onError : new boolean[] {false, true}) {
            viaOnError = onError;
            toThrow = () -> new FinoraException(reason, "what to do about " + reason);
            var e = call();
            assertThat(e.getStatus().getCode()).isEqualTo(reason.code());
            assertThat(e.getStatus().getDescription()).isEqualTo("what to do about " + reason);
            assertThat(GrpcErrors.reason(e)).isEqualTo(reason.name());
        }
    }

    @Test
    void unexpectedException_isInternalWithoutItsMessage() {
        for (boolean onError : new boolean[] {false, true}) {
            viaOnError = onError;
            toThrow = () -> new IllegalStateException("select * from credential where key='sk-ant-admin01-secret'");
            var e = call();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(e.getStatus().getDescription())
                    .startsWith("Internal error (reference ")
                    .doesNotContain("sk-ant")
                    .doesNotContain("select");
            assertThat(GrpcErrors.reason(e)).isEqualTo("INTERNAL");
        }
    }

    @Test
    void unreachableDatabase_isUnavailable() {
        viaOnError = false;
        toThrow = () -> new org.jooq.exception.DataAccessException(
                "SQL [select 1]", new SQLTransientConnectionException("finora - Connection is not available"));
        var e = call();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(GrpcErrors.reason(e)).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(e.getStatus().getDescription()).doesNotContain("SQL");
    }

    @Test
    void deliberateStatus_passesThrough() {
        viaOnError = false;
        toThrow = () -> Status.FAILED_PRECONDITION.withDescription("as thrown").asRuntimeException();
        var e = call();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("as thrown");
    }
}
