package finora.server.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import finora.server.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one PostgreSQL every database test uses: a Testcontainers PostgreSQL when a Docker engine is
 * there, the server's embedded PostgreSQL otherwise. One cluster per test JVM; each
 * {@link #newDatabase()} is a fresh, migrated database in it, so tests never see each other's rows.
 */
public final class PostgresFixture {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile Cluster cluster;

    private PostgresFixture() {}

    private record Cluster(String host, int port, String user, String password, String kind) {
        String url(String db) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + db;
        }
    }

    /** A fresh database, migrated; close it to drop it. */
    public static TestDatabase newDatabase() {
        return newDatabase(null);
    }

    /**
     * A fresh database migrated up to {@code flywayTarget} (e.g. "3"), or fully when null: for tests of
     * a migration on data written under the schema before it.
     */
    public static TestDatabase newDatabase(String flywayTarget) {
        Cluster c = cluster();
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(c.url("postgres"), c.user(), c.password());
                Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database", e);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(c.url(name));
        cfg.setUsername(c.user());
        cfg.setPassword(c.password());
        cfg.setMaximumPoolSize(6);
        cfg.setConnectionTimeout(3000);
        HikariDataSource ds = new HikariDataSource(cfg);
        if (flywayTarget == null) {
            Database.migrate(ds);
        } else {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .target(flywayTarget)
                    .load()
                    .migrate();
        }
        return new TestDatabase(ds, DSL.using(ds, SQLDialect.POSTGRES), c.url(name), c.user(), c.password(), () -> {
            ds.close();
            try (Connection admin = DriverManager.getConnection(c.url("postgres"), c.user(), c.password());
                    Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                // the cluster goes away with the JVM anyway
            }
        });
    }

    /** "testcontainers" or "embedded": which engine this run uses. */
    public static String kind() {
        return cluster().kind();
    }

    private static Cluster cluster() {
        Cluster c = cluster;
        if (c == null) {
            synchronized (PostgresFixture.class) {
                c = cluster;
                if (c == null) {
                    c = start();
                    cluster = c;
                }
            }
        }
        return c;
    }

    private static Cluster start() {
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Cluster(
                    container.getHost(),
                    container.getMappedPort(5432),
                    container.getUsername(),
                    container.getPassword(),
                    "testcontainers");
        }
        try {
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("finora-test-pg"))
                    .setCleanDataDirectory(true);
            if (Boolean.getBoolean("finora.test.durable")) {
                // What the server's embedded database runs with (zonky's test defaults turn both off);
                // for measuring their cost, e.g. with BackfillBenchmark.
                builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
            }
            var pg = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    // exiting anyway
                }
            }));
            return new Cluster("localhost", pg.getPort(), "postgres", "", "embedded");
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    /** A migrated test database. */
    public record TestDatabase(
            HikariDataSource dataSource, DSLContext dsl, String jdbcUrl, String user, String password, Runnable dropper)
            implements AutoCloseable {
        @Override
        public void close() {
            dropper.run();
        }
    }
}
