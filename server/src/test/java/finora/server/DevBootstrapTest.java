package finora.server;

import static org.assertj.core.api.Assertions.assertThat;

import finora.server.testing.MutableClock;
import finora.server.testing.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevBootstrapTest {

    @Test
    void firstStart_createsDemoAccountsOnce_andWritesPrivateCredentials(@TempDir Path dataDir) throws Exception {
        try (var db = PostgresFixture.newDatabase()) {
            App app = finora.server.testing.TestApps.create(
                    ServerConfig.fromEnv(Map.of()),
                    db.dsl(),
                    db.dataSource(),
                    new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
            var created = DevBootstrap.runIfEmpty(app.accounts(), dataDir);
            assertThat(created).isPresent();

            Path file = dataDir.resolve("dev-credentials");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            }
            assertThat(p.stringPropertyNames()).containsExactlyInAnyOrder("tenant", "user", "password", "token");
            var principal = app.accounts().authenticate(p.getProperty("token")).orElseThrow();
            assertThat(principal.tenantName()).isEqualTo("demo");
            assertThat(principal.plan()).isEqualTo(finora.server.auth.Plan.ENTERPRISE);
            assertThat(principal.role()).isEqualTo(finora.server.auth.Role.ADMIN);
            assertThat(app.accounts()
                            .login(p.getProperty("user"), p.getProperty("password"))
                            .principal()
                            .role())
                    .isEqualTo(finora.server.auth.Role.ADMIN);
            assertThat(created.get().toString()).doesNotContain(p.getProperty("token"));
            // what the server logs on first start names the file, never the secrets (stdout becomes a log file)
            String notice = DevBootstrap.firstStartNotice(created.get(), dataDir);
            assertThat(notice)
                    .contains(file.toString())
                    .doesNotContain(p.getProperty("password"))
                    .doesNotContain(p.getProperty("token"));

            assertThat(DevBootstrap.runIfEmpty(app.accounts(), dataDir)).isEmpty();
            assertThat(DevBootstrap.read(dataDir).orElseThrow().token()).isEqualTo(p.getProperty("token"));
        }
    }
}
