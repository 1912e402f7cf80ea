package finora.admin.grpc;

/** The server answered PERMISSION_DENIED: e.g. a READER asked for a change. */
public final class PermissionDeniedException extends FinoraCallException {

    public PermissionDeniedException(String reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
