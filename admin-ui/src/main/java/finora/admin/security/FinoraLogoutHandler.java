package finora.admin.security;

import finora.admin.grpc.FinoraCallException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/**
 * Revokes the session token on the server when the user logs out. Logging out locally always
 * succeeds, even when the server cannot be told.
 */
final class FinoraLogoutHandler implements LogoutHandler {

    private static final Logger log = LoggerFactory.getLogger(FinoraLogoutHandler.class);

    private final AuthClient authClient;

    FinoraLogoutHandler(AuthClient authClient) {
        this.authClient = authClient;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        if (authentication instanceof FinoraAuthentication finora) {
            try {
                authClient.logout(finora.sessionToken());
            } catch (FinoraCallException e) {
                // The token expires on its own; the user is logged out here either way.
                log.info("Could not revoke the session on the server for {}: {}", finora.getName(), e.getMessage());
            }
        }
    }
}
