package finora.admin.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A signed-in user. The server's session token lives here, in the HTTP session on the admin UI's
 * side, as the credentials: it is never sent to the browser and never logged. A String is not a
 * {@code CredentialsContainer}, so Spring's credential erasing after login leaves it in place.
 */
public final class FinoraAuthentication extends AbstractAuthenticationToken {

    private final FinoraUser user;
    private final String sessionToken;

    public FinoraAuthentication(Session session) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + session.role().name())));
        this.user = new FinoraUser(session.email(), session.tenantName(), session.role(), session.expiresAt());
        this.sessionToken = session.token();
        setAuthenticated(true);
    }

    /** The token to send as {@code authorization: Bearer} on the user's calls. */
    public String sessionToken() {
        return sessionToken;
    }

    @Override
    public Object getCredentials() {
        return sessionToken;
    }

    @Override
    public FinoraUser getPrincipal() {
        return user;
    }

    @Override
    public String getName() {
        return user.email();
    }
}
