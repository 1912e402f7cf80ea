package finora.server;

import finora.server.cli.FinoraCommand;
import finora.server.crypto.CredentialCipher;
import finora.server.db.Database;
import finora.server.db.EmbeddedPostgres;
import finora.server.grpc.ServerTransport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composition root: reads the configuration, opens the database, wires and runs the server. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    /** Serves with no arguments; see {@code --help} for the account subcommands. */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        FinoraCommand command =
                new FinoraCommand(() -> open(ServerConfig.fromEnv(env)), () -> serve(ServerConfig.fromEnv(env)));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(FinoraCommand.execute(command, out, err, args));
    }

    private static Thread platformThread(Runnable r) {
        Thread t = new Thread(r, "startup-warmup");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static <T> T join(CompletableFuture<T> f) throws Exception {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static FinoraCommand.OpenApp open(ServerConfig config) {
        Database db = Database.openBesideServer(config); // a server running on the data dir keeps its database
        return new FinoraCommand.OpenApp(
                App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), Clock.systemUTC())), db);
    }

    private static int serve(ServerConfig config) throws Exception {
        StartupPhases phases = new StartupPhases();
        // Independent of the database: the key set (Tink) and the classes of jOOQ's renderer and of the
        // gRPC transport load on another thread while PostgreSQL starts and Flyway validates.
        CompletableFuture<CredentialCipher> cipher = CompletableFuture.supplyAsync(
                () -> {
                    long start = System.nanoTime();
                    CredentialCipher c = CredentialCipher.fromConfig(config);
                    phases.parallel("Tink key set", start);
                    return c;
                },
                Main::platformThread);
        CompletableFuture<io.grpc.ServerBuilder<?>> transport = CompletableFuture.supplyAsync(
                () -> {
                    long start = System.nanoTime();
                    Database.warmJooq();
                    phases.parallel("jOOQ warm-up", start);
                    start = System.nanoTime();
                    var builder = ServerTransport.builder(config);
                    phases.parallel("Netty transport", start);
                    return builder;
                },
                Main::platformThread);
        Database db;
        if (config.database().isPresent()) {
            db = Database.open(config);
            phases.mark("database (external) + Flyway validation + pools");
        } else {
            EmbeddedPostgres embedded = EmbeddedPostgres.start(config.dataDir());
            phases.mark("embedded PostgreSQL");
            db = Database.open(embedded, Database.PoolSizes.of(config));
            phases.mark("Flyway validation + pools");
        }
        FinoraServer server;
        try {
            App app = App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), Clock.systemUTC())
                    .withExportDataSource(db.exportDataSource())
                    .withCipher(join(cipher)));
            phases.mark("wiring (waiting for the key set)");
            if (config.devBootstrap()) {
                DevBootstrap.runIfEmpty(app.accounts(), config.dataDir())
                        .ifPresentOrElse(
                                c -> log.info(DevBootstrap.firstStartNotice(c, config.dataDir())),
                                () -> log.info(
                                        "Dev credentials, if any, are in {}",
                                        config.dataDir().resolve("dev-credentials")));
            }
            phases.mark("first query (dev bootstrap)");
            server = FinoraServer.create(join(transport), app);
            server.start(Duration.ofSeconds(2));
            phases.mark("gRPC on Netty up and health SERVING");
            app.scheduler().start();
            app.connectionAlerts().start();
            phases.mark("scheduler and alerts");
            log.info(
                    "Finora server listening for gRPC on port {} ({}), metrics on {}:{}",
                    server.port(),
                    config.tls().isPresent() ? "TLS" : "plaintext",
                    config.metricsBind(),
                    server.metricsPort());
            log.info(phases.summary());
            log.info(
                    "Login throttling believes the forwarded client address (x-finora-client-address) from: {}",
                    config.loginTrustedProxies());
            // SIGTERM: health NOT_SERVING → syncs stop → gRPC drains → pools and database close, all
            // within FINORA_SHUTDOWN_TIMEOUT_SECONDS (below compose's stop_grace_period).
            // Last phase: the connection-alert timer stops, alerts still being sent stay PENDING in the
            // delivery log (another replica resumes them), then the pools and the database close.
            AutoCloseable closeLast = () -> {
                app.connectionAlerts().close();
                app.notifier().close();
                db.close();
            };
            var shutdown = new GracefulShutdown(config.shutdownTimeout(), server, app.scheduler(), closeLast);
            Runtime.getRuntime().addShutdownHook(new Thread(shutdown::run, "shutdown"));
        } catch (Exception | Error e) {
            db.close(); // never leave the embedded PostgreSQL running behind a server that did not start
            throw e;
        }
        server.awaitTermination();
        return 0;
    }
}
