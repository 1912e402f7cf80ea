package finora.server.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outbound calls to Anthropic are bounded per replica and a {@code retry-after} does not end in a storm. */
class OutboundLimitTest {
    private static final String KEY = "sk-ant-admin01-outbound-limit-test-key";
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;

    @AfterEach
    void stop() {
        callers.shutdownNow();
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static AnthropicClientConfig config(URI base, int maxConcurrent) {
        return new AnthropicClientConfig(
                base,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                3,
                Duration.ofMillis(5),
                Duration.ofSeconds(5),
                maxConcurrent);
    }

    @Test
    void noMoreThanTheConfiguredRequestsAreInFlightAtOnce() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        URI base = serve(exchange -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            answer(exchange, 200, "{\"id\":\"org-1\",\"name\":\"Org\",\"type\":\"organization\"}");
        });
        AnthropicAdminClient client = new AnthropicAdminClient(config(base, 3));
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(callers.submit(() -> client.organization(KEY)));
        }
        for (Future<?> call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(most.get()).as("requests in flight at once").isEqualTo(3);
        assertThat(client.requestsInFlight()).isZero();
    }

    @Test
    void aRetryAfter_holdsBackTheKeysOtherRequests_andTheRetriesSpreadOut() throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        long[] limitedAt = new long[1];
        URI base = serve(exchange -> {
            long at = System.nanoTime();
            if (requests.incrementAndGet() == 1) {
                limitedAt[0] = at;
                exchange.getResponseHeaders().add("retry-after", "1");
                answer(
                        exchange,
                        429,
                        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}");
                return;
            }
            arrivals.add(at);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"id\":\"org-1\",\"name\":\"Org\",\"type\":\"organization\"}");
        });
        AnthropicAdminClient client = new AnthropicAdminClient(config(base, 1));
        List<Future<?>> calls = new ArrayList<>();
        calls.add(callers.submit(() -> client.organization(KEY)));
        Thread.sleep(50); // the first call is on the wire (and told to wait) before the others queue
        for (int i = 0; i < 5; i++) {
            calls.add(callers.submit(() -> client.organization(KEY)));
        }
        for (Future<?> call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(requests.get())
                .as("six calls, one retry: no storm of retries")
                .isEqualTo(7);
        assertThat(arrivals)
                .as("nothing with the key was sent within the second it was told to wait")
                .allSatisfy(at -> assertThat(at - limitedAt[0]).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1)));
    }
}
