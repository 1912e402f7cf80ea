package finora.server;

/** A configuration variable is missing or malformed; the message names the variable. */
public final class ConfigException extends RuntimeException {
    /** Creates the exception with a message that names the offending variable. */
    public ConfigException(String message) {
        super(message);
    }
}
