package finora.server.db;

/** Another Finora server already runs on this data directory; the message says which and what to do. */
public final class DataDirectoryInUseException extends RuntimeException {
    DataDirectoryInUseException(String message) {
        super(message);
    }
}
