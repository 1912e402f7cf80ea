package finora.admin.grpc;

/**
 * A gRPC call to the Finora server failed. The message is fit to show to a person: for errors the
 * server reported it is the server's own description; it never contains a token or a key.
 */
public class FinoraCallException extends RuntimeException {

  private final String reason;

  /**
   * @param reason the server's {@code google.rpc.ErrorInfo} reason (e.g. {@code KEY_MALFORMED}), or
   *     null when the server sent none
   * @param message what to show to a person
   */
  public FinoraCallException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The server's stable error reason, or null. */
  public String reason() {
    return reason;
  }
}
