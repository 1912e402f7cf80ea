package finora.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The requests the simulated {@code /v1} API answered, oldest first. Holds at most
 * {@value #CAPACITY} entries, dropping the oldest, so long benchmarks do not grow without bound.
 */
public final class RequestLog {

    /** Maximum number of requests kept. */
    public static final int CAPACITY = 100_000;

    private final Deque<RecordedRequest> requests = new ArrayDeque<>();

    /** Every recorded request, oldest first. */
    public synchronized List<RecordedRequest> all() {
        return List.copyOf(requests);
    }

    /** The recorded requests for one path, oldest first. */
    public synchronized List<RecordedRequest> forPath(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    /** The most recent request. */
    public synchronized Optional<RecordedRequest> last() {
        return Optional.ofNullable(requests.peekLast());
    }

    /** How many requests are recorded. */
    public synchronized int size() {
        return requests.size();
    }

    /** Forgets every recorded request. */
    public synchronized void clear() {
        total = 0;
        requests.clear();
    }

    private long total;

    /** Requests recorded since the start or the last {@link #clear}, also those the capacity dropped. */
    public synchronized long total() {
        return total;
    }

    synchronized void add(RecordedRequest request) {
        total++;
        if (requests.size() == CAPACITY) {
            requests.removeFirst();
        }
        requests.addLast(request);
    }
}
