package finora.admin.settings;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Connecting and rotating keys off the request thread: the server asks the provider first, which
 * can take seconds (retries included), and the page should say "Checking…" meanwhile.
 */
@Component
public class KeyChecks implements DisposableBean {

    /** At most this many key checks run at once; more wait in line. */
    private static final int THREADS = 4;

    private final IntegrationClient client;
    private final Executor executor;

    @Autowired
    public KeyChecks(IntegrationClient client) {
        this(client, newPool());
    }

    /** For tests: run the checks on the given executor (e.g. the calling thread). */
    KeyChecks(IntegrationClient client, Executor executor) {
        this.client = client;
        this.executor = executor;
    }

    /** Checks and stores a new connection; the token is the signed-in user's, taken on the request thread. */
    CompletableFuture<ProviderConnection> connect(String token, AiProvider provider, String key) {
        return CompletableFuture.supplyAsync(() -> client.connect(token, provider, key), executor);
    }

    /** Checks and stores a connection's new key. */
    CompletableFuture<ProviderConnection> update(String token, String connectionId, String key) {
        return CompletableFuture.supplyAsync(() -> client.updateCredential(token, connectionId, key), executor);
    }

    @Override
    public void destroy() {
        if (executor instanceof ExecutorService pool) {
            pool.shutdownNow();
        }
    }

    private static ExecutorService newPool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "finora-key-check-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
