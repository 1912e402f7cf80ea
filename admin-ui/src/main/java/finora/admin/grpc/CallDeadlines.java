package finora.admin.grpc;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each kind of call to the server may take, from {@code application.properties}: the feature
 * clients take theirs from here, so every deadline is set in one place.
 *
 * @param call a plain call ({@code finora.call-deadline})
 * @param keyCheck connecting or rotating a key: the server asks the provider, with retries ({@code finora.key-check-deadline})
 * @param export a whole export stream ({@code finora.export-deadline})
 * @param notificationTest a notification channel's test delivery ({@code finora.notification-test-deadline})
 */
public record CallDeadlines(Duration call, Duration keyCheck, Duration export, Duration notificationTest) {

    public CallDeadlines {
        Objects.requireNonNull(call);
        Objects.requireNonNull(keyCheck);
        Objects.requireNonNull(export);
        Objects.requireNonNull(notificationTest);
    }
}
