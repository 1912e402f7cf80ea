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
        Database db = Database.open(config);
        return new FinoraCommand.OpenApp(
                App.create(config, db.dsl(), db.sideDataSource(), Clock.systemUTC()), db);
    }

    private static int serve(ServerConfig config) throws Exception {
        Database db = Database.open(config);
        App app = App.create(config, db.dsl(), db.sideDataSource(), Clock.systemUTC());
        if (config.devBootstrap()) {
            DevBootstrap.runIfEmpty(app.dsl(), app.accounts(), app.accountRepository(), config.dataDir())
                    .ifPresentOrElse(c -> log.info(DevBootstrap.firstStartNotice(c, config.dataDir())),
                            () -> log.info("Dev credentials, if any, are in {}",
                                    config.dataDir().resolve("dev-credentials")));
        }
        FinoraServer server = FinoraServer.create(ServerTransport.builder(config), app);
        server.start(Duration.ofSeconds(2));
        app.scheduler().start();
        app.connectionAlerts().start();
        log.info("Finora server listening for gRPC on port {} ({}), metrics on {}:{}", server.port(),
                config.tls().isPresent() ? "TLS" : "plaintext", config.metricsBind(), server.metricsPort());
        log.info("Login throttling believes the forwarded client address (x-finora-client-address) from: {}",
                config.loginTrustedProxies());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // 1. Health NOT_SERVING, so balancers stop sending new calls.
                server.enterShutdown();
                // 2. Stop background work: no new claims; running syncs finish their current day (or are
                //    interrupted after a timeout) and release their leases for other replicas.
                app.scheduler().stop();
                app.connectionAlerts().close();
                // 3. Stop accepting calls, wait up to 10 s for running ones, then cancel them.
                server.shutdown(Duration.ofSeconds(10));
                // Alerts still being sent stay PENDING in the delivery log; another replica resumes them.
                app.notifier().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // 4. Close the pool and the embedded database.
                db.close();
            }
        }, "shutdown"));
        server.awaitTermination();
        return 0;
    }
}
