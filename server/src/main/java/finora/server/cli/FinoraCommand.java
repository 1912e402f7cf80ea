package finora.server.cli;

import finora.server.App;
import finora.server.ConfigException;
import finora.server.auth.Accounts;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.db.DataDirectoryInUseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The server's command line: with no subcommand it serves; {@code tenant}, {@code user} and
 * {@code token} administer accounts against the same configuration (and, for the embedded
 * database, the same running cluster).
 */
@Command(
        name = "finora-server",
        mixinStandardHelpOptions = true,
        version = "finora-server 0.1.0",
        description = "Runs the Finora gRPC server, or administers tenants, users and tokens.",
        subcommands = {
            FinoraCommand.TenantCommand.class,
            FinoraCommand.UserCommand.class,
            FinoraCommand.TokenCommand.class,
            FinoraCommand.KeysetCommand.class
        })
public final class FinoraCommand implements Callable<Integer> {

    /** Opens the application over the configured database; closing it closes the database. */
    public interface AppOpener {
        /** Opens the database and wires the application. */
        OpenApp open();
    }

    /** An opened application and what closes it. */
    public record OpenApp(App app, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            closer.close();
        }
    }

    private final AppOpener opener;
    private final Callable<Integer> serve;

    @Spec
    CommandSpec spec;

    /** Creates the command; {@code serve} runs when no subcommand is given. */
    public FinoraCommand(AppOpener opener, Callable<Integer> serve) {
        this.opener = opener;
        this.serve = serve;
    }

    /** Runs the command line and returns the exit code: 0 done, 1 refused, 2 bad usage or configuration. */
    public static int execute(FinoraCommand command, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("Configuration error: " + e.getMessage());
                return 2;
            }
            if (e instanceof IllegalArgumentException || e instanceof DataDirectoryInUseException) {
                commandLine.getErr().println("Error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        return serve.call();
    }

    OpenApp open() {
        return opener.open();
    }

    /** {@code tenant create|set-plan}. */
    @Command(name = "tenant", description = "Creates tenants and changes their plan.", mixinStandardHelpOptions = true)
    static final class TenantCommand {
        @ParentCommand
        FinoraCommand root;

        @Spec
        CommandSpec spec;

        @Command(name = "create", description = "Creates a tenant.")
        int create(
                @Option(names = "--name", required = true, description = "Unique tenant name.") String name,
                @Option(names = "--plan", required = true, description = "TRIAL, GROWTH, SCALE or ENTERPRISE.")
                        Plan plan)
                throws Exception {
            try (OpenApp open = root.open()) {
                var tenant = open.app().accounts().createTenant(name, plan);
                spec.commandLine()
                        .getOut()
                        .printf("Created tenant %s (id %s, plan %s)%n", tenant.name(), tenant.id(), tenant.plan());
                return 0;
            }
        }

        @Command(name = "set-plan", description = "Changes a tenant's plan; the next scheduling uses it.")
        int setPlan(
                @Option(names = "--tenant", required = true, description = "Tenant id or name.") String tenant,
                @Option(names = "--plan", required = true, description = "TRIAL, GROWTH, SCALE or ENTERPRISE.")
                        Plan plan)
                throws Exception {
            try (OpenApp open = root.open()) {
                App app = open.app();
                var row = app.accounts().tenant(tenant);
                app.accounts().setPlan(row.id(), plan, "cli");
                spec.commandLine().getOut().printf("Tenant %s is now on plan %s%n", row.name(), plan);
                return 0;
            }
        }
    }

    /** {@code user create}. */
    @Command(name = "user", description = "Creates admin-UI users.", mixinStandardHelpOptions = true)
    static final class UserCommand {
        @ParentCommand
        FinoraCommand root;

        @Spec
        CommandSpec spec;

        @Command(
                name = "create",
                description = "Creates a user. Without --password-stdin a password is generated and printed once.")
        int create(
                @Option(names = "--tenant", required = true, description = "Tenant id or name.") String tenant,
                @Option(names = "--email", required = true, description = "Login email.") String email,
                @Option(
                                names = "--role",
                                defaultValue = "VIEWER",
                                description = "ADMIN or VIEWER (default: ${DEFAULT-VALUE}).")
                        String role,
                @Option(
                                names = "--password-stdin",
                                description = "Read the password from the first line of standard input.")
                        boolean passwordStdin)
                throws Exception {
            String password = passwordStdin ? readLine() : Accounts.randomPassword();
            try (OpenApp open = root.open()) {
                App app = open.app();
                var row = app.accounts().tenant(tenant);
                UUID id = app.accounts()
                        .createUser(row.id(), email, role.toUpperCase(java.util.Locale.ROOT), password, "cli");
                PrintWriter out = spec.commandLine().getOut();
                out.printf(
                        "Created user %s (id %s) in tenant %s%n",
                        email.trim().toLowerCase(java.util.Locale.ROOT), id, row.name());
                if (!passwordStdin) {
                    out.printf("Password (shown once): %s%n", password);
                }
                return 0;
            }
        }

        private static String readLine() throws IOException {
            var reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = reader.readLine();
            if (line == null) {
                throw new IllegalArgumentException("--password-stdin given but standard input was empty");
            }
            return line;
        }
    }

    /** {@code token create|revoke|list}. */
    @Command(name = "token", description = "Creates, lists and revokes API tokens.", mixinStandardHelpOptions = true)
    static final class TokenCommand {
        @ParentCommand
        FinoraCommand root;

        @Spec
        CommandSpec spec;

        @Command(name = "create", description = "Creates an API token and prints it once.")
        int create(
                @Option(names = "--tenant", required = true, description = "Tenant id or name.") String tenant,
                @Option(names = "--role", required = true, description = "ADMIN or READER.") Role role,
                @Option(
                                names = "--name",
                                defaultValue = "cli token",
                                description = "What the token is for (default: ${DEFAULT-VALUE}).")
                        String name)
                throws Exception {
            try (OpenApp open = root.open()) {
                App app = open.app();
                var row = app.accounts().tenant(tenant);
                var token = app.accounts().createToken(row.id(), role, name, "cli");
                PrintWriter out = spec.commandLine().getOut();
                out.printf("Created %s token %s (id %s) for tenant %s%n", role, name, token.id(), row.name());
                out.printf("Token (shown once): %s%n", token.token());
                return 0;
            }
        }

        @Command(name = "revoke", description = "Revokes a token by id; calls with it get UNAUTHENTICATED.")
        int revoke(
                @Option(names = "--tenant", required = true, description = "Tenant id or name.") String tenant,
                @Option(names = "--id", required = true, description = "Token id, as printed by create.") UUID id)
                throws Exception {
            try (OpenApp open = root.open()) {
                App app = open.app();
                var row = app.accounts().tenant(tenant);
                if (!app.accounts().revokeToken(row.id(), id, "cli")) {
                    throw new IllegalArgumentException("Tenant " + row.name() + " has no live token with id " + id);
                }
                spec.commandLine().getOut().printf("Revoked token %s%n", id);
                return 0;
            }
        }

        @Command(name = "list", description = "Lists a tenant's API tokens (never the secrets).")
        int list(@Option(names = "--tenant", required = true, description = "Tenant id or name.") String tenant)
                throws Exception {
            try (OpenApp open = root.open()) {
                App app = open.app();
                var row = app.accounts().tenant(tenant);
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-36s  %-6s  %-8s  %-20s  %s%n", "ID", "ROLE", "STATE", "LAST USED", "NAME");
                for (var t : app.accounts().apiTokens(row.id())) {
                    out.printf(
                            "%-36s  %-6s  %-8s  %-20s  %s%n",
                            t.id(),
                            t.role(),
                            t.revokedAt() != null ? "revoked" : "live",
                            t.lastUsedAt() == null
                                    ? "never"
                                    : t.lastUsedAt().toInstant().toString(),
                            t.name());
                }
                return 0;
            }
        }
    }

    /** {@code keyset generate}. */
    @Command(name = "keyset", description = "Master key set for stored credentials.", mixinStandardHelpOptions = true)
    static final class KeysetCommand {
        @Spec
        CommandSpec spec;

        @Command(
                name = "generate",
                description = "Prints a new Tink AES-256-GCM key set as JSON, for FINORA_KEYSET or FINORA_KEYSET_FILE.")
        int generate() {
            spec.commandLine().getOut().println(finora.server.crypto.CredentialCipher.generateKeysetJson());
            return 0;
        }
    }
}
