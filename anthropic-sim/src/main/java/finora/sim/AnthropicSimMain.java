package finora.sim;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator standalone until the process is stopped:
 * {@code java -jar anthropic-sim.jar [--port 8089] [--host 127.0.0.1] [--seed N] [--workspaces N]
 * [--archived N] [--rows-per-day N] [--empty-day-percent N] [--max-results-per-page N] [--latency-ms N]}.
 * Prints the base URL and the demo keys, which are public test constants, never real credentials.
 */
public final class AnthropicSimMain {

    /** Port used when {@code --port} is not given. */
    public static final int DEFAULT_PORT = 8089;

    private AnthropicSimMain() {}

    /** Parses the options, starts the simulator and waits until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        int port = DEFAULT_PORT;
        String host = "127.0.0.1";
        SimConfig config = SimConfig.defaults();
        int workspaces = config.workspaces();
        int archived = config.archivedWorkspaces();
        int maxResults = 0;
        boolean analytics = true;
        int latencyMs = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    printUsage();
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--host" -> host = value;
                    case "--seed" -> config = config.withSeed(Long.parseLong(value));
                    case "--workspaces" -> workspaces = Integer.parseInt(value);
                    case "--archived" -> archived = Integer.parseInt(value);
                    case "--rows-per-day" -> config = config.withRowsPerDay(Integer.parseInt(value));
                    case "--empty-day-percent" -> config = config.withEmptyDayPercent(Integer.parseInt(value));
                    case "--max-results-per-page" -> maxResults = Integer.parseInt(value);
                    case "--analytics" -> analytics = Boolean.parseBoolean(value);
                    case "--latency-ms" -> latencyMs = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            config = config.withWorkspaces(workspaces, archived);
        } catch (IllegalArgumentException e) {
            System.err.println("anthropic-sim: " + e.getMessage());
            printUsage();
            System.exit(2);
            return;
        }

        AnthropicSim sim = AnthropicSim.start(new InetSocketAddress(host, port), config);
        sim.setMaxResultsPerPage(maxResults);
        sim.setAnalyticsAvailable(analytics);
        sim.faults().setLatency(java.time.Duration.ofMillis(latencyMs));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            sim.close();
                            stopped.countDown();
                        },
                        "anthropic-sim-shutdown"));

        System.out.println(
                "Anthropic Admin API simulator listening on " + sim.baseUrl() + " (seed " + config.seed() + ")");
        System.out.println("  organization A  " + SimKeys.ORG_A_ID + "  " + SimKeys.ORG_A_NAME);
        System.out.println("  organization B  " + SimKeys.ORG_B_ID + "  " + SimKeys.ORG_B_NAME);
        System.out.println("Demo keys (public test constants):");
        System.out.println("  org A admin              " + SimKeys.ORG_A_ADMIN_KEY);
        System.out.println("  org A second admin       " + SimKeys.ORG_A_SECOND_ADMIN_KEY);
        System.out.println("  org B admin              " + SimKeys.ORG_B_ADMIN_KEY);
        System.out.println("  revoked (401)            " + SimKeys.REVOKED_ADMIN_KEY);
        System.out.println("  creator not admin (403)  " + SimKeys.NO_ADMIN_ROLE_KEY);
        System.out.println("  regular API key (401)    " + SimKeys.REGULAR_API_KEY);
        System.out.println("OpenAI face (same port, /v1/organization/costs and /projects):");
        System.out.println("  organization A  " + OpenAiKeys.ORG_A_ID + "  " + OpenAiKeys.ORG_A_NAME);
        System.out.println("  organization B  " + OpenAiKeys.ORG_B_ID + "  " + OpenAiKeys.ORG_B_NAME);
        System.out.println("  OpenAI org A admin       " + OpenAiKeys.ORG_A_ADMIN_KEY);
        System.out.println("  OpenAI org A second      " + OpenAiKeys.ORG_A_SECOND_ADMIN_KEY);
        System.out.println("  OpenAI org B admin       " + OpenAiKeys.ORG_B_ADMIN_KEY);
        System.out.println("  OpenAI revoked (401)     " + OpenAiKeys.REVOKED_ADMIN_KEY);
        System.out.println("  OpenAI no usage scope    " + OpenAiKeys.NO_USAGE_SCOPE_KEY);
        System.out.println("  OpenAI project key       " + OpenAiKeys.PROJECT_KEY);
        System.out.println("Control API: " + sim.baseUrl() + "/_sim  (faults, restatements, keys, request log, truth)");
        stopped.await();
    }

    private static void printUsage() {
        System.err.println("usage: java -jar anthropic-sim.jar [--port " + DEFAULT_PORT + "] [--host 127.0.0.1]"
                + " [--seed N] [--workspaces N] [--archived N] [--rows-per-day N] [--empty-day-percent N]"
                + " [--max-results-per-page N] [--analytics true|false] [--latency-ms N]");
    }
}
