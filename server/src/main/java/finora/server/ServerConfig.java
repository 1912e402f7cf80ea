package finora.server;

import finora.server.auth.TrustedProxies;
import finora.server.notify.NotifyConfig;
import finora.server.provider.anthropic.AnthropicClientConfig;
import finora.server.sync.SyncConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server's whole configuration, parsed from environment variables in one place.
 *
 * <p>Parsing fails fast with a {@link ConfigException} that names the variable, so a typo stops
 * the process at start instead of surfacing as a strange runtime error.
 *
 * @param grpcPort port of the gRPC server ({@code FINORA_GRPC_PORT}, 0 picks a free one)
 * @param metricsPort port of the Prometheus endpoint ({@code FINORA_METRICS_PORT}, -1 disables it)
 * @param database external PostgreSQL, or empty for the embedded one
 * @param dataDir embedded database, dev key set and dev credentials ({@code FINORA_DATA_DIR})
 * @param keyset the master key set as JSON ({@code FINORA_KEYSET}), if given inline
 * @param keysetFile a file holding the master key set ({@code FINORA_KEYSET_FILE}), if given
 * @param anthropicBaseUrl where the Anthropic Admin API is ({@code FINORA_ANTHROPIC_BASE_URL})
 * @param openaiBaseUrl where OpenAI's API is, without {@code /v1} ({@code FINORA_OPENAI_BASE_URL})
 * @param syncEnabled whether this replica runs syncs ({@code FINORA_SYNC_ENABLED})
 * @param devBootstrap whether an empty database gets a demo tenant, user and token
 *     ({@code FINORA_DEV_BOOTSTRAP}; default: true for the embedded database, false otherwise)
 * @param tls the server's certificate and key, and the CA of client certificates for mutual TLS
 *     ({@code FINORA_TLS_CERT_FILE}, {@code FINORA_TLS_KEY_FILE}, {@code FINORA_TLS_CLIENT_CA_FILE});
 *     empty: plaintext
 * @param metricsBind the address the Prometheus endpoint binds to ({@code FINORA_METRICS_BIND})
 * @param concurrency the database pool and how many calls may use it at once
 * @param alerts alert delivery: SMTP, retries, which targets are allowed ({@code FINORA_SMTP_*},
 *     {@code FINORA_NOTIFY_*})
 * @param exports limits of {@code ExportCosts}, which holds a connection while its client reads
 * @param shutdownTimeout the whole graceful shutdown, kept below the orchestrator's grace period
 *     ({@code FINORA_SHUTDOWN_TIMEOUT_SECONDS}, default 50: compose waits 60 s before SIGKILL)
 * @param loginTrustedProxies callers whose {@code x-finora-client-address} is believed on Login, so
 *     the admin UI's users are throttled per browser address ({@code FINORA_LOGIN_TRUSTED_PROXIES}:
 *     IPs, CIDR blocks, {@code cert:<CN>} or {@code none}; default: loopback with the embedded
 *     database, none with an external one)
 * @param sync this replica's id and sync tuning ({@code FINORA_REPLICA_ID}, {@code FINORA_SYNC_WORKERS},
 *     {@code FINORA_SYNC_POLL_INTERVAL_MS}, {@code FINORA_SYNC_LEASE_SECONDS},
 *     {@code FINORA_SYNC_HEARTBEAT_INTERVAL_MS}, {@code FINORA_SYNC_HEARTBEAT_EXPIRY_MS},
 *     {@code FINORA_SYNC_STOP_TIMEOUT_SECONDS})
 * @param anthropicMaxConcurrentRequests requests to Anthropic in flight at once on this replica
 *     ({@code FINORA_ANTHROPIC_MAX_CONCURRENT_REQUESTS}, default 8)
 */
