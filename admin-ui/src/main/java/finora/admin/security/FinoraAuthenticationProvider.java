package finora.admin.security;

import finora.admin.grpc.AuthClient;
import finora.admin.grpc.FinoraCallException;
import finora.admin.grpc.NotAuthenticatedException;
import finora.admin.grpc.ServerUnreachableException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** Signs users in by calling the server's AuthService.Login with the login form's email and password. */
@Component
public class FinoraAuthenticationProvider implements AuthenticationProvider {

  private final AuthClient authClient;

  public FinoraAuthenticationProvider(AuthClient authClient) {
    this.authClient = authClient;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String email = authentication.getName() == null ? "" : authentication.getName().trim();
    Object credentials = authentication.getCredentials();
    String password = credentials == null ? "" : credentials.toString();
    try {
      return new FinoraAuthentication(authClient.login(email, password));
    } catch (NotAuthenticatedException e) {
      throw new BadCredentialsException("Incorrect email or password", e);
    } catch (ServerUnreachableException e) {
      throw new ServerUnreachableAuthenticationException(e);
    } catch (FinoraCallException e) {
      throw new AuthenticationServiceException(e.getMessage(), e);
    }
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }

  /** Login failed because the server could not be asked, not because of the credentials. */
  static final class ServerUnreachableAuthenticationException extends AuthenticationServiceException {
    ServerUnreachableAuthenticationException(ServerUnreachableException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
