package finora.server.db;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a data directory: real PostgreSQL binaries from a Maven artifact,
 * data under {@code <dataDir>/postgres} so it survives restarts, locked down for a machine that may
 * have other users:
 *
 * <ul>
 *   <li>initialised with {@code scram-sha-256} (never {@code trust}); {@code pg_hba.conf} accepts
 *       only password logins on 127.0.0.1 and the Unix socket; it listens on 127.0.0.1 only;
 *   <li>three generated passwords (superuser {@code postgres}, {@value #OWNER} which owns the schema
 *       and runs the migrations, {@value #APP} which the application connects as: DML only, not a
 *       superuser) live in {@code <dataDir>/db-passwords}, mode 0600, in a data dir of mode 0700;
 *   <li>{@code fsync} and {@code synchronous_commit} on (zonky turns both off for tests): a
 *       committed sync survives a power cut;
 *   <li>one server per data dir: the serving process holds {@code <dataDir>/finora.lock}; a second
 *       server is refused, while the command line attaches to the running one's database;
 *   <li>a postmaster left running by a server that was killed (kill -9) is stopped and started
 *       afresh with these settings; a data dir made by older versions (trust) is locked down in place.
 * </ul>
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    /** The role that owns the schema and runs Flyway. */
    public static final String OWNER = "finora_owner";
    /** The role the application connects as: reads and writes rows, nothing else. */
    public static final String APP = "finora_app";

    static final String SUPERUSER = "postgres";
    static final String PASSWORD_FILE = "db-passwords";
    /** First line of the pg_hba.conf this class writes: how it knows a data dir is already locked down. */
    static final String HBA_MARKER = "# Finora: password logins only (scram-sha-256), 127.0.0.1 and the socket.";

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);
    private static final Duration ORPHAN_SESSIONS_WAIT = Duration.ofSeconds(5);
    /** Process title of a client backend: "postgres: user db 127.0.0.1(53748) idle" or "… [local] …". */
    private static final Pattern CLIENT_BACKEND = Pattern.compile("^postgres: \\S+ \\S+ (\\S+\\(\\d+\\)|\\[local\\])");

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres started;
    private final DataDirectoryLock lock;
    private final int port;
    private final Passwords passwords;

    private EmbeddedPostgres(
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres started,
            DataDirectoryLock lock,
            int port,
            Passwords passwords) {
        this.started = started;
        this.lock = lock;
        this.port = port;
        this.passwords = passwords;
    }

    /** A role and its password; {@link #toString()} never shows the password. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + "]";
        }
    }

    /**
     * For the server: claims {@code dataDir} (refusing with {@link DataDirectoryInUseException} when
     * another server holds it), stops a postmaster orphaned by a killed server, and starts PostgreSQL.
     */
    public static EmbeddedPostgres start(Path dataDir) {
        prepareDataDir(dataDir);
        DataDirectoryLock lock = DataDirectoryLock.tryAcquire(dataDir).orElseThrow(() -> inUse(dataDir));
        try {
            return startLocked(dataDir, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * For the command line: when a server runs on {@code dataDir}, connects to its PostgreSQL (which
     * keeps running); otherwise claims the data dir and starts it as {@link #start} does.
     */
    public static EmbeddedPostgres startOrAttach(Path dataDir) {
        prepareDataDir(dataDir);
        Optional<DataDirectoryLock> lock = DataDirectoryLock.tryAcquire(dataDir);
        if (lock.isPresent()) {
            try {
                return startLocked(dataDir, lock.get());
            } catch (RuntimeException e) {
                lock.get().close();
                throw e;
            }
        }
        Path pgData = dataDir.resolve("postgres");
        Integer port = Postmaster.of(pgData)
                .filter(Postmaster::ready)
                .map(Postmaster::port)
                .orElseThrow(() -> new DataDirectoryInUseException("The Finora server" + holder(dataDir) + " using "
                        + dataDir + " has not started its database yet; try again in a moment"));
        Passwords passwords = Passwords.read(dataDir)
                .orElseThrow(() -> new IllegalStateException(dataDir.resolve(PASSWORD_FILE)
                        + " is missing, so the running server's database cannot be reached"));
        log.info("Using the embedded PostgreSQL of the running server on port {}", port);
        return new EmbeddedPostgres(null, null, port, passwords);
    }

    private static EmbeddedPostgres startLocked(Path dataDir, DataDirectoryLock lock) {
        Path pgData = dataDir.resolve("postgres");
        stopOrphan(pgData);
        boolean fresh = !Files.exists(pgData.resolve("postgresql.conf"));
        boolean legacy = !fresh && !lockedDown(pgData);
        Passwords passwords;
        if (fresh || legacy) {
            passwords = Passwords.read(dataDir).filter(p -> legacy).orElseGet(Passwords::generate);
            passwords.write(dataDir);
        } else {
            passwords = Passwords.read(dataDir)
                    .orElseThrow(() -> new IllegalStateException(dataDir.resolve(PASSWORD_FILE)
                            + " is missing but the database in " + pgData + " is password"
                            + " protected: restore the file, or delete " + dataDir + " to start over"));
        }
        Path pwFile = dataDir.resolve(".initdb-password");
        var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                // Main's shutdown closes it after the server has drained; a hook of zonky's own would race that.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // zonky starts postgres with -F (fsync off) and synchronous_commit=off: fine for tests, not for
                // data that must survive a power cut. -c options come after -F, so these win.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                // zonky's readiness check logs in as the superuser.
                .setConnectConfig("password", passwords.superuser())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setDataDirectoryCustomizer(dir -> {
                    deleteQuietly(pwFile);
                    if (!legacy) {
                        writeHba(dir.toPath());
                    }
                });
        if (fresh) {
            // zonky runs `initdb -A trust -U postgres …` then appends these as --auth=…, --pwfile=…: the later wins.
            writePrivate(pwFile, passwords.superuser() + "\n");
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", pwFile.toString());
        }
        long startNanos = System.nanoTime();
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
        try {
            pg = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + pgData, e);
        } finally {
            deleteQuietly(pwFile);
        }
        EmbeddedPostgres embedded = new EmbeddedPostgres(pg, lock, pg.getPort(), passwords);
        try {
            if (legacy) {
                embedded.lockDownLegacy(pgData);
            }
            embedded.provisionRoles();
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
        log.info(
                "Started embedded PostgreSQL on 127.0.0.1:{} with data in {} in {} ms{}",
                pg.getPort(),
                pgData,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                fresh ? " (new cluster)" : legacy ? " (locked down a data dir of an older version)" : "");
        return embedded;
    }

    /** JDBC URL of the cluster's {@code postgres} database, over 127.0.0.1. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The role that owns the schema: Flyway runs as it. */
    public Login owner() {
        return new Login(OWNER, passwords.owner());
    }

    /** The role the application's pools connect as. */
    public Login app() {
        return new Login(APP, passwords.app());
    }

    /** Port the cluster listens on. */
    public int port() {
        return port;
    }

    /** True when this process started the cluster (and stops it on close); false when it attached to a server's. */
    public boolean owned() {
        return started != null;
    }

    /** Stops the cluster and releases the data dir if this process started it; an attached cluster keeps running. */
    @Override
    public void close() {
        if (started != null) {
            try {
                started.close();
            } catch (IOException e) {
                log.warn("Stopping the embedded PostgreSQL failed", e);
            }
        }
        if (lock != null) {
            lock.close();
        }
    }

    // ---- lock-down -------------------------------------------------------------------------------

    /** A data dir of an older version runs with trust: set the password while trust still lets us in, then lock. */
    private void lockDownLegacy(Path pgData) {
        log.warn(
                "The embedded database in {} accepts logins without a password (made by an older version);"
                        + " setting passwords and locking it down",
                pgData);
        try (Connection c = connect(SUPERUSER, passwords.superuser())) {
            c.unwrap(PGConnection.class)
                    .alterUserPassword(SUPERUSER, passwords.superuser().toCharArray(), "scram-sha-256");
            writeHba(pgData);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not lock down the embedded database in " + pgData, e);
        }
        // The reload is asynchronous: wait until a login without a password is refused.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (acceptsWithoutPassword()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The embedded database in " + pgData
                        + " still accepts logins without a password after reloading pg_hba.conf");
            }
            sleep(50);
        }
    }

    private boolean acceptsWithoutPassword() {
        try (Connection c = connect(SUPERUSER, null)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Creates the owner and application roles if missing, sets their passwords (as SCRAM verifiers
     * computed here, so no password travels in a statement), moves objects a superuser created (data
     * dirs of older versions) to the owner, and grants the application DML on every table, present
     * and future. Runs at every start; each step is idempotent.
     */
    private void provisionRoles() {
        try (Connection c = connect(SUPERUSER, passwords.superuser());
                Statement st = c.createStatement()) {
            for (String role : List.of(OWNER, APP)) {
                st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                        + "CREATE ROLE " + role + "; END IF; END $$");
                st.execute(
                        "ALTER ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            }
            PGConnection pg = c.unwrap(PGConnection.class);
            pg.alterUserPassword(OWNER, passwords.owner().toCharArray(), "scram-sha-256");
            pg.alterUserPassword(APP, passwords.app().toCharArray(), "scram-sha-256");
            st.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + OWNER);
            st.execute("GRANT USAGE ON SCHEMA public TO " + APP);
            // Tables, views and sequences of older data dirs belong to postgres; sequences of identity
            // columns follow their table. Then functions (the V3/V4 trigger functions).
            st.execute("""
                    DO $$ DECLARE r record; BEGIN
                      FOR r IN SELECT c.oid::regclass AS name FROM pg_class c
                               JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'public' AND c.relowner = 'postgres'::regrole
                                 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                                 AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                     AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
                      LOOP EXECUTE format('ALTER TABLE %s OWNER TO finora_owner', r.name); END LOOP;
                      FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                               JOIN pg_namespace n ON n.oid = p.pronamespace
                               WHERE n.nspname = 'public' AND p.proowner = 'postgres'::regrole
                      LOOP EXECUTE format('ALTER ROUTINE %s OWNER TO finora_owner', r.name); END LOOP;
                    END $$""");
            // The triggers run as the caller, so the application also writes the rollup tables: DML on all.
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + APP);
            st.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + APP);
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA public"
                    + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + APP);
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA public"
                    + " GRANT USAGE, SELECT ON SEQUENCES TO " + APP);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not set up the roles of the embedded database", e);
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    static boolean lockedDown(Path pgData) {
        try {
            List<String> lines = Files.readAllLines(pgData.resolve("pg_hba.conf"), StandardCharsets.UTF_8);
            return !lines.isEmpty() && lines.get(0).equals(HBA_MARKER);
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeHba(Path pgData) {
        String hba = HBA_MARKER + "\n"
                + "# Written at every start; edits are lost. Nothing else gets in: no other address, no replication.\n"
                + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
                + "local   all       all                 scram-sha-256\n"
                + "host    all       all   127.0.0.1/32  scram-sha-256\n";
        writePrivate(pgData.resolve("pg_hba.conf"), hba);
    }

    // ---- one server per data dir, and orphans ----------------------------------------------------

    private static DataDirectoryInUseException inUse(Path dataDir) {
        return new DataDirectoryInUseException("Another Finora server" + holder(dataDir) + " is already using the"
                + " data directory " + dataDir + ". Stop it first, or give this one its own FINORA_DATA_DIR.");
    }

    private static String holder(Path dataDir) {
        return DataDirectoryLock.holderPid(dataDir)
                .map(pid -> " (pid " + pid + ")")
                .orElse("");
    }

    /**
     * A postmaster still running although no server holds the data dir was left by a server that
     * died without stopping it (kill -9). It may run with settings of an older version, so it is
     * stopped (SIGTERM: a smart shutdown, quick since its clients died with the server) and the
     * caller starts a fresh one.
     */
    private static void stopOrphan(Path pgData) {
        Optional<Postmaster> orphan = Postmaster.of(pgData);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle process = orphan.get().process();
        if (!orphan.get().isPostgres()) {
            // The pid was reused by an unrelated process (e.g. after a reboot): the pid file is stale.
            log.info("Removing stale {} (pid {} is not PostgreSQL)", pgData.resolve("postmaster.pid"), process.pid());
            deleteQuietly(pgData.resolve("postmaster.pid"));
            return;
        }
        // A server killed with -9 leaves no sessions behind (the kernel closes its sockets and the backends
        // exit); sessions that stay belong to someone alive, e.g. a server of a version before this lock.
        long deadline = System.nanoTime() + ORPHAN_SESSIONS_WAIT.toNanos();
        long sessions;
        while ((sessions = orphan.get().clientSessions()) > 0 && System.nanoTime() < deadline) {
            sleep(100);
        }
        if (sessions > 0) {
            throw new DataDirectoryInUseException("PostgreSQL (pid " + process.pid() + ") of " + pgData + " still"
                    + " serves " + sessions + " client session(s), but no Finora server holds the data directory:"
                    + " a Finora server of an older version may still run on it. Stop it first.");
        }
        log.warn(
                "PostgreSQL (pid {}) of {} is still running without its Finora server (killed?); stopping it",
                process.pid(),
                pgData);
        process.destroy();
        try {
            process.onExit().get(ORPHAN_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the orphaned PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The orphaned PostgreSQL (pid " + process.pid() + ") of " + pgData
                    + " did not stop within " + ORPHAN_STOP_WAIT.toSeconds() + " s; stop it (kill -INT "
                    + process.pid() + ") and start again");
        }
        log.info("The orphaned PostgreSQL (pid {}) stopped", process.pid());
    }

    /** What {@code postmaster.pid} says about a live postmaster of a data dir. */
    record Postmaster(ProcessHandle process, int port, String status) {
        static Optional<Postmaster> of(Path pgData) {
            try {
                List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"), StandardCharsets.UTF_8);
                if (lines.size() < 4) {
                    return Optional.empty();
                }
                long pid = Long.parseLong(lines.get(0).trim());
                int port = Integer.parseInt(lines.get(3).trim());
                String status = lines.size() >= 8 ? lines.get(7).trim() : "";
                return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> new Postmaster(p, port, status));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        boolean ready() {
            return "ready".equals(status);
        }

        /**
         * Client sessions it serves, from its children's process titles ({@code /proc/<pid>/cmdline},
         * which PostgreSQL rewrites); 0 where {@code /proc} is not there.
         */
        long clientSessions() {
            return process.children()
                    .filter(child -> {
                        try {
                            String title = Files.readString(
                                            Path.of("/proc", Long.toString(child.pid()), "cmdline"),
                                            StandardCharsets.UTF_8)
                                    .replace('\0', ' ')
                                    .trim();
                            return CLIENT_BACKEND.matcher(title).find();
                        } catch (IOException e) {
                            return false; // gone meanwhile, or no /proc
                        }
                    })
                    .count();
        }

        boolean isPostgres() {
            return process.info()
                    .command()
                    .map(c -> c.endsWith("/postgres") || c.equals("postgres"))
                    .orElse(false);
        }
    }

    // ---- files -----------------------------------------------------------------------------------

    /** The data dir holds the database, the key set and passwords: this user only (0700). */
    private static void prepareDataDir(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            PosixFileAttributeView view = Files.getFileAttributeView(dataDir, PosixFileAttributeView.class);
            if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY_DIR)) {
                view.setPermissions(OWNER_ONLY_DIR);
                log.info("Made the data directory {} private to its owner (mode 0700)", dataDir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not prepare the data directory " + dataDir, e);
        }
    }

    /** Writes {@code file} so that it is never readable by others, not even for a moment. */
    static void writePrivate(Path file, String content) {
        try {
            Path tmp = Files.createTempFile(
                    file.getParent(),
                    "." + file.getFileName(),
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not write " + file, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", file, e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** The generated passwords of the three roles, kept in {@code <dataDir>/db-passwords} (0600). */
    private record Passwords(String superuser, String owner, String app) {
        private static final SecureRandom RANDOM = new SecureRandom();

        static Passwords generate() {
            return new Passwords(random(), random(), random());
        }

        private static String random() {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        static Optional<Passwords> read(Path dataDir) {
            Path file = dataDir.resolve(PASSWORD_FILE);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalStateException("Could not read " + file, e);
            }
            String su = p.getProperty(SUPERUSER);
            String owner = p.getProperty(OWNER);
            String app = p.getProperty(APP);
            if (su == null || owner == null || app == null) {
                throw new IllegalStateException(
                        file + " lacks a password of " + SUPERUSER + ", " + OWNER + " or " + APP);
            }
            return Optional.of(new Passwords(su, owner, app));
        }

        void write(Path dataDir) {
            Properties p = new Properties();
            p.setProperty(SUPERUSER, superuser);
            p.setProperty(OWNER, owner);
            p.setProperty(APP, app);
            var text = new java.io.StringWriter();
            try (Writer w = text) {
                p.store(w, "Passwords of the embedded PostgreSQL's roles, generated at its first start. Keep private.");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            writePrivate(dataDir.resolve(PASSWORD_FILE), text.toString());
        }

        @Override
        public String toString() {
            return "Passwords[…]";
        }
    }
}
