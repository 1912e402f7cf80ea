package finora.admin.security;

import finora.admin.grpc.NotAuthenticatedException;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** The signed-in user of the current request and the token their calls carry. */
@Component
public class CurrentSession {

    /** The signed-in user, if any. */
    public Optional<FinoraUser> user() {
        return authentication().map(FinoraAuthentication::getPrincipal);
    }

    /**
     * The bearer token for the current user's calls.
     *
     * @throws NotAuthenticatedException nobody is signed in
     */
    public String token() {
        return authentication()
                .map(FinoraAuthentication::sessionToken)
                .orElseThrow(() -> new NotAuthenticatedException(null, "Please sign in.", null));
    }

    private static Optional<FinoraAuthentication> authentication() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof FinoraAuthentication finora ? Optional.of(finora) : Optional.empty();
    }
}
