package finora.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults scheduled for upcoming {@code /v1/…} requests. Rules are tried in the order they were added;
 * the first one that matches the request's path and has uses left applies, and uses one up.
 * Faults apply before authentication, as an overloaded or rate-limiting edge would.
 */
public final class Faults {

    private static final int UNLIMITED = -1;

    private final List<Rule> rules = new ArrayList<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile double randomRate;
    private volatile List<Fault> randomFaults = List.of();

    /**
     * Makes every {@code /v1/…} answer take about {@code median} (log-normal around it, σ 0.5, at most
     * ten times it), as a real API across the internet does; zero turns it off.
     */
    public void setLatency(Duration median) {
        if (median.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        latency = median;
    }

    /** The configured median latency. */
    public Duration latency() {
        return latency;
    }

    /** One request's latency: log-normal around the median, capped at ten times it. */
    Duration sampleLatency() {
        Duration median = latency;
        if (median.isZero()) {
            return Duration.ZERO;
        }
        double factor = Math.min(10, Math.exp(0.5 * ThreadLocalRandom.current().nextGaussian()));
        return Duration.ofNanos((long) (median.toNanos() * factor));
    }

    /**
     * Besides scheduled faults, each {@code /v1/…} request meets one of {@code faults} (picked at random)
     * with probability {@code rate}: for soak runs. A rate of 0 turns it off.
     */
    public void setRandom(double rate, List<Fault> faults) {
        if (rate < 0 || rate > 1 || (rate > 0 && faults.isEmpty())) {
            throw new IllegalArgumentException("rate must be within [0, 1], with faults to pick from");
        }
        randomFaults = List.copyOf(faults);
        randomRate = rate;
    }

    /** Applies {@code fault} to each of the next {@code requests} requests, whatever their path. */
    public synchronized void next(int requests, Fault fault) {
        add(null, requests, fault);
    }

    /** Applies {@code fault} to every request for {@code path} (e.g. {@code /v1/organizations/cost_report}) until cleared. */
    public synchronized void onPath(String path, Fault fault) {
        Objects.requireNonNull(path, "path");
        rules.add(new Rule(path, UNLIMITED, Objects.requireNonNull(fault, "fault")));
    }

    /** Applies {@code fault} to the next {@code requests} requests for {@code path}. */
    public synchronized void onPath(String path, int requests, Fault fault) {
        add(Objects.requireNonNull(path, "path"), requests, fault);
    }

    /** Removes every scheduled fault and turns latency and random faults off. */
    public synchronized void clear() {
        rules.clear();
        latency = Duration.ZERO;
        randomRate = 0;
    }

    /** Whether any fault is still scheduled. */
    public synchronized boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Takes the fault for a request to {@code path}, if one is due: a scheduled one, else maybe a random one. */
    Optional<Fault> take(String path) {
        Optional<Fault> scheduled = takeScheduled(path);
        if (scheduled.isPresent() || randomRate == 0) {
            return scheduled;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() >= randomRate) {
            return Optional.empty();
        }
        List<Fault> pick = randomFaults;
        return Optional.of(pick.get(random.nextInt(pick.size())));
    }

    private synchronized Optional<Fault> takeScheduled(String path) {
        Iterator<Rule> iterator = rules.iterator();
        while (iterator.hasNext()) {
            Rule rule = iterator.next();
            if (rule.path() != null && !rule.path().equals(path)) {
                continue;
            }
            if (rule.remaining() != UNLIMITED) {
                rule.remaining--;
                if (rule.remaining() == 0) {
                    iterator.remove();
                }
            }
            return Optional.of(rule.fault());
        }
        return Optional.empty();
    }

    private void add(String path, int requests, Fault fault) {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1");
        }
        rules.add(new Rule(path, requests, Objects.requireNonNull(fault, "fault")));
    }

    /** A fault with the path it applies to (null: any) and its remaining uses. */
    private static final class Rule {
        private final String path;
        private int remaining;
        private final Fault fault;

        Rule(String path, int remaining, Fault fault) {
            this.path = path;
            this.remaining = remaining;
            this.fault = fault;
        }

        String path() {
            return path;
        }

        int remaining() {
            return remaining;
        }

        Fault fault() {
            return fault;
        }
    }
}
