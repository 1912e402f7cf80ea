package finora.server;

import finora.server.auth.Accounts;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * First start on an empty database: creates a demo tenant (plan ENTERPRISE), an admin user and an
 * admin token, and writes them to {@code <dataDir>/dev-credentials} (mode 0600) as a properties
 * file with the keys {@code tenant}, {@code user}, {@code password} and {@code token}.
 */
public final class DevBootstrap {
    /** Name of the demo tenant. */
    public static final String DEMO_TENANT = "demo";
    /** Email of the demo admin user. */
    public static final String DEMO_USER = "admin@demo.finora.local";

    private DevBootstrap() {}

    /** The credentials written on first start. */
    public record Credentials(String tenant, String user, String password, String token) {
        @Override
        public String toString() {
            return "Credentials[tenant=" + tenant + ", user=" + user + "]";
        }
    }

    /** Creates the demo accounts if the database has no tenant yet; empty if it had one. */
    public static Optional<Credentials> runIfEmpty(Accounts accounts, Path dataDir) throws IOException {
        if (accounts.hasTenants()) {
            return Optional.empty();
        }
        var tenant = accounts.createTenant(DEMO_TENANT, Plan.ENTERPRISE);
        String password = Accounts.randomPassword();
        accounts.createUser(tenant.id(), DEMO_USER, "ADMIN", password, "bootstrap");
        var token = accounts.createToken(tenant.id(), Role.ADMIN, "dev admin token", "bootstrap");
        Credentials credentials = new Credentials(tenant.name(), DEMO_USER, password, token.token());
        write(dataDir.resolve("dev-credentials"), credentials);
        return Optional.of(credentials);
    }

    /**
     * What the server says on a first start: where the credentials are, never the password or the
     * token (stdout becomes a log file; only {@code dev-credentials}, mode 0600, and run.sh's
     * terminal show them).
     */
    public static String firstStartNotice(Credentials c, Path dataDir) {
        return "First start: created demo tenant '" + c.tenant() + "' with admin user " + c.user()
                + "; its password and an admin API token are in " + dataDir.resolve("dev-credentials")
                + " (mode 0600)";
    }

    /** Reads credentials written by an earlier first start, if the file is there. */
    public static Optional<Credentials> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve("dev-credentials");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return Optional.of(new Credentials(
                p.getProperty("tenant"), p.getProperty("user"), p.getProperty("password"), p.getProperty("token")));
    }

    private static void write(Path file, Credentials c) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.setProperty("tenant", c.tenant());
        p.setProperty("user", c.user());
        p.setProperty("password", c.password());
        p.setProperty("token", c.token());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(w, "Finora dev credentials, written once on first start. Keep this file private.");
        }
    }
}
