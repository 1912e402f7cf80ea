package finora.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The whole system as real processes: anthropic-sim (serving the Cost Analytics API), the Finora server (embedded PostgreSQL in a
 * fresh data directory) and the admin UI, each from its packaged jar, on free ports. Closing stops
 * them all (and the server's PostgreSQL with it); their output is kept in {@code <workDir>/logs}.
 */
final class FinoraStack implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Path workDir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread killOnExit = new Thread(this::stopAll, "finora-e2e-stop");
    private String simUrl;
    private int grpcPort;
    private String uiUrl;
    private Properties credentials;

    private FinoraStack(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts sim, server and admin UI together and waits until each is ready. */
    static FinoraStack start(Path workDir, Path simJar, Path serverJar, Path adminUiJar) throws Exception {
        for (Path jar : List.of(simJar, serverJar, adminUiJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar
                        + " is missing: package the modules first (./mvnw verify builds them " + "before this module)");
            }
        }
        FinoraStack stack = new FinoraStack(workDir);
        Runtime.getRuntime().addShutdownHook(stack.killOnExit);
        try {
            stack.launch(simJar, serverJar, adminUiJar);
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void launch(Path simJar, Path serverJar, Path adminUiJar) throws Exception {
        Path dataDir = Files.createDirectories(workDir.resolve("data"));
        Files.createDirectories(workDir.resolve("logs"));
        int simPort = freePort();
        grpcPort = freePort();
        int uiPort = freePort();
        simUrl = "http://127.0.0.1:" + simPort;
        uiUrl = "http://localhost:" + uiPort;

        // Analytics on (also the sim's standalone default): spend by API key and user, list prices, today so far.
        Process sim =
                spawn("anthropic-sim", simJar, Map.of(), "--port", String.valueOf(simPort), "--analytics", "true");
        Process server = spawn(
                "server",
                serverJar,
                Map.of(
                        "FINORA_DATA_DIR",
                        dataDir.toString(),
                        "FINORA_GRPC_PORT",
                        String.valueOf(grpcPort),
                        "FINORA_METRICS_PORT",
                        "-1",
                        "FINORA_ANTHROPIC_BASE_URL",
                        simUrl,
                        "FINORA_OPENAI_BASE_URL",
                        simUrl, // the simulator's OpenAI face, same port
                        // The test's webhook receiver listens on loopback, which the server refuses by default.
                        "FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS",
                        "true"));
        Process ui = spawn(
                "admin-ui",
                adminUiJar,
                Map.of("PORT", String.valueOf(uiPort), "FINORA_SERVER_TARGET", "localhost:" + grpcPort));

        await("anthropic-sim", sim, () -> httpOk(simUrl + "/_sim"));
        Path credentialsFile = dataDir.resolve("dev-credentials");
        await("server", server, () -> Files.isRegularFile(credentialsFile) && portOpen(grpcPort));
        await("admin UI", ui, () -> httpOk(uiUrl + "/login"));
        credentials = new Properties();
        try (var in = Files.newBufferedReader(credentialsFile, StandardCharsets.UTF_8)) {
            credentials.load(in);
        }
    }

    String simUrl() {
        return simUrl;
    }

    String uiUrl() {
        return uiUrl;
    }

    /** The demo admin's email, written by the server's first start. */
    String user() {
        return credentials.getProperty("user");
    }

    String password() {
        return credentials.getProperty("password");
    }

    /** A GET against the sim's control API ({@code /_sim/...}), as text. */
    String simGet(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(simUrl + pathAndQuery))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** A POST of a JSON body to the sim's control API, e.g. to schedule a fault. */
    void simPost(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(simUrl + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** A DELETE against the sim's control API, e.g. to clear the faults still scheduled. */
    void simDelete(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(simUrl + path))
                        .timeout(Duration.ofSeconds(10))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "DELETE " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private Process spawn(String name, Path jar, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Short-lived test processes: quick start matters more than peak speed on two cores.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx512m",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("logs").resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void await(String name, Process process, BooleanSupplier ready) throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; see "
                        + workDir.resolve("logs"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        name + " was not ready within " + START_TIMEOUT + "; see " + workDir.resolve("logs"));
            }
            Thread.sleep(250);
        }
    }

    private boolean httpOk(String url) {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create(url))
                                            .timeout(Duration.ofSeconds(2))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
    }

    /** Politely first (the server stops its PostgreSQL on SIGTERM), then by force, children included. */
    private synchronized void stopAll() {
        List<ProcessHandle> children = new ArrayList<>();
        for (Process process : processes) {
            process.descendants().forEach(children::add);
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        processes.clear();
    }
}
