package finora.admin.grpc;

/** The Finora server could not be reached or did not answer in time. */
public final class ServerUnreachableException extends FinoraCallException {

    private final String target;

    public ServerUnreachableException(String target, Throwable cause) {
        super(null, messageFor(target), cause);
        this.target = target;
    }

    /** The text shown whenever the server is down, so every screen says the same thing. */
    public static String messageFor(String target) {
        return "The Finora server is not reachable at " + target + ". Check that it is running.";
    }

    /** Where the admin UI looked for the server ({@code FINORA_SERVER_TARGET}). */
    public String target() {
        return target;
    }
}
