package finora.server.auth;

import io.grpc.Context;
import java.util.UUID;

/**
 * Who is calling: the tenant and role a bearer token carries.
 *
 * @param tenantId the only tenant whose data this caller may see
 * @param subject user email for sessions, token name for API tokens; safe to log
 * @param tokenId the token this call was made with
 * @param session true for an admin-UI session token
 */
public record Principal(
        UUID tenantId, String tenantName, Plan plan, Role role, String subject, UUID tokenId, boolean session) {

    /** Context key under which {@link AuthInterceptor} puts the caller. */
    static final Context.Key<Principal> KEY = Context.key("finora-principal");

    /** The caller of the current gRPC call; fails if the call was not authenticated. */
    public static Principal current() {
        Principal p = KEY.get();
        if (p == null) {
            throw new IllegalStateException("No authenticated caller in this context");
        }
        return p;
    }
}
