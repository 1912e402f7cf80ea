package finora.admin.settings;

/**
 * A channel's own SMTP server. As returned by the server the password is always empty.
 *
 * @param host host name or address
 * @param port 1–65535; 0 for the usual port of {@code security}
 * @param username user for AUTH; empty for none
 * @param password password for AUTH (write-only); empty for none
 * @param security how the connection is secured
 */
public record SmtpSettings(String host, int port, String username, String password, Security security) {

    /** Transport security. */
    public enum Security {
        STARTTLS("STARTTLS (587)"),
        SSL("TLS (465)"),
        NONE("None (trusted relay only)");

        private final String label;

        Security(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
