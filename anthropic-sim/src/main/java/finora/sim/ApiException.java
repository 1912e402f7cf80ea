package finora.sim;

/** A request the simulated API refuses, carried to the point where the error envelope is written. */
final class ApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorType;

    ApiException(int status, String errorType, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
    }

    /** 400 {@code invalid_request_error}. */
    static ApiException invalidRequest(String message) {
        return new ApiException(400, "invalid_request_error", message);
    }

    int status() {
        return status;
    }

    String errorType() {
        return errorType;
    }
}
