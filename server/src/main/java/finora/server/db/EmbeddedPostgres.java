package finora.server.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a data directory: real PostgreSQL binaries from a Maven artifact,
 * data under {@code <dataDir>/postgres} so it survives restarts.
 *
 * <p>When a server already runs the cluster (its {@code postmaster.pid} names a live process),
 * a second process such as the command line connects to that one instead of starting another.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres started;
    private final int port;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres started, int port) {
        this.started = started;
        this.port = port;
    }

    /** Connects to the cluster of {@code dataDir} if one runs, else starts it. */
    public static EmbeddedPostgres startOrAttach(Path dataDir) {
        Path pgData = dataDir.resolve("postgres");
        Optional<Integer> running = runningPort(pgData);
        if (running.isPresent()) {
            log.info("Using the embedded PostgreSQL already running on port {}", running.get());
            return new EmbeddedPostgres(null, running.get());
        }
        try {
            Files.createDirectories(dataDir);
            var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "localhost")
                    .start();
            log.info("Started embedded PostgreSQL on port {} with data in {}", pg.getPort(), pgData);
            return new EmbeddedPostgres(pg, pg.getPort());
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + pgData, e);
        }
    }

    /** JDBC URL of the cluster's {@code postgres} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** Superuser of the embedded cluster. */
    public String user() {
        return "postgres";
    }

    /** Port the cluster listens on. */
    public int port() {
        return port;
    }

    /** Stops the cluster if this process started it; an attached cluster keeps running. */
    @Override
    public void close() {
        if (started != null) {
            try {
                started.close();
            } catch (IOException e) {
                log.warn("Stopping the embedded PostgreSQL failed", e);
            }
        }
    }

    /** Port of a live postmaster of {@code pgData}, read from line 4 of its {@code postmaster.pid}. */
    static Optional<Integer> runningPort(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
