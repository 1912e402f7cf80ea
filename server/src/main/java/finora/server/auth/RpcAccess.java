package finora.server.auth;

import finora.api.v1.Access;
import finora.api.v1.AccessProto;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.Map;
import java.util.Optional;

/**
 * The access each RPC declares. finora.v1 RPCs declare it in the proto, next to their definition
 * ({@code option (finora.v1.access) = ACCESS_ADMIN;}); the infrastructure services gRPC brings
 * (health, reflection) are declared here. Anything else has no access and is refused.
 */
public final class RpcAccess {
    /** Services that are not ours and need no token: load balancers and grpcurl use them. */
    private static final Map<String, Access> INFRASTRUCTURE = Map.of(
            "grpc.health.v1.Health", Access.ACCESS_PUBLIC,
            "grpc.reflection.v1.ServerReflection", Access.ACCESS_PUBLIC,
            "grpc.reflection.v1alpha.ServerReflection", Access.ACCESS_PUBLIC);

    private RpcAccess() {}

    /** The access the method declares; empty when it declares none (the call is then refused). */
    public static Optional<Access> of(MethodDescriptor<?, ?> method) {
        Access infrastructure = INFRASTRUCTURE.get(method.getServiceName());
        if (infrastructure != null) {
            return Optional.of(infrastructure);
        }
        if (!(method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier proto)) {
            return Optional.empty();
        }
        Access declared = proto.getMethodDescriptor().getOptions().getExtension(AccessProto.access);
        return declared == Access.ACCESS_UNSPECIFIED || declared == Access.UNRECOGNIZED
                ? Optional.empty()
                : Optional.of(declared);
    }
}
