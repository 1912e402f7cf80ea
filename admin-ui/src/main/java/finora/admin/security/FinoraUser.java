package finora.admin.security;

import java.io.Serializable;
import java.time.Instant;
import org.springframework.security.core.AuthenticatedPrincipal;

/**
 * The signed-in user as the UI shows it. Holds no token: that stays in {@link FinoraAuthentication}.
 *
 * @param email the user's email
 * @param tenantName the tenant's display name
 * @param role what the user may do
 * @param expiresAt when the server ends the session
 */
public record FinoraUser(String email, String tenantName, Role role, Instant expiresAt)
        implements AuthenticatedPrincipal, Serializable {

    @Override
    public String getName() {
        return email;
    }
}
