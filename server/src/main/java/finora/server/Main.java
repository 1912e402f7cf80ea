package finora.server;

import finora.server.cli.FinoraCommand;
import finora.server.db.Database;
import finora.server.grpc.ServerTransport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composition root: reads the configuration, opens the database, wires and runs the server. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    /** Serves with no arguments; see {@code --help} for the account subcommands. */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        FinoraCommand command = new FinoraCommand(() -> open(ServerConfig.fromEnv(env)),
                () -> serve(ServerConfig.fromEnv(env)));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(FinoraCommand.execute(command, out, err, args));
    }

    private static FinoraCommand.OpenApp open(ServerConfig config) {
        Database db = Database.openBesideServer(config); // a server running on the data dir keeps its database
        return new FinoraCommand.OpenApp(
                App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), Clock.systemUTC())), db);
    }

    private static int serve(ServerConfig config) throws Exception {
        Database db = Database.open(config);
        FinoraServer server;
        try {
            App app = App.create(App.Config.of(config, db.dsl(), db.sideDataSource(), Clock.systemUTC())
                    .withExportDataSource(db.exportDataSource()));
            if (config.devBootstrap()) {
                DevBootstrap.runIfEmpty(app.accounts(), config.dataDir())
                        .ifPresentOrElse(c -> log.info(DevBootstrap.firstStartNotice(c, config.dataDir())),
                                () -> log.info("Dev credentials, if any, are in {}",
                                        config.dataDir().resolve("dev-credentials")));
            }
            server = FinoraServer.create(ServerTransport.builder(config), app);
            server.start(Duration.ofSeconds(2));
            app.scheduler().start();
            app.connectionAlerts().start();
            log.info("Finora server listening for gRPC on port {} ({}), metrics on {}:{}", server.port(),
                    config.tls().isPresent() ? "TLS" : "plaintext", config.metricsBind(), server.metricsPort());
            log.info("Login throttling believes the forwarded client address (x-finora-client-address) from: {}",
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
