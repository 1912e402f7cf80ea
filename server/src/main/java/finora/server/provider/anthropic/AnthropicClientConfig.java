package finora.server.provider.anthropic;

import java.net.URI;
import java.time.Duration;

/**
 * How the Admin API client connects and retries.
 *
 * @param baseUrl where the Admin API is (the real one, or anthropic-sim)
 * @param connectTimeout time to open a connection
 * @param requestTimeout time for one answer
 * @param maxRetries retries after the first try for 429, 5xx, 529 and timeouts
 * @param baseDelay first backoff delay; doubles per retry, with jitter
 * @param maxDelay cap for one delay, also for a {@code retry-after} the server asks for
 * @param maxConcurrentRequests requests this replica has in flight to Anthropic at once, over all
 *     connections and threads ({@code FINORA_ANTHROPIC_MAX_CONCURRENT_REQUESTS}); more wait their turn
 */
public record AnthropicClientConfig(
        URI baseUrl,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration baseDelay,
        Duration maxDelay,
        int maxConcurrentRequests) {

    /** Default {@link #maxConcurrentRequests}. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 8;

    /** Checks the values. */
    public AnthropicClientConfig {
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
        }
    }

    /** The settings with the default concurrency limit. */
    public AnthropicClientConfig(
            URI baseUrl,
            Duration connectTimeout,
            Duration requestTimeout,
            int maxRetries,
            Duration baseDelay,
            Duration maxDelay) {
        this(baseUrl, connectTimeout, requestTimeout, maxRetries, baseDelay, maxDelay, DEFAULT_MAX_CONCURRENT_REQUESTS);
    }

    /** Production settings for the given base URL. */
    public static AnthropicClientConfig defaults(URI baseUrl) {
        return new AnthropicClientConfig(
                baseUrl,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                4,
                Duration.ofMillis(500),
                Duration.ofSeconds(30));
    }

    /** The same settings with another concurrency limit. */
    public AnthropicClientConfig withMaxConcurrentRequests(int max) {
        return new AnthropicClientConfig(baseUrl, connectTimeout, requestTimeout, maxRetries, baseDelay, maxDelay, max);
    }
}
