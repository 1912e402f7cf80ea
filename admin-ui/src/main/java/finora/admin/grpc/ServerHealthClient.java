package finora.admin.grpc;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.Objects;

/** Asks the server's standard gRPC health service ({@code grpc.health.v1}) whether it serves. */
public final class ServerHealthClient {

    private final HealthGrpc.HealthBlockingStub stub;
    private final Duration deadline;
    private final String target;

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long the check may take before the server counts as unreachable
     */
    public ServerHealthClient(Channel channel, Duration deadline) {
        this.stub = HealthGrpc.newBlockingStub(channel);
        this.deadline = Objects.requireNonNull(deadline);
        this.target = channel.authority();
    }

    /** Checks the whole server (empty service name); never throws. */
    public ServerHealth check() {
        try {
            HealthCheckResponse response = Calls.prepare(stub, deadline, null)
                    .check(HealthCheckRequest.newBuilder().setService("").build());
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                    ? ServerHealth.SERVING
                    : ServerHealth.NOT_SERVING;
        } catch (StatusRuntimeException e) {
            return switch (e.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> ServerHealth.UNREACHABLE;
                // Something answered, but not a healthy Finora server (e.g. no health service registered).
                default -> ServerHealth.NOT_SERVING;
            };
        }
    }

    /** Where this client looks for the server, for messages like "not reachable at ...". */
    public String target() {
        return target;
    }
}
