package finora.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import finora.server.App;
import finora.server.ConfigException;
import finora.server.ServerConfig;
import finora.server.testing.MutableClock;
import finora.server.testing.PostgresFixture;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FinoraCommandTest {
    private static PostgresFixture.TestDatabase db;
    private static App app;

    @BeforeAll
    static void open() {
        db = PostgresFixture.newDatabase();
        app = finora.server.testing.TestApps.create(
                ServerConfig.fromEnv(Map.of()),
                db.dsl(),
                db.dataSource(),
                new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FinoraCommand command = new FinoraCommand(() -> new FinoraCommand.OpenApp(app, () -> {}), () -> 0);
        int code = FinoraCommand.execute(command, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void tenantUserAndToken_lifecycle() {
        Run tenant = run("tenant", "create", "--name", "initech", "--plan", "SCALE");
        assertThat(tenant.code()).isZero();
        assertThat(tenant.out()).contains("Created tenant initech").contains("plan SCALE");

        Run user = run("user", "create", "--tenant", "initech", "--email", "Ops@Initech.test", "--role", "ADMIN");
        assertThat(user.code()).isZero();
        Matcher pw = Pattern.compile("Password \\(shown once\\): (\\S+)").matcher(user.out());
        assertThat(pw.find()).isTrue();
        assertThat(app.accounts()
                        .login("ops@initech.test", pw.group(1))
                        .principal()
                        .tenantName())
                .isEqualTo("initech");

        Run token = run("token", "create", "--tenant", "initech", "--role", "READER", "--name", "grafana");
        assertThat(token.code()).isZero();
        Matcher t = Pattern.compile("Token \\(shown once\\): (\\S+)").matcher(token.out());
        Matcher id = Pattern.compile("\\(id ([0-9a-f-]{36})\\)").matcher(token.out());
        assertThat(t.find()).isTrue();
        assertThat(id.find()).isTrue();
        assertThat(app.accounts().authenticate(t.group(1))).isPresent();

        Run list = run("token", "list", "--tenant", "initech");
        assertThat(list.out())
                .contains(id.group(1))
                .contains("grafana")
                .contains("live")
                .doesNotContain(t.group(1));

        Run revoke = run("token", "revoke", "--tenant", "initech", "--id", id.group(1));
        assertThat(revoke.code()).isZero();
        assertThat(app.accounts().authenticate(t.group(1))).isEmpty();

        Run again = run("token", "revoke", "--tenant", "initech", "--id", id.group(1));
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("no live token");
    }

    @Test
    void userCreate_readsPasswordFromStdin() {
        run("tenant", "create", "--name", "stdin-co", "--plan", "TRIAL");
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream("a chosen password\n".getBytes(StandardCharsets.UTF_8)));
        try {
            Run user = run("user", "create", "--tenant", "stdin-co", "--email", "v@stdin.test", "--password-stdin");
            assertThat(user.code()).isZero();
            assertThat(user.out()).doesNotContain("Password");
        } finally {
            System.setIn(original);
        }
        assertThat(app.accounts()
                        .login("v@stdin.test", "a chosen password")
                        .principal()
                        .role())
                .isEqualTo(finora.server.auth.Role.READER);
    }

    @Test
    void badInput_isRefusedWithAClearMessage() {
        Run badPlan = run("tenant", "create", "--name", "x", "--plan", "PLATINUM");
        assertThat(badPlan.code()).isEqualTo(2);
        assertThat(badPlan.err()).contains("PLATINUM").contains("TRIAL, GROWTH, SCALE, ENTERPRISE");

        run("tenant", "create", "--name", "dupe", "--plan", "TRIAL");
        Run dupe = run("tenant", "create", "--name", "dupe", "--plan", "TRIAL");
        assertThat(dupe.code()).isEqualTo(1);
        assertThat(dupe.err()).contains("already exists");

        Run noTenant = run("token", "create", "--tenant", "nope", "--role", "ADMIN");
        assertThat(noTenant.code()).isEqualTo(1);
        assertThat(noTenant.err()).contains("No tenant with id or name 'nope'");

        Run badEmail = run("user", "create", "--tenant", "dupe", "--email", "not-an-email");
        assertThat(badEmail.code()).isEqualTo(1);
        assertThat(badEmail.err()).contains("not an email address");
    }

    @Test
    void configurationError_exitsWithTheVariablesName() {
        StringWriter err = new StringWriter();
        FinoraCommand command = new FinoraCommand(
                () -> {
                    ServerConfig.fromEnv(Map.of("FINORA_GRPC_PORT", "x"));
                    throw new AssertionError("unreachable");
                },
                () -> {
                    throw new ConfigException("unused");
                });
        int code = FinoraCommand.execute(
                command,
                new PrintWriter(new StringWriter()),
                new PrintWriter(err, true),
                "tenant",
                "create",
                "--name",
                "a",
                "--plan",
                "TRIAL");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Configuration error").contains("FINORA_GRPC_PORT");
    }
}
