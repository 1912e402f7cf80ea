package finora.admin.security;

import finora.admin.grpc.CallDeadlines;
import finora.admin.grpc.ServiceStub;
import finora.api.v1.AuthServiceGrpc;
import finora.api.v1.LoginRequest;
import finora.api.v1.LoginResponse;
import finora.api.v1.LogoutRequest;
import finora.api.v1.WhoAmIRequest;
import finora.api.v1.WhoAmIResponse;
import io.grpc.Channel;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The server's AuthService: sign in, sign out, and who a token belongs to. */
@Component
public final class AuthClient {

    private static final Pattern IP_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{1,45}");

    private final ServiceStub<AuthServiceGrpc.AuthServiceBlockingStub> stub;
    private final Duration deadline;

    /** The client Spring wires: on the shared channel, with the configured deadlines. */
    @Autowired
    AuthClient(Channel finoraChannel, CallDeadlines deadlines) {
        this(finoraChannel, deadlines.call());
    }

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long each call may take
     */
    public AuthClient(Channel channel, Duration deadline) {
        this.stub = new ServiceStub<>(channel, AuthServiceGrpc::newBlockingStub);
        this.deadline = Objects.requireNonNull(deadline);
    }

    /** As {@link #login(String, String, String)}, without the browser's address. */
    public Session login(String email, String password) {
        return login(email, password, null);
    }

    /**
     * Exchanges email and password for a session.
     *
     * @param clientAddress the browser's IP address as the servlet request gives it (after the UI's own
     *     forwarded-header handling); sent only when it is an IP literal, else left out
     * @throws NotAuthenticatedException wrong email or password
     * @throws LoginThrottledException too many attempts; wait {@link LoginThrottledException#retryAfter()}
     * @throws ServerUnreachableException the server is down or too slow
     */
    public Session login(String email, String password, String clientAddress) {
        LoginRequest request =
                LoginRequest.newBuilder().setEmail(email).setPassword(password).build();
        LoginResponse response = stub.callFrom(ipLiteral(clientAddress), deadline, s -> s.login(request));
        WhoAmIResponse identity = response.getIdentity();
        return new Session(
                response.getSessionToken(),
                identity.getTenantName(),
                roleOf(identity.getRole()),
                identity.getSubject().isEmpty() ? email : identity.getSubject(),
                Instant.ofEpochSecond(
                        response.getExpireTime().getSeconds(),
                        response.getExpireTime().getNanos()));
    }

    /**
     * Tells who the token belongs to; a cheap way to learn whether a session is still valid.
     *
     * @throws NotAuthenticatedException the token expired or was revoked
     */
    public Identity whoAmI(String token) {
        WhoAmIResponse r = stub.call(token, deadline, s -> s.whoAmI(WhoAmIRequest.getDefaultInstance()));
        return new Identity(r.getTenantId(), r.getTenantName(), roleOf(r.getRole()), r.getSubject(), r.getSession());
    }

    /** Revokes the token on the server. */
    public void logout(String token) {
        stub.call(token, deadline, s -> s.logout(LogoutRequest.getDefaultInstance()));
    }

    /** Where this client sends its calls. */
    public String target() {
        return stub.target();
    }

    /** The address in canonical form when it is an IP literal (never a host name to look up), else null. */
    static String ipLiteral(String address) {
        if (address == null || !IP_CHARACTERS.matcher(address).matches()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(address).getHostAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // Least privilege: anything but an explicit ADMIN reads only.
    private static Role roleOf(finora.api.v1.Role role) {
        return role == finora.api.v1.Role.ROLE_ADMIN ? Role.ADMIN : Role.READER;
    }
}
