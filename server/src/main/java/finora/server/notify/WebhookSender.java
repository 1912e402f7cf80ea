package finora.server.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs alert bodies to webhooks, signed so receivers can tell them from forgeries and replays:
 * {@code Finora-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))} with the unix-seconds
 * {@code Finora-Timestamp} of this attempt and the {@code Finora-Event-Id} that stays the same on retries.
 * Redirects are not followed (a redirect could point inside the network); response bodies are never read.
 */
final class WebhookSender {
    static final String EVENT_ID_HEADER = "Finora-Event-Id";
    static final String TIMESTAMP_HEADER = "Finora-Timestamp";
    static final String SIGNATURE_HEADER = "Finora-Signature";

    private final HttpClient client;
    private final Clock clock;

    WebhookSender(Clock clock) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.clock = clock;
    }

    /** One attempt; never throws for a receiver's failure. */
    Attempt send(URI url, byte[] body, UUID eventId, String signingSecret) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Finora-Webhook/1")
                .header(EVENT_ID_HEADER, eventId.toString())
                .header(TIMESTAMP_HEADER, Long.toString(timestamp))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signingSecret != null && !signingSecret.isEmpty()) {
            request.header(SIGNATURE_HEADER, "v1=" + signature(signingSecret, timestamp, body));
        }
        try {
            int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt.Delivered(status);
            }
            String error = "The receiver answered HTTP " + status;
            return status == 408 || status == 429 || status >= 500
                    ? new Attempt.Retryable(status, error)
                    : new Attempt.Refused(status, error);
        } catch (HttpTimeoutException e) {
            return new Attempt.Retryable(0, "The receiver did not answer within 10 s");
        } catch (IOException e) {
            // The exception's own message may quote the URL, whose path can be a secret.
            return new Attempt.Retryable(
                    0, "Could not reach the receiver (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt.Retryable(0, "Interrupted by a shutdown");
        }
    }

    /** Lowercase hex of HMAC-SHA256(secret, "{timestamp}.{body}"). */
    static String signature(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