public record ServerConfig(
        int grpcPort,
        int metricsPort,
        Optional<ExternalDatabase> database,
        Path dataDir,
        Optional<String> keyset,
        Optional<Path> keysetFile,
        URI anthropicBaseUrl,
        boolean syncEnabled,
        boolean devBootstrap,
        Optional<Tls> tls,
        String metricsBind,
        Concurrency concurrency,
        NotifyConfig alerts,
        Exports exports,
        Duration shutdownTimeout,
        TrustedProxies loginTrustedProxies,
        URI openaiBaseUrl,
        SyncConfig sync,
        int anthropicMaxConcurrentRequests) {

    /**
     * TLS for the gRPC port: PEM files of the server's certificate chain and its private key (PKCS#8),
     * and, for mutual TLS, the CA that signs the clients' certificates.
     */
    public record Tls(Path certFile, Path keyFile, Optional<Path> clientCaFile) {}

    /**
     * How much work runs at once. gRPC handlers run on virtual threads, so what bounds a call is the
     * database pool: at most {@code maxConcurrentCalls} unary calls run at once, the others wait up
     * to {@code queueTimeout} and are then refused with SERVER_BUSY.
     *
     * @param databasePoolSize connections of the main pool ({@code FINORA_DATABASE_POOL_SIZE}, default 10)
     * @param maxConcurrentCalls unary calls running at once ({@code FINORA_GRPC_MAX_CONCURRENT_CALLS},
     *     default: the pool size)
     * @param queueTimeout how long a call waits for its turn ({@code FINORA_GRPC_QUEUE_TIMEOUT_MS}, default 1000)
     */
    public record Concurrency(int databasePoolSize, int maxConcurrentCalls, Duration queueTimeout) {
        /** The defaults: a pool of 10 connections, as many calls at once, one second of waiting. */
        public static Concurrency defaults() {
            return new Concurrency(10, 10, Duration.ofSeconds(1));
        }
    }

    /**
     * Limits of {@code ExportCosts}, which streams from one open transaction for as long as its client
     * reads, so that no client can hold the server hostage.
     *
     * @param maxConcurrent exports running at once on this replica ({@code FINORA_EXPORT_MAX_CONCURRENT}, default 4)
     * @param maxPerTenant exports of one tenant running at once ({@code FINORA_EXPORT_MAX_PER_TENANT}, default 2)
     * @param poolSize connections of the export pool, apart from the main pool ({@code FINORA_EXPORT_POOL_SIZE},
     *     default and minimum: {@code maxConcurrent})
     * @param stallTimeout how long an export waits for a client that reads nothing before cancelling it
     *     ({@code FINORA_EXPORT_STALL_TIMEOUT_SECONDS}, default 30)
     * @param statementTimeout PostgreSQL's {@code statement_timeout} inside an export's transaction
     *     ({@code FINORA_EXPORT_STATEMENT_TIMEOUT_SECONDS}, default 120)
     */
    public record Exports(
            int maxConcurrent, int maxPerTenant, int poolSize, Duration stallTimeout, Duration statementTimeout) {}

    /** Connection details of an external PostgreSQL. The password is never printed. */
    public record ExternalDatabase(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "ExternalDatabase[jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
        }
    }

    /** Parses the given environment (normally {@link System#getenv()}). */
    public static ServerConfig fromEnv(Map<String, String> env) {
        int grpcPort = port(env, "FINORA_GRPC_PORT", 9090, false);
        int metricsPort = port(env, "FINORA_METRICS_PORT", 9091, true);
        Optional<ExternalDatabase> database = value(env, "FINORA_DATABASE_URL").map(url -> {
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new ConfigException(
                        "FINORA_DATABASE_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
            }
            return new ExternalDatabase(
                    url,
                    value(env, "FINORA_DATABASE_USER").orElse("finora"),
                    value(env, "FINORA_DATABASE_PASSWORD").orElse(""));
        });
        if (database.isEmpty() && value(env, "FINORA_DATABASE_USER").isPresent()) {
            throw new ConfigException("FINORA_DATABASE_USER is set but FINORA_DATABASE_URL is not");
        }
        Path dataDir = Path.of(value(env, "FINORA_DATA_DIR").orElse(".finora"))
                .toAbsolutePath()
                .normalize();
        Optional<String> keyset = value(env, "FINORA_KEYSET");
        Optional<Path> keysetFile = value(env, "FINORA_KEYSET_FILE").map(Path::of);
        if (keyset.isPresent() && keysetFile.isPresent()) {
            throw new ConfigException("Set only one of FINORA_KEYSET and FINORA_KEYSET_FILE");
        }
        URI anthropic = uri(env, "FINORA_ANTHROPIC_BASE_URL", "https://api.anthropic.com");
        boolean sync = bool(env, "FINORA_SYNC_ENABLED", true);
        boolean bootstrap = bool(env, "FINORA_DEV_BOOTSTRAP", database.isEmpty());
        int poolSize = number(env, "FINORA_DATABASE_POOL_SIZE", 10, 1, 200);
        Concurrency concurrency = new Concurrency(
                poolSize,
                number(env, "FINORA_GRPC_MAX_CONCURRENT_CALLS", poolSize, 1, 10_000),
                Duration.ofMillis(number(env, "FINORA_GRPC_QUEUE_TIMEOUT_MS", 1000, 0, 60_000)));
        Optional<Tls> tls = tls(env);
        return new ServerConfig(
                grpcPort,
                metricsPort,
                database,
                dataDir,
                keyset,
                keysetFile,
                anthropic,
                sync,
                bootstrap,
                tls,
                value(env, "FINORA_METRICS_BIND").orElse("127.0.0.1"),
                concurrency,
                alerts(env),
                exports(env),
                Duration.ofSeconds(number(env, "FINORA_SHUTDOWN_TIMEOUT_SECONDS", 50, 5, 3600)),
                trustedProxies(env, database.isEmpty(), tls),
                uri(env, "FINORA_OPENAI_BASE_URL", "https://api.openai.com"),
                sync(env),
                number(
                        env,
                        "FINORA_ANTHROPIC_MAX_CONCURRENT_REQUESTS",
                        AnthropicClientConfig.DEFAULT_MAX_CONCURRENT_REQUESTS,
                        1,
                        1000));
    }

    /** The replica id and sync tuning; defaults are {@link SyncConfig#defaults()}'s. */
    private static SyncConfig sync(Map<String, String> env) {
        SyncConfig d = SyncConfig.defaults();
        String replicaId = value(env, "FINORA_REPLICA_ID").orElse(d.replicaId());
        if (replicaId.length() > 200 || !replicaId.matches("[\\p{Alnum}._:@/-]+")) {
            throw new ConfigException(
                    "FINORA_REPLICA_ID must be 1 to 200 letters, digits or . _ : @ / -, got '" + replicaId + "'");
        }
        int workers = number(env, "FINORA_SYNC_WORKERS", d.workers(), 1, 1000);
        int pollMs = number(
                env, "FINORA_SYNC_POLL_INTERVAL_MS", (int) d.pollInterval().toMillis(), 10, 3_600_000);
        int leaseSeconds =
                number(env, "FINORA_SYNC_LEASE_SECONDS", (int) d.leaseDuration().toSeconds(), 5, 86_400);
        int beatMs = number(
                env,
                "FINORA_SYNC_HEARTBEAT_INTERVAL_MS",
                (int) d.heartbeatInterval().toMillis(),
                10,
                600_000);
        int expiryMs = number(
                env,
                "FINORA_SYNC_HEARTBEAT_EXPIRY_MS",
                (int) d.heartbeatExpiry().toMillis(),
                20,
                3_600_000);
        if (expiryMs < 2 * beatMs) {
            throw new ConfigException("FINORA_SYNC_HEARTBEAT_EXPIRY_MS (" + expiryMs + ") must be at least twice "
                    + "FINORA_SYNC_HEARTBEAT_INTERVAL_MS (" + beatMs + "), so one late renewal does not end the "
                    + "replica's leases");
        }
        int stopSeconds = number(
                env, "FINORA_SYNC_STOP_TIMEOUT_SECONDS", (int) d.stopTimeout().toSeconds(), 1, 3600);
        return new SyncConfig(
                replicaId,
                Duration.ofMillis(pollMs),
                workers,
                Duration.ofSeconds(leaseSeconds),
                Duration.ofSeconds(stopSeconds),
                Duration.ofMillis(beatMs),
                Duration.ofMillis(expiryMs));
    }

    /**
     * Loopback by default with the embedded database (a developer's machine, where {@code ./run.sh}
     * starts the admin UI next to the server), nobody with an external one: a deployment names its
     * admin UI, since a reverse proxy on the server's own host would otherwise make every client loopback.
     */
    private static TrustedProxies trustedProxies(Map<String, String> env, boolean embedded, Optional<Tls> tls) {
        String name = "FINORA_LOGIN_TRUSTED_PROXIES";
        Optional<String> raw = value(env, name);
        if (raw.isEmpty()) {
            return embedded ? TrustedProxies.LOOPBACK : TrustedProxies.NONE;
        }
        TrustedProxies trusted;
        try {
            trusted = TrustedProxies.parse(raw.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + " must list IP addresses, CIDR blocks (10.0.0.0/8) or cert:<CN> "
                    + "separated by commas, or be none: " + e.getMessage());
        }
        if (!trusted.certificateNames().isEmpty()
                && tls.flatMap(Tls::clientCaFile).isEmpty()) {
            throw new ConfigException(name + " names client certificates (cert:<CN>), which need mutual TLS: "
                    + "set FINORA_TLS_CLIENT_CA_FILE");
        }
        return trusted;
    }

    private static NotifyConfig alerts(Map<String, String> env) {
        NotifyConfig defaults = NotifyConfig.defaults();
        Optional<NotifyConfig.Smtp> smtp = value(env, "FINORA_SMTP_HOST").map(host -> {
            String rawSecurity =
                    value(env, "FINORA_SMTP_SECURITY").orElse("STARTTLS").toUpperCase(Locale.ROOT);
            NotifyConfig.Security security;
            try {
                security = NotifyConfig.Security.valueOf(rawSecurity);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        "FINORA_SMTP_SECURITY must be STARTTLS, SSL or NONE, got '" + rawSecurity + "'");
            }
            int smtpPort = port(env, "FINORA_SMTP_PORT", security.defaultPort(), false);
            if (smtpPort == 0) {
                throw new ConfigException("FINORA_SMTP_PORT must be a port number from 1 to 65535");
            }
            String from = value(env, "FINORA_SMTP_FROM").orElse("finora@localhost");
            if (!from.contains("@") || from.length() > 320) {
                throw new ConfigException("FINORA_SMTP_FROM must be an e-mail address, got '" + from + "'");
            }
            return new NotifyConfig.Smtp(
                    host,
                    smtpPort,
                    security,
                    value(env, "FINORA_SMTP_USERNAME").orElse(""),
                    value(env, "FINORA_SMTP_PASSWORD").orElse(""),
                    from);
        });
        if (smtp.isEmpty() && value(env, "FINORA_SMTP_PASSWORD").isPresent()) {
            throw new ConfigException("FINORA_SMTP_PASSWORD is set but FINORA_SMTP_HOST is not");
        }
        int initialMs = number(
                env,
                "FINORA_NOTIFY_RETRY_INITIAL_MS",
                (int) defaults.retryInitialDelay().toMillis(),
                1,
                3_600_000);
        int maxMs = number(
                env,
                "FINORA_NOTIFY_RETRY_MAX_MS",
                (int) defaults.retryMaxDelay().toMillis(),
                1,
                86_400_000);
        if (maxMs < initialMs) {
            throw new ConfigException("FINORA_NOTIFY_RETRY_MAX_MS must not be below FINORA_NOTIFY_RETRY_INITIAL_MS");
        }
        return new NotifyConfig(
                bool(env, "FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS", false),
                smtp,
                number(env, "FINORA_NOTIFY_MAX_ATTEMPTS", defaults.maxAttempts(), 1, 20),
                Duration.ofMillis(initialMs),
                Duration.ofMillis(maxMs),
                defaults.staleCheckInterval());
    }

    private static Exports exports(Map<String, String> env) {
        int max = number(env, "FINORA_EXPORT_MAX_CONCURRENT", 4, 1, 100);
        int perTenant = number(env, "FINORA_EXPORT_MAX_PER_TENANT", Math.min(2, max), 1, 100);
        int pool = number(env, "FINORA_EXPORT_POOL_SIZE", max, 1, 100);
        if (pool < max) {
            throw new ConfigException("FINORA_EXPORT_POOL_SIZE (" + pool + ") must be at least"
                    + " FINORA_EXPORT_MAX_CONCURRENT (" + max + "): each running export holds one connection");
        }
        return new Exports(
                max,
                perTenant,
                pool,
                Duration.ofSeconds(number(env, "FINORA_EXPORT_STALL_TIMEOUT_SECONDS", 30, 1, 3600)),
                Duration.ofSeconds(number(env, "FINORA_EXPORT_STATEMENT_TIMEOUT_SECONDS", 120, 1, 86_400)));
    }

    /** True when the server runs its own embedded PostgreSQL under {@link #dataDir()}. */
    public boolean embeddedDatabase() {
        return database.isEmpty();
    }

    private static Optional<Tls> tls(Map<String, String> env) {
        Optional<Path> cert = readableFile(env, "FINORA_TLS_CERT_FILE");
        Optional<Path> key = readableFile(env, "FINORA_TLS_KEY_FILE");
        Optional<Path> clientCa = readableFile(env, "FINORA_TLS_CLIENT_CA_FILE");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException("Set both FINORA_TLS_CERT_FILE and FINORA_TLS_KEY_FILE, or neither");
        }
        if (clientCa.isPresent() && cert.isEmpty()) {
            throw new ConfigException("FINORA_TLS_CLIENT_CA_FILE needs FINORA_TLS_CERT_FILE and FINORA_TLS_KEY_FILE");
        }
        return cert.map(c -> new Tls(c, key.get(), clientCa));
    }

    private static Optional<Path> readableFile(Map<String, String> env, String name) {
        return value(env, name).map(raw -> {
            Path file = Path.of(raw);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new ConfigException(name + " names a file that cannot be read: " + raw);
            }
            return file;
        });
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static int port(Map<String, String> env, String name, int fallback, boolean allowDisabled) {
        Optional<String> raw = value(env, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(raw.get());
            if ((port >= 0 && port <= 65535) || (allowDisabled && port == -1)) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new ConfigException(name + " must be a port number from 0 to 65535"
                + (allowDisabled ? " (or -1 to disable)" : "") + ", got '" + raw.get() + "'");
    }

    private static int number(Map<String, String> env, String name, int fallback, int min, int max) {
        Optional<String> raw = value(env, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new ConfigException(
                name + " must be a whole number from " + min + " to " + max + ", got '" + raw.get() + "'");
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        Optional<String> raw = value(env, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + raw.get() + "'");
        };
    }

    private static URI uri(Map<String, String> env, String name, String fallback) {
        String raw = value(env, name).orElse(fallback);
        try {
            URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw new ConfigException(name + " must be an http(s) URL, got '" + raw + "'");
    }
}
