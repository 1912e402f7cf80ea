package finora.server.provider.openai;

import java.net.URI;
import java.time.Duration;

/**
 * How the OpenAI admin client connects and retries.
 *
 * @param baseUrl where the API is, without {@code /v1} (the real one, or anthropic-sim's OpenAI face)
 * @param connectTimeout time to open a connection
 * @param requestTimeout time for one answer
 * @param maxRetries retries after the first try for 429, 5xx and timeouts
 * @param baseDelay first backoff delay; doubles per retry, with jitter
 * @param maxDelay cap for one delay, also for a {@code retry-after} the server asks for
 */
public record OpenAiClientConfig(
        URI baseUrl,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration baseDelay,
        Duration maxDelay) {

    /** Production settings for the given base URL. */
    public static OpenAiClientConfig defaults(URI baseUrl) {
        return new OpenAiClientConfig(
                baseUrl,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                4,
                Duration.ofMillis(500),
                Duration.ofSeconds(30));
    }
}
