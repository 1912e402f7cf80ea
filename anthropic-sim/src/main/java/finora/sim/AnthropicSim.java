package finora.sim;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Anthropic Admin API (and, on the same port, OpenAI's organization costs
 * and projects endpoints: {@link #openai()}): {@code /v1/organizations/me}, {@code /workspaces} and
 * {@code /cost_report} with the real paths, JSON, paging and errors, over deterministic generated data.
 *
 * <pre>{@code
 * try (AnthropicSim sim = AnthropicSim.start(0)) {
 *     client.get(sim.baseUrl() + "/v1/organizations/me", SimKeys.ORG_A_ADMIN_KEY);
 *     sim.faults().next(2, Fault.overloaded());
 *     BigDecimal usd = sim.truth(SimKeys.ORG_A_ID, start, end).totalUsd();
 * }
 * }</pre>
 *
 * <p>Demo organizations A and B and the keys of {@link SimKeys} exist from the start. Faults
 * ({@link #faults()}), key states ({@link #keys()}), restatements and the {@link #requestLog()} change at
 * runtime; a small control API under {@code /_sim/…} offers the same to the standalone jar.
 */
public final class AnthropicSim implements AutoCloseable {

    private final SimConfig config;
    private final SimData data;
    private final SimKeys keys;
    private final OpenAiSim openai;
    private final Faults faults = new Faults();
    private final RequestLog requestLog = new RequestLog();
    private final AtomicInteger maxResultsPerPage = new AtomicInteger();
    /** Organizations the analytics beta is refused for; {@link #ALL} refuses it for every organization. */
    private final java.util.Set<String> analyticsRefused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final String ALL = "*";
    private final HttpServer server;
    private final ExecutorService executor;

    private AnthropicSim(InetSocketAddress address, SimConfig config) throws IOException {
        this.config = config;
        this.data = new SimData(config);
        data.add(new SimOrganization(SimKeys.ORG_A_ID, SimKeys.ORG_A_NAME));
        data.add(new SimOrganization(SimKeys.ORG_B_ID, SimKeys.ORG_B_NAME));
        this.keys = new SimKeys(id -> data.organization(id).isPresent());
        keys.addDemoKeys();
        analyticsRefused.add(ALL);
        this.openai = new OpenAiSim(config);

        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "anthropic-sim-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(address, 0);
        server.createContext(
                "/",
                new AdminApiHandler(
                        data,
                        keys,
                        faults,
                        requestLog,
                        config.clock(),
                        maxResultsPerPage::get,
                        id -> !analyticsRefused.contains(ALL) && !analyticsRefused.contains(id)));
        server.createContext(
                OpenAiHandler.PREFIX,
                new OpenAiHandler(openai.data(), openai.keys(), faults, requestLog, config.clock()));
        server.createContext(SimControlHandler.PREFIX, new SimControlHandler(this));
        server.setExecutor(executor);
        server.start();
    }

    /** Starts on the loopback interface with {@link SimConfig#defaults()}; port 0 picks a free port. */
    public static AnthropicSim start(int port) {
        return start(port, SimConfig.defaults());
    }

    /** Starts on the loopback interface; port 0 picks a free port. */
    public static AnthropicSim start(int port, SimConfig config) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), config);
    }

    /** Starts on any address, e.g. {@code 0.0.0.0} to serve other containers. */
    public static AnthropicSim start(InetSocketAddress address, SimConfig config) {
        try {
            return new AnthropicSim(address, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address, e);
        }
    }

    /** Base URL without trailing slash, e.g. {@code http://127.0.0.1:43211}; use it as the Anthropic base URL. */
    public String baseUrl() {
        InetSocketAddress address = server.getAddress();
        InetAddress host =
                address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address.getAddress();
        String literal = host.getHostAddress();
        return "http://" + (literal.contains(":") ? "[" + literal + "]" : literal) + ":" + address.getPort();
    }

    /** The port the simulator listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The configuration the data is generated from. */
    public SimConfig config() {
        return config;
    }

    /** The registered keys: revoke them, take the admin role, add more. */
    public SimKeys keys() {
        return keys;
    }

    /** The OpenAI face: OpenAI's organization costs and projects endpoints on this same port. */
    public OpenAiSim openai() {
        return openai;
    }

    /** Faults scheduled for upcoming requests. */
    public Faults faults() {
        return faults;
    }

    /** The requests answered so far. */
    public RequestLog requestLog() {
        return requestLog;
    }

    /** All organizations, by name. */
    public List<SimOrganization> organizations() {
        return data.organizations();
    }

    /** One organization; unknown ids throw {@link IllegalArgumentException}. */
    public SimOrganization organization(String organizationId) {
        return data.organization(organizationId)
                .orElseThrow(() -> new IllegalArgumentException("unknown organization: " + organizationId));
    }

    /** Adds an organization whose id is derived from its name, so its data is the same on every run. */
    public SimOrganization addOrganization(String name) {
        String id = UUID.nameUUIDFromBytes(("anthropic-sim:" + name).getBytes(StandardCharsets.UTF_8))
                .toString();
        return addOrganization(id, name);
    }

    /** Adds an organization with a given UUID; it gets workspaces and cost like the demo ones. */
    public SimOrganization addOrganization(String id, String name) {
        return data.add(new SimOrganization(id, name));
    }

    /** The workspaces of an organization in creation order, archived ones included. */
    public List<SimWorkspace> workspaces(String organizationId) {
        return data.workspaces(organizationId);
    }

    /** What the API serves for {@code [start, endExclusive)}: every line item, in US dollars, restatements included. */
    public CostTruth truth(String organizationId, LocalDate start, LocalDate endExclusive) {
        if (endExclusive.isBefore(start)) {
            throw new IllegalArgumentException("end before start");
        }
        return new CostTruth(
                start, endExclusive, data.range(organizationId, start, endExclusive), data.attribution(organizationId));
    }

    /** Restates a day: it gets newly generated amounts with a different total, as a late correction would. */
    public Restatement restateDay(String organizationId, LocalDate day) {
        return data.restate(organizationId, day);
    }

    /**
     * Replaces a day's line items (all dated {@code day}; amounts in cents with at most six decimals).
     * Take them from {@link #truth} and change what the test needs; an empty list makes the day empty.
     */
    public Restatement replaceDay(String organizationId, LocalDate day, Collection<CostLineItem> items) {
        return data.replace(organizationId, day, items);
    }

    /**
     * Serves {@code text} (e.g. {@code "n/a"}) instead of the first cost amount of a day, as a broken
     * upstream row would; null serves the real amount again.
     */
    public void garbleAmount(String organizationId, LocalDate day, String text) {
        data.garble(organizationId, day, text);
    }

    /**
     * Caps the result rows one {@code cost_report} page may hold: a denser page answers 400
     * {@code invalid_request_error} (as dense pages have been seen to); 0 (the default) means no cap.
     */
    public void setMaxResultsPerPage(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be 0 (no cap) or more");
        }
        maxResultsPerPage.set(max);
    }

    /**
     * Whether the Cost Analytics API beta answers ({@code /v1/organizations/analytics/cost}); refused
     * (400, as for organizations the beta is not available to) until enabled, so tests of the legacy
     * path see an organization without the beta.
     */
    public void setAnalyticsAvailable(boolean available) {
        if (available) {
            analyticsRefused.clear();
        } else {
            analyticsRefused.add(ALL);
        }
    }

    /** Refuses (or, with false, stops refusing) the analytics beta for one organization. */
    public void setAnalyticsRefused(String organizationId, boolean refused) {
        organization(organizationId);
        if (refused) {
            analyticsRefused.add(organizationId);
        } else {
            analyticsRefused.remove(organizationId);
        }
    }

    /** API keys, users and the attribution of each cost row: the analytics endpoints' truth. */
    public SimAttribution attribution(String organizationId) {
        return data.attribution(organizationId);
    }

    /** Clears faults, the request log, restatements, garbled amounts and the page cap, refuses the analytics beta again, and puts the demo keys back. */
    public void reset() {
        setAnalyticsAvailable(false);
        maxResultsPerPage.set(0);
        faults.clear();
        requestLog.clear();
        data.clearRestatements();
        keys.resetDemoKeys();
        openai.reset();
    }

    /** Stops listening at once and ends the worker threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
