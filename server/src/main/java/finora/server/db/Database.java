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
    private final HikariDataSource exportPool;
    private final DSLContext dsl;
    private final EmbeddedPostgres embedded;

    private Database(
            HikariDataSource pool, HikariDataSource sidePool, HikariDataSource exportPool, EmbeddedPostgres embedded) {
        this.pool = pool;
        this.sidePool = sidePool;
        this.exportPool = exportPool;
        this.embedded = embedded;
        this.dsl = dsl(pool);
    }

    /** How many connections each pool has. */
    public record PoolSizes(int main, int exports) {
        /** The sizes {@code config} asks for. */
        public static PoolSizes of(ServerConfig config) {
            return new PoolSizes(
                    config.concurrency().databasePoolSize(), config.exports().poolSize());
        }

        /** The defaults: 10 connections for calls and syncs, 4 for exports. */
        public static PoolSizes defaults() {
            return of(ServerConfig.fromEnv(java.util.Map.of()));
        }
    }

    /**
     * For the server: opens the configured database and migrates it. With no database configured it
     * starts the embedded one, refusing when another server already runs on the data dir.
     */
    public static Database open(ServerConfig config) {
        if (config.database().isPresent()) {
            return openExternal(config);
        }
        return open(EmbeddedPostgres.start(config.dataDir()), PoolSizes.of(config));
    }

    /**
     * For the command line: as {@link #open(ServerConfig)}, but when a server runs on the data dir it
     * uses that server's embedded database (and leaves it running on close).
     */
    public static Database openBesideServer(ServerConfig config) {
        if (config.database().isPresent()) {
            return openExternal(config);
        }
        return open(EmbeddedPostgres.startOrAttach(config.dataDir()), PoolSizes.of(config));
    }

    private static Database openExternal(ServerConfig config) {
        var external = config.database().get();
        return open(external.jdbcUrl(), external.user(), external.password(), null, PoolSizes.of(config));
    }

    /**
     * Opens the embedded database: Flyway runs as its owner role, the pools connect as its application
     * role (not a superuser). {@code embedded} is closed with the database, or at once if opening fails.
     */
    public static Database open(EmbeddedPostgres embedded, PoolSizes sizes) {
        try {
            var owner = embedded.owner();
            var migrator = new org.postgresql.ds.PGSimpleDataSource();
            migrator.setUrl(embedded.jdbcUrl());
            migrator.setUser(owner.user());
            migrator.setPassword(owner.password());
            migrate(migrator);
            var app = embedded.app();
            return pools(embedded.jdbcUrl(), app.user(), app.password(), embedded, sizes);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /** Opens a database at a JDBC URL with a pool of 10 and migrates it; {@code embedded} is closed with it. */
    public static Database open(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        return open(jdbcUrl, user, password, embedded, PoolSizes.defaults());
    }

    /** Opens a database at a JDBC URL with pools of the given sizes and migrates it as {@code user}. */
    public static Database open(
            String jdbcUrl, String user, String password, EmbeddedPostgres embedded, PoolSizes sizes) {
        Database db = pools(jdbcUrl, user, password, embedded, sizes);
        try {
            migrate(db.pool);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static Database pools(
            String jdbcUrl, String user, String password, EmbeddedPostgres embedded, PoolSizes sizes) {
        HikariDataSource pool = pool(jdbcUrl, user, password, "finora", sizes.main());
        HikariDataSource side = null;
        try {
            // Health probes and the cost-change listener get their own connections, so a pool busy with
            // queries never reads as "database down" and never starves the listener.
            side = pool(jdbcUrl, user, password, "finora-side", 2);
            // Exports hold a connection for as long as their client reads: a pool of their own, so slow
            // or stalled downloads can never take the connections other calls and syncs need.
            HikariDataSource exports = pool(jdbcUrl, user, password, "finora-export", sizes.exports());
            return new Database(pool, side, exports, embedded);
        } catch (RuntimeException e) {
            if (side != null) {
                side.close();
            }
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

    /** A jOOQ context over {@code pool} in this server's SQL dialect. */
    public static DSLContext dsl(DataSource pool) {
        return DSL.using(pool, SQLDialect.POSTGRES);
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

    /** The pool of {@code ExportCosts}, apart from the main pool. */
    public DataSource exportDataSource() {
        return exportPool;
    }

    /** The embedded PostgreSQL this database runs on, if it is the embedded one. */
    public java.util.Optional<EmbeddedPostgres> embedded() {
        return java.util.Optional.ofNullable(embedded);
    }

    /** Closes the pools, then stops the embedded PostgreSQL if this process started it. */
    @Override
    public void close() {
        exportPool.close();
        sidePool.close();
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    /**
     * Loads jOOQ's rendering classes and the generated schema by rendering a query (no database
     * needed); the server does it on another thread while PostgreSQL starts.
     */
    public static void warmJooq() {
        var t = finora.db.jooq.Tables.COST_ROLLUP_DETAIL;
        org.jooq
                .impl
                .DSL
                .using(org.jooq.SQLDialect.POSTGRES)
                .renderInlined(org.jooq
                        .impl
                        .DSL
                        .select(t.DAY, org.jooq.impl.DSL.sum(t.AMOUNT_USD))
                        .from(t)
                        .where(t.TENANT_ID.isNotNull())
                        .groupBy(t.DAY)
                        .orderBy(t.DAY)
                        .limit(1));
    }
}
