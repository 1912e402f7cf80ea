package finora.server.db;

import static finora.db.jooq.Tables.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.server.App;
import finora.server.ServerConfig;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.TestApps;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database is locked: no login without a password (TCP or socket), the application
 * is not a superuser, private files, durable commits, one server per data dir. One cluster for the
 * class keeps it fast.
 */
class EmbeddedPostgresTest {
    @TempDir
    static Path dataDir;

    private static Database db;
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgres.start(dataDir);
        db = Database.open(pg, Database.PoolSizes.defaults());
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void loginWithoutPassword_isRefusedOnTcpAndOnTheSocket() throws Exception {
        for (String user : new String[] {"postgres", EmbeddedPostgres.OWNER, EmbeddedPostgres.APP}) {
            Properties props = new Properties();
            props.setProperty("user", user);
            assertThatThrownBy(() ->
                            DriverManager.getConnection(pg.jdbcUrl(), props).close())
                    .as("no password as %s", user)
                    .isInstanceOf(SQLException.class);
            props.setProperty("password", "wrong");
            assertThatThrownBy(() ->
                            DriverManager.getConnection(pg.jdbcUrl(), props).close())
                    .as("wrong password as %s", user)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
        // The application role may not even read where the socket is; postmaster.pid says (line 5).
        String socketDir = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                .get(4)
                .trim();
        Path socket = Path.of(socketDir, ".s.PGSQL." + pg.port());
        assertThat(socket).exists();
        // What psql -h <socket dir> would get: a password challenge (SASL), not "authentication ok".
        assertThat(firstAuthenticationRequest(socket, "postgres")).isEqualTo(AUTH_SASL);
        assertThat(firstAuthenticationRequest(socket, EmbeddedPostgres.APP)).isEqualTo(AUTH_SASL);
        assertThat(show("listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf")))
                .doesNotContain("trust")
                .doesNotContain("::1");
    }

    @Test
    void application_connectsAsARoleThatIsNotASuperuser_andCanDoItsWork() throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user, rolsuper, rolcreaterole, rolcreatedb"
                        + " FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(EmbeddedPostgres.APP);
            assertThat(rs.getBoolean(2)).as("superuser").isFalse();
            assertThat(rs.getBoolean(3)).isFalse();
            assertThat(rs.getBoolean(4)).isFalse();
            assertThatThrownBy(() -> st.execute("CREATE TABLE sneaky (x int)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("DROP TABLE tenant")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> st.execute("SELECT pg_read_file('postgresql.conf')"))
                    .hasMessageContaining("permission denied");
        }
        try (Connection c = db.exportDataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(EmbeddedPostgres.APP);
        }
        assertThat(owner("tenant")).isEqualTo(EmbeddedPostgres.OWNER);
        // The real code as the application role: accounts (identity columns), and line items whose
        // statement-level triggers write the rollup tables as the caller.
        App app = TestApps.create(
                ServerConfig.fromEnv(Map.of("FINORA_METRICS_PORT", "-1")),
                db.dsl(),
                db.sideDataSource(),
                Clock.systemUTC());
        var tenant = app.accounts().createTenant("locked", Plan.SCALE);
        assertThat(app.accounts()
                        .createToken(tenant.id(), Role.READER, "t", "test")
                        .token())
                .isNotBlank();
        try (Connection c = db.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO ledger (ledger_id, tenant_id, provider, external_org_id, external_org_name,"
                    + " created_at) VALUES ('00000000-0000-0000-0000-00000000000a', '" + tenant.id()
                    + "', 'ANTHROPIC', 'org-1', 'Org', now())");
            st.execute("INSERT INTO cost_line_item (tenant_id, ledger_id, day, workspace_id, description, model,"
                    + " model_family, model_version, cost_type, token_type, service_tier, context_window,"
                    + " inference_geo, speed, amount_usd) VALUES ('" + tenant.id() + "',"
                    + " '00000000-0000-0000-0000-00000000000a', DATE '2026-11-01', '', 'd', 'claude-opus-4-6',"
                    + " 'Opus', '4.6', 'tokens', 'output_tokens', 'standard', '0-200k', 'global', 'standard', 1.25)");
            try (ResultSet rs = st.executeQuery("SELECT sum(amount_usd) FROM cost_rollup_family")) {
                rs.next();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("1.25");
            }
        }
    }

    @Test
    void filesArePrivate_andCommitsAreDurable() throws Exception {
        assertThat(permissions(dataDir)).isEqualTo("rwx------");
        assertThat(permissions(dataDir.resolve(EmbeddedPostgres.PASSWORD_FILE))).isEqualTo("rw-------");
        assertThat(permissions(dataDir.resolve("postgres"))).isEqualTo("rwx------");
        assertThat(dataDir.resolve(".initdb-password")).doesNotExist();
        assertThat(show("synchronous_commit")).isEqualTo("on");
        assertThat(show("fsync")).isEqualTo("on");
        assertThat(show("password_encryption")).isEqualTo("scram-sha-256");
    }

    @Test
    void secondServerOnTheDataDir_isRefused_whileTheCommandLineAttaches() {
        assertThatThrownBy(() -> EmbeddedPostgres.start(dataDir))
                .isInstanceOf(DataDirectoryInUseException.class)
                .hasMessageContaining(
                        "Another Finora server (pid " + ProcessHandle.current().pid() + ")")
                .hasMessageContaining(dataDir.toString());
        try (Database cli =
                Database.openBesideServer(ServerConfig.fromEnv(Map.of("FINORA_DATA_DIR", dataDir.toString())))) {
            assertThat(cli.embedded().orElseThrow().owned()).isFalse();
            assertThat(cli.dsl().fetchCount(TENANT)).isNotNegative();
        }
        // The command line closed its pools only: the server's database still answers.
        assertThat(db.dsl().fetchCount(TENANT)).isNotNegative();
    }

    @Test
    void passwords_neverAppearInWhatIsPrinted() throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve(EmbeddedPostgres.PASSWORD_FILE))) {
            p.load(in);
        }
        String appPassword = p.getProperty(EmbeddedPostgres.APP);
        assertThat(appPassword).hasSizeGreaterThan(20);
        assertThat(pg.app().toString()).doesNotContain(appPassword);
        assertThat(pg.owner().toString()).doesNotContain(p.getProperty(EmbeddedPostgres.OWNER));
    }

    private static String show(String setting) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String owner(String table) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '" + table + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static final int AUTH_OK = 0;
    static final int AUTH_SASL = 10;

    /**
     * Sends a protocol-3 startup message over the Unix socket, as psql does, and returns the code of
     * the server's first authentication request (0: in without a password; 10: SCRAM challenge), or
     * -1 when it answered with an error.
     */
    static int firstAuthenticationRequest(Path socket, String user) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] params = ("user\0" + user + "\0database\0postgres\0\0").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.allocate(8 + params.length);
            out.putInt(8 + params.length).putInt(196608).put(params).flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            InputStream in = Channels.newInputStream(ch);
            byte[] head = in.readNBytes(5); // message type and length
            if (head.length < 5 || head[0] != 'R') {
                return -1;
            }
            return ByteBuffer.wrap(in.readNBytes(4)).getInt();
        }
    }
}
