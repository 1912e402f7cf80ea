package finora.admin.grpc;

/** The Finora server's state as seen from the admin UI. */
public enum ServerHealth {
    /** The server answered the health check with SERVING. */
    SERVING,
    /** The server answered but is not serving (starting, shutting down, or no health service). */
    NOT_SERVING,
    /** No answer: nothing listens at the target, or it did not answer before the deadline. */
    UNREACHABLE
}
