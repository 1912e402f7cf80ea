package finora.admin.grpc;

import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.LoginRequest;
import finora.api.v1.LoginResponse;
import finora.api.v1.LogoutRequest;
import finora.api.v1.WhoAmIRequest;
import finora.api.v1.WhoAmIResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** The server's AuthService: sign in, sign out, and who a token belongs to. */
public final class AuthClient {

  private final AuthServiceGrpc.AuthServiceBlockingStub stub;
  private final Duration deadline;
  private final String target;

  /**
   * @param channel the channel to the server; the caller owns and closes it
   * @param deadline how long each call may take
   */
  public AuthClient(Channel channel, Duration deadline) {
    this.stub = AuthServiceGrpc.newBlockingStub(channel);
    this.deadline = Objects.requireNonNull(deadline);
    this.target = channel.authority();
  }

  /**
   * Exchanges email and password for a session.
   *
   * @throws NotAuthenticatedException wrong email or password
   * @throws ServerUnreachableException the server is down or too slow
   */
  public Session login(String email, String password) {
    LoginResponse response;
    try {
      response = Calls.prepare(stub, deadline, null)
          .login(LoginRequest.newBuilder().setEmail(email).setPassword(password).build());
    } catch (StatusRuntimeException e) {
      throw Calls.translate(e, target);
    }
    WhoAmIResponse identity = response.getIdentity();
    return new Session(
        response.getSessionToken(),
        identity.getTenantName(),
        roleOf(identity.getRole()),
        identity.getSubject().isEmpty() ? email : identity.getSubject(),
        Instant.ofEpochSecond(response.getExpireTime().getSeconds(), response.getExpireTime().getNanos()));
  }

  /**
   * Tells who the token belongs to; a cheap way to learn whether a session is still valid.
   *
   * @throws NotAuthenticatedException the token expired or was revoked
   */
  public Identity whoAmI(String token) {
    try {
      WhoAmIResponse r = Calls.prepare(stub, deadline, token).whoAmI(WhoAmIRequest.getDefaultInstance());
      return new Identity(r.getTenantId(), r.getTenantName(), roleOf(r.getRole()), r.getSubject(), r.getSession());
    } catch (StatusRuntimeException e) {
      throw Calls.translate(e, target);
    }
  }

  /** Revokes the token on the server. */
  public void logout(String token) {
    try {
      Calls.prepare(stub, deadline, token).logout(LogoutRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw Calls.translate(e, target);
    }
  }

  /** Where this client sends its calls. */
  public String target() {
    return target;
  }

  // Least privilege: anything but an explicit ADMIN reads only.
  private static Role roleOf(finora.api.v1.Role role) {
    return role == finora.api.v1.Role.ROLE_ADMIN ? Role.ADMIN : Role.READER;
  }
}
