package finora.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** bcrypt password hashes (cost 12 in production; tests may pass a lower cost to stay fast). */
public final class PasswordHasher {
    private final int cost;
    /**
     * A hash of a random password at the same cost, checked for unknown e-mails so they take as long.
     * Computed on a thread of its own (one bcrypt at cost 12 is a quarter of a second): off the
     * server's start-up path; a login that comes first waits for it.
     */
    private final CompletableFuture<String> decoy;

    /** Creates a hasher with the given bcrypt cost (4 to 31). */
    public PasswordHasher(int cost) {
        this.cost = cost;
        this.decoy = CompletableFuture.supplyAsync(
                () -> hash(Accounts.randomPassword()),
                r -> Thread.ofPlatform().daemon().name("bcrypt-decoy").start(r));
    }

    /** Spends the time of one {@link #matches} and answers false (for an e-mail that has no user). */
    public boolean matchesNothing(String password) {
        matches(password, decoy.join());
        return false;
    }

    /** Hashes a password with a fresh salt. */
    public String hash(String password) {
        return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
    }

    /** True when {@code password} matches {@code hash}; constant-time on the hash comparison. */
    public boolean matches(String password, String hash) {
        try {
            return BCrypt.verifyer()
                    .verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8))
                    .verified;
        } catch (IllegalArgumentException e) {
            return false; // longer than bcrypt's 72 bytes: such a password was never accepted
        }
    }
}
