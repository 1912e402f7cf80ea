package finora.server.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * How alerts are delivered.
 *
 * @param allowPrivateTargets whether webhook and SMTP targets may resolve to loopback, link-local or
 *     private addresses ({@code FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS}, default false: such targets
 *     would let a tenant admin make the server call into its own network)
 * @param smtp the server-wide SMTP server for e-mail channels without one of their own, if configured
 * @param maxAttempts attempts per delivery, the first included ({@code FINORA_NOTIFY_MAX_ATTEMPTS}, default 6)
 * @param retryInitialDelay backoff before the first retry ({@code FINORA_NOTIFY_RETRY_INITIAL_MS}, default 2 s);
 *     doubles each time, with jitter
 * @param retryMaxDelay longest backoff ({@code FINORA_NOTIFY_RETRY_MAX_MS}, default 5 min)
 * @param staleCheckInterval how often connections are checked for missing syncs (5 min)
 */
public record NotifyConfig(
        boolean allowPrivateTargets,
        Optional<Smtp> smtp,
        int maxAttempts,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        Duration staleCheckInterval) {

    /** How an SMTP connection is secured. */
    public enum Security {
        /** STARTTLS required (port 587 by default). */
        STARTTLS,
        /** TLS from the start (port 465 by default). */
        SSL,
        /** No TLS (port 25 by default); for trusted relays and tests. */
        NONE;

        /** The usual port of this kind of connection. */
        public int defaultPort() {
            return switch (this) {
                case STARTTLS -> 587;
                case SSL -> 465;
                case NONE -> 25;
            };
        }
    }

    /**
     * An SMTP server. The password is never printed.
     *
     * @param host {@code FINORA_SMTP_HOST}
     * @param port {@code FINORA_SMTP_PORT} (default by security)
     * @param security {@code FINORA_SMTP_SECURITY}: STARTTLS (default), SSL or NONE
     * @param username {@code FINORA_SMTP_USERNAME}, empty for no authentication
     * @param password {@code FINORA_SMTP_PASSWORD}
     * @param from {@code FINORA_SMTP_FROM}, the sender address of alert mails
     */
    public record Smtp(String host, int port, Security security, String username, String password, String from) {
        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                    + ", from=" + from + "]";
        }
    }

    /** Defaults: public targets only, no server-wide SMTP, 6 attempts from 2 s to 5 min apart. */
    public static NotifyConfig defaults() {
        return new NotifyConfig(
                false, Optional.empty(), 6, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(5));
    }
}
