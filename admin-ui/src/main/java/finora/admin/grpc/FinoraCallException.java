package finora.admin.grpc;

/**
 * A gRPC call to the Finora server failed. The message is fit to show to a person: for errors the
 * server reported it is the server's own description; it never contains a token or a key.
 */
public class FinoraCallException extends RuntimeException {

    private final String reason;
    private final String field;

    /**
     * @param reason the server's {@code google.rpc.ErrorInfo} reason (e.g. {@code KEY_MALFORMED}), or
     *     null when the server sent none
     * @param message what to show to a person
     */
    public FinoraCallException(String reason, String message, Throwable cause) {
        this(reason, null, message, cause);
    }

    /**
     * @param field the request field the server blamed ({@code ErrorInfo} metadata {@code field}, e.g.
     *     {@code webhook.url}), or null
     */
    public FinoraCallException(String reason, String field, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.field = field;
    }

    /** The server's stable error reason, or null. */
    public String reason() {
        return reason;
    }

    /**
     * The request field the server named in its {@code ErrorInfo} metadata, as it named it (a path
     * such as {@code webhook.url}, {@code budget.name} or {@code email.recipients[1]}), or null.
     */
    public String field() {
        return field;
    }
}
