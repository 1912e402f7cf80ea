package finora.admin.security;

import java.io.Serializable;
import java.time.Instant;

/**
 * An admin-UI session on the server, as returned by Login.
 *
 * @param token the bearer token; kept server-side, never shown or logged
 * @param tenantName the tenant's display name
 * @param role what the user may do
 * @param email the user's email
 * @param expiresAt when the server stops accepting the token
 */
public record Session(String token, String tenantName, Role role, String email, Instant expiresAt)
        implements Serializable {

    @Override
    public String toString() {
        return "Session[email=" + email + ", tenantName=" + tenantName + ", role=" + role + ", expiresAt=" + expiresAt
                + ", token=<redacted>]";
    }
}
