package finora.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import finora.server.ServerConfig;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The database a process works with: a HikariCP pool, migrated by Flyway at open, and the jOOQ
 * context over it. Owns the embedded PostgreSQL when it started one.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final HikariDataSource sidePool;
    private final DSLContext dsl;
    private final EmbeddedPostgres embedded;

    private Database(HikariDataSource pool, HikariDataSource sidePool, EmbeddedPostgres embedded) {
        this.pool = pool;
        this.sidePool = sidePool;
        this.embedded = embedded;
        this.dsl = DSL.using(pool, SQLDialect.POSTGRES);
    }

    /** Opens the configured database (starting the embedded one if none is configured) and migrates it. */
    public static Database open(ServerConfig config) {
        if (config.database().isPresent()) {
            var external = config.database().get();
            return open(external.jdbcUrl(), external.user(), external.password(), null,
                    config.concurrency().databasePoolSize());
        }
        EmbeddedPostgres pg = EmbeddedPostgres.startOrAttach(config.dataDir());
        try {
            return open(pg.jdbcUrl(), pg.user(), "", pg, config.concurrency().databasePoolSize());
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** Opens a database at a JDBC URL with a pool of 10 and migrates it; {@code embedded} is closed with it. */
    public static Database open(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        return open(jdbcUrl, user, password, embedded, ServerConfig.Concurrency.defaults().databasePoolSize());
    }

    /** Opens a database at a JDBC URL with a pool of {@code poolSize} and migrates it. */
    public static Database open(String jdbcUrl, String user, String password, EmbeddedPostgres embedded,
            int poolSize) {
        HikariDataSource pool = pool(jdbcUrl, user, password, "finora", poolSize);
        try {
            migrate(pool);
            // Health probes and the cost-change listener get their own connections, so a pool busy with
            // queries never reads as "database down" and never starves the listener.
            return new Database(pool, pool(jdbcUrl, user, password, "finora-side", 2), embedded);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource pool(String jdbcUrl, String user, String password, String name, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setPoolName(name);
        hikari.setMaximumPoolSize(size);
        // Short waits so health turns NOT_SERVING quickly while the database is unreachable.
        hikari.setConnectionTimeout(Duration.ofSeconds(3).toMillis());
        hikari.setValidationTimeout(Duration.ofSeconds(2).toMillis());
        hikari.setInitializationFailTimeout(Duration.ofSeconds(30).toMillis());
        return new HikariDataSource(hikari);
    }

    /** Applies the Flyway migrations shipped in the {@code finora-db} module. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** The jOOQ context; every repository works through it. */
    public DSLContext dsl() {
        return dsl;
    }

    /** The main pool (repositories use it through {@link #dsl()}). */
    public DataSource dataSource() {
        return pool;
    }

    /** Two connections apart from the main pool: health probes and the cost-change listener. */
    public DataSource sideDataSource() {
        return sidePool;
    }

    /** Closes the pool, then stops the embedded PostgreSQL if this process started it. */
    @Override
    public void close() {
        sidePool.close();
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
