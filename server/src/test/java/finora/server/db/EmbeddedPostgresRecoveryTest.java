package finora.server.db;

import static finora.db.jooq.Tables.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedded database meets in the field: a data dir made by an older version (trust), a
 * second server started on the same data dir, and a postmaster orphaned by a server killed with -9.
 */
class EmbeddedPostgresRecoveryTest {

    @Test
    void trustDataDirOfAnOlderVersion_isLockedDownInPlace_keepingItsData(@TempDir Path dataDir) throws Exception {
        // Exactly what the previous code did: zonky's defaults (initdb -A trust), the app as superuser.
        var old = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "localhost")
                .start();
        UUID tenant = UUID.randomUUID();
        try {
            // What the lock-down tests catch: anyone on the machine got in without a password.
            String socketDir = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                    .get(4)
                    .trim();
            assertThat(EmbeddedPostgresTest.firstAuthenticationRequest(
                            Path.of(socketDir, ".s.PGSQL." + old.getPort()), "postgres"))
                    .isEqualTo(EmbeddedPostgresTest.AUTH_OK);
            Database.migrate(old.getPostgresDatabase());
            try (Connection c = old.getPostgresDatabase().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO tenant (tenant_id, name, plan, created_at) VALUES ('" + tenant
                        + "', 'before', 'SCALE', now())");
            }
        } finally {
            old.close();
        }

        try (Database db = Database.open(EmbeddedPostgres.start(dataDir), Database.PoolSizes.defaults())) {
            EmbeddedPostgres pg = db.embedded().orElseThrow();
            Properties noPassword = new Properties();
            noPassword.setProperty("user", "postgres");
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), noPassword)
                            .close())
                    .isInstanceOf(java.sql.SQLException.class);
            assertThat(EmbeddedPostgres.lockedDown(dataDir.resolve("postgres"))).isTrue();
            assertThat(EmbeddedPostgresTest.permissions(dataDir.resolve(EmbeddedPostgres.PASSWORD_FILE)))
                    .isEqualTo("rw-------");
            // The data is there, the application role (not a superuser) reads and writes the old tables,
            // and the schema moved to the owner so later migrations can alter it.
            assertThat(db.dsl().fetchOne(TENANT, TENANT.TENANT_ID.eq(tenant)).getName())
                    .isEqualTo("before");
            try (Connection c = db.dataSource().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO tenant (tenant_id, name, plan, created_at) VALUES (gen_random_uuid(),"
                        + " 'after', 'TRIAL', now())");
                st.execute("INSERT INTO audit_event (tenant_id, actor, action, occurred_at) VALUES ('" + tenant
                        + "', 'test', 'TEST', now())");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                        + " AND tableowner <> '" + EmbeddedPostgres.OWNER + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1))
                            .as("tables not owned by the owner role")
                            .isZero();
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_proc p JOIN pg_namespace n"
                        + " ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
                        + " AND p.proowner <> '" + EmbeddedPostgres.OWNER + "'::regrole")) {
                    rs.next();
                    assertThat(rs.getInt(1))
                            .as("functions not owned by the owner role")
                            .isZero();
                }
            }
        }
        // And the next start takes the ordinary path.
        try (Database db = Database.open(EmbeddedPostgres.start(dataDir), Database.PoolSizes.defaults())) {
            assertThat(db.dsl().fetchCount(TENANT)).isEqualTo(2);
        }
    }

    @Test
    void secondServerIsRefused_commandLineAttaches_andAPostmasterOrphanedByKill9IsStopped(@TempDir Path dataDir)
            throws Exception {
        Process first = server(dataDir, dataDir.resolve("first.log"));
        Process second = null;
        try {
            awaitLine(first, dataDir.resolve("first.log"), "listening for gRPC", Duration.ofSeconds(90));

            second = server(dataDir, dataDir.resolve("second.log"));
            assertThat(second.waitFor(60, TimeUnit.SECONDS))
                    .as("the second server exits")
                    .isTrue();
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(Files.readString(dataDir.resolve("second.log")))
                    .contains("Another Finora server (pid " + first.pid() + ") is already using the data directory "
                            + dataDir);

            // The command line uses the running server's database and leaves it running.
            ServerConfig config = ServerConfig.fromEnv(Map.of("FINORA_DATA_DIR", dataDir.toString()));
            try (Database cli = Database.openBesideServer(config)) {
                assertThat(cli.embedded().orElseThrow().owned()).isFalse();
                assertThat(cli.dsl().fetchCount(TENANT)).as("the dev tenant").isEqualTo(1);
            }
            var postmaster =
                    EmbeddedPostgres.Postmaster.of(dataDir.resolve("postgres")).orElseThrow();
            assertThat(postmaster.process().isAlive()).isTrue();

            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: its PostgreSQL stays behind
            assertThat(postmaster.process().isAlive()).as("orphaned postmaster").isTrue();

            long t0 = System.nanoTime();
            try (Database db = Database.open(EmbeddedPostgres.start(dataDir), Database.PoolSizes.of(config))) {
                assertThat(postmaster.process().isAlive())
                        .as("the orphan was stopped")
                        .isFalse();
                assertThat(db.embedded().orElseThrow().owned()).isTrue();
                assertThat(db.dsl().fetchCount(TENANT)).isEqualTo(1);
            }
            System.out.printf(
                    "Restart over an orphaned postmaster took %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
            EmbeddedPostgres.Postmaster.of(dataDir.resolve("postgres"))
                    .ifPresent(p -> p.process().destroy());
        }
    }

    @Test
    void postmasterWithLiveSessions_butNoServerHoldingTheLock_isLeftRunning(@TempDir Path dataDir) throws Exception {
        // A server of the previous version runs on the data dir: it never takes finora.lock.
        var older = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .start();
        try (Connection session = older.getPostgresDatabase().getConnection()) {
            var postmaster =
                    EmbeddedPostgres.Postmaster.of(dataDir.resolve("postgres")).orElseThrow();
            assertThat(postmaster.clientSessions()).isEqualTo(1);
            assertThatThrownBy(() -> EmbeddedPostgres.start(dataDir))
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageContaining("still serves 1 client session(s)")
                    .hasMessageContaining("older version");
            assertThat(postmaster.process().isAlive()).isTrue();
            try (Statement st = session.createStatement()) {
                assertThat(st.execute("SELECT 1"))
                        .as("its sessions keep working")
                        .isTrue();
            }
        } finally {
            older.close();
        }
    }

    /** The real server's main in a JVM of its own, on ephemeral ports, logging to {@code log}. */
    private static Process server(Path dataDir, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "finora.server.Main")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("FINORA_DATA_DIR", dataDir.toString());
        pb.environment().put("FINORA_GRPC_PORT", "0");
        pb.environment().put("FINORA_METRICS_PORT", "-1");
        pb.environment().put("FINORA_SYNC_ENABLED", "false");
        pb.environment().put("FINORA_ANTHROPIC_BASE_URL", "http://127.0.0.1:9");
        return pb.start();
    }

    private static void awaitLine(Process process, Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String content = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            if (content.contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("The server exited before '" + text + "':\n" + content);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No '" + text + "' within " + timeout + ":\n" + Files.readString(log));
    }
}
