package finora.admin.grpc;

/**
 * The server answered UNAUTHENTICATED: wrong email or password on login, or a session token that
 * expired or was revoked on any other call.
 */
public final class NotAuthenticatedException extends FinoraCallException {

    public NotAuthenticatedException(String reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
