package finora.server.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import finora.server.auth.Principal;
import finora.server.crypto.CredentialCipher;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.notify.ChannelRepository.PendingDelivery;
import finora.server.notify.ChannelRepository.StoredEvent;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notification channels and the delivery of alerts to them.
 *
 * <p>{@link #publish} stores an alert as an event unless its dedupe key was published before (the
 * unique key makes "announce once" hold across syncs and replicas), queues one delivery per channel of
 * the tenant in the same transaction, and sends them on virtual threads: each delivery is retried with
 * exponential backoff and jitter (Failsafe) while the receiver fails in a way that may pass, and every
 * attempt is written to the delivery log. A delivery whose sender died (its replica stopped) is picked
 * up again by {@link #resumeAbandoned}.
 *
 * <p>Secrets (webhook URL, signing secret, SMTP password) are encrypted with the credential cipher
 * under the purpose {@value #SECRET_PURPOSE}, bound to tenant and channel, decrypted only to send,
 * and never returned, logged or put into an error.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    static final String SECRET_PURPOSE = "notification-channel";
    static final int MAX_CHANNELS = 20;
    static final int MAX_RECIPIENTS = 10;
    private static final int TEST_ATTEMPTS = 3;
    private static final String DEFAULT_FROM = "finora@localhost";

    private final DSLContext dsl;
    private final ChannelRepository repository = new ChannelRepository();
    private final CredentialCipher cipher;
    private final NotifyConfig config;
    private final Clock clock;
    private final TargetGuard guard;
    private final WebhookSender webhooks;
    private final EmailSender mail;
    private final ExecutorService senders = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("notify-", 0).factory());

    /** Creates the notifier; nothing is sent until an alert is published. */
    public Notifier(DSLContext dsl, CredentialCipher cipher, NotifyConfig config, Clock clock) {
        this.dsl = dsl;
        this.cipher = cipher;
        this.config = config;
        this.clock = clock;
        this.guard = new TargetGuard(config.allowPrivateTargets());
        this.webhooks = new WebhookSender(clock);
        this.mail = new EmailSender(clock);
    }

    // ---- alerts ----

    /**
     * Announces an alert on every channel of its tenant unless the same dedupe key was announced
     * before. Returns true when it was new. Sending happens in the background.
     */
    public boolean publish(Alert alert) {
        OffsetDateTime now = now();
        UUID eventId = UUID.randomUUID();
        StoredEvent event = new StoredEvent(
                eventId,
                alert.tenantId(),
                alert.type(),
                truncate(alert.summary(), 1000),
                Payloads.event(eventId, alert, now.toInstant()));
        List<PendingDelivery> pending = dsl.transactionResult(c -> {
            if (!repository.insertEvent(c.dsl(), event, alert.dedupeKey(), now)) {
                return null;
            }
            List<PendingDelivery> deliveries = new ArrayList<>();
            for (UUID channelId : repository.channelIds(c.dsl(), alert.tenantId())) {
                UUID deliveryId = UUID.randomUUID();
                repository.insertDelivery(c.dsl(), deliveryId, eventId, channelId, alert.tenantId(), now);
                deliveries.add(new PendingDelivery(deliveryId, channelId, event));
            }
            return deliveries;
        });
        if (pending == null) {
            return false;
        }
        log.info(
                "Alert {} ({}) for tenant {} queued to {} channels",
                eventId,
                alert.type(),
                alert.tenantId(),
                pending.size());
        pending.forEach(this::dispatch);
        return true;
    }

    /** Re-sends deliveries left PENDING by a sender that died; called periodically. Returns how many. */
    public int resumeAbandoned() {
        OffsetDateTime now = now();
        // A live sender touches its delivery after every attempt, at most retryMaxDelay apart.
        OffsetDateTime staleBefore =
                now.minus(config.retryMaxDelay().multipliedBy(2)).minusMinutes(1);
        List<PendingDelivery> abandoned =
                dsl.transactionResult(c -> repository.claimAbandoned(c.dsl(), staleBefore, now, 100));
        abandoned.forEach(this::dispatch);
        return abandoned.size();
    }

    private void dispatch(PendingDelivery delivery) {
        try {
            senders.execute(() -> deliver(delivery, config.maxAttempts()));
        } catch (RejectedExecutionException e) {
            log.info("Shutting down: delivery {} stays PENDING for another replica", delivery.id());
        }
    }

    /** Sends one delivery with retries; records every attempt; never throws. */
    private void deliver(PendingDelivery delivery, int maxAttempts) {
        try {
            Optional<Channel> channel = repository.find(dsl, delivery.event().tenantId(), delivery.channelId());
            if (channel.isEmpty()) {
                return; // deleted meanwhile: its log went with it
            }
            Channel.Secrets secrets = secrets(channel.get());
            RetryPolicy<Attempt> retry = retryPolicy(maxAttempts);
            Failsafe.with(retry).get(context -> {
                Attempt attempt = attempt(channel.get(), secrets, delivery.event());
                int attempts = context.getAttemptCount() + 1;
                Delivery.Status status = switch (attempt) {
                    case Attempt.Delivered d -> Delivery.Status.DELIVERED;
                    case Attempt.Refused r -> Delivery.Status.FAILED;
                    case Attempt.Retryable r ->
                        attempts >= maxAttempts ? Delivery.Status.FAILED : Delivery.Status.PENDING;
                };
                String error = switch (attempt) {
                    case Attempt.Delivered d -> null;
                    case Attempt.Refused r -> r.error();
                    case Attempt.Retryable r -> r.error();
                };
                repository.recordAttempt(
                        dsl,
                        delivery.id(),
                        status,
                        attempts,
                        attempt.httpStatus() == 0 ? null : attempt.httpStatus(),
                        truncate(error, 500),
                        now());
                if (status != Delivery.Status.PENDING) {
                    log.info(
                            "Delivery {} of alert {} to channel {}: {} after {} attempts",
                            delivery.id(),
                            delivery.event().id(),
                            delivery.channelId(),
                            status,
                            attempts);
                }
                return attempt;
            });
        } catch (RuntimeException e) {
            log.error("Delivery {} to channel {} failed unexpectedly", delivery.id(), delivery.channelId(), e);
        }
    }

    private RetryPolicy<Attempt> retryPolicy(int maxAttempts) {
        RetryPolicyBuilder<Attempt> builder = RetryPolicy.<Attempt>builder()
                .handleResultIf(a -> a instanceof Attempt.Retryable)
                .withMaxAttempts(maxAttempts);
        if (config.retryMaxDelay().compareTo(config.retryInitialDelay()) > 0) {
            builder.withBackoff(config.retryInitialDelay(), config.retryMaxDelay())
                    .withJitter(0.25);
        } else {
            builder.withDelay(config.retryInitialDelay());
        }
        return builder.build();
    }

    private Attempt attempt(Channel channel, Channel.Secrets secrets, StoredEvent event) {
        try {
            return switch (channel.kind()) {
                case WEBHOOK -> {
                    URI url = guard.webhook(secrets.url()); // again: the host may resolve elsewhere by now
                    byte[] body = channel.format() == Channel.Format.SLACK
                            ? Payloads.slack(event.payload())
                            : event.payload().getBytes(StandardCharsets.UTF_8);
                    yield webhooks.send(url, body, event.id(), secrets.signingSecret());
                }
                case EMAIL -> {
                    Optional<EmailSender.Server> server = mailServer(channel, secrets);
                    if (server.isEmpty()) {
                        yield new Attempt.Refused(0, "No SMTP server: set FINORA_SMTP_HOST or give the channel one");
                    }
                    yield mail.send(
                            server.get(),
                            channel.recipients(),
                            "[Finora] " + event.summary(),
                            Payloads.mailText(event.payload()),
                            event.id());
                }
            };
        } catch (FinoraException e) {
            return new Attempt.Refused(0, e.getMessage()); // a target that is no longer allowed
        }
    }

    private Optional<EmailSender.Server> mailServer(Channel channel, Channel.Secrets secrets) {
        String from = config.smtp().map(NotifyConfig.Smtp::from).orElse(DEFAULT_FROM);
        if (channel.smtp().isPresent()) {
            Channel.SmtpServer s = channel.smtp().get();
            guard.host("email.smtp.host", s.host());
            return Optional.of(new EmailSender.Server(
                    s.host(), s.port(), s.security(), s.username(), secrets.smtpPassword(), from));
        }
        return config.smtp()
                .map(s ->
                        new EmailSender.Server(s.host(), s.port(), s.security(), s.username(), s.password(), s.from()));
    }

    // ---- channels ----

    /** Validates and stores a channel; its secrets are encrypted before they reach the database. */
    public Channel create(Principal caller, ChannelSpec spec) {
        String name = Text.name(spec.name(), "name");
        UUID id = UUID.randomUUID();
        OffsetDateTime now = now();
        Channel channel;
        Channel.Secrets secrets;
        switch (spec) {
            case ChannelSpec.Webhook w -> {
                Channel.Format format = w.format() == null ? Channel.Format.JSON : w.format();
                String secret = w.signingSecret() == null ? "" : w.signingSecret();
                if (secret.isEmpty() && format == Channel.Format.JSON) {
                    throw FinoraException.invalidField(
                            "webhook.signing_secret",
                            "A JSON webhook needs a signing secret of 32 to 256 "
                                    + "characters, so the receiver can verify what it gets");
                }
                if (!secret.isEmpty()
                        && (secret.length() < 32
                                || secret.length() > 256
                                || !secret.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f))) {
                    throw FinoraException.invalidField(
                            "webhook.signing_secret",
                            "The signing secret must be 32 to 256 printable ASCII " + "characters without spaces");
                }
                URI url = guard.webhook(w.url()); // last: it resolves the host
                String hint = url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getRawAuthority() + "/…";
                channel = new Channel(
                        id,
                        caller.tenantId(),
                        name,
                        Channel.Kind.WEBHOOK,
                        format,
                        hint,
                        List.of(),
                        Optional.empty(),
                        !secret.isEmpty(),
                        false,
                        now);
                secrets = new Channel.Secrets(url.toString(), secret, "");
            }
            case ChannelSpec.Email e -> {
                List<String> recipients = recipients(e.recipients());
                Optional<Channel.SmtpServer> smtp = Optional.empty();
                String password = "";
                if (e.smtp().isPresent()) {
                    ChannelSpec.Smtp s = e.smtp().get();
                    String host = guard.host("email.smtp.host", s.host());
                    NotifyConfig.Security security =
                            s.security() == null ? NotifyConfig.Security.STARTTLS : s.security();
                    if (s.port() < 0 || s.port() > 65535) {
                        throw FinoraException.invalidField(
                                "email.smtp.port", "The SMTP port must be 1 to 65535 (0 for the usual one)");
                    }
                    String username = s.username() == null ? "" : s.username().trim();
                    password = s.password() == null ? "" : s.password();
                    if (username.length() > 320 || Text.hasControl(username)) {
                        throw FinoraException.invalidField(
                                "email.smtp.username", "The SMTP user name must be at most 320 characters");
                    }
                    if (password.length() > 1024 || (!password.isEmpty() && username.isEmpty())) {
                        throw FinoraException.invalidField(
                                "email.smtp.password",
                                "The SMTP password must be at most 1024 characters " + "and needs a user name");
                    }
                    smtp = Optional.of(new Channel.SmtpServer(
                            host, s.port() == 0 ? security.defaultPort() : s.port(), username, security));
                } else if (config.smtp().isEmpty()) {
                    throw new FinoraException(
                            ErrorReason.SMTP_NOT_CONFIGURED,
                            "This server has no SMTP server "
                                    + "(FINORA_SMTP_HOST); give the channel its own SMTP server",
                            Map.of("field", "email.smtp"),
                            null);
                }
                channel = new Channel(
                        id,
                        caller.tenantId(),
                        name,
                        Channel.Kind.EMAIL,
                        null,
                        truncate(String.join(", ", recipients), 500),
                        recipients,
                        smtp,
                        false,
                        !password.isEmpty(),
                        now);
                secrets = new Channel.Secrets("", "", password);
            }
        }
        Map<String, String> secretFields = new LinkedHashMap<>();
        secretFields.put("url", secrets.url());
        secretFields.put("signing_secret", secrets.signingSecret());
        secretFields.put("smtp_password", secrets.smtpPassword());
        byte[] ciphertext = cipher.encrypt(Payloads.write(secretFields), SECRET_PURPOSE, caller.tenantId(), id);
        Channel stored = channel;
        dsl.transaction(c -> {
            if (repository.count(c.dsl(), caller.tenantId()) >= MAX_CHANNELS) {
                throw new FinoraException(
                        ErrorReason.LIMIT_REACHED,
                        "A tenant may have at most " + MAX_CHANNELS + " notification channels; delete one first");
            }
            repository.insert(c.dsl(), stored, ciphertext, caller.subject());
        });
        log.info("Tenant {} created {} notification channel {}", caller.tenantId(), channel.kind(), id);
        return channel;
    }

    /** The caller's channels, oldest first. */
    public List<Channel> list(Principal caller) {
        return repository.list(dsl, caller.tenantId());
    }

    /** Deletes a channel and its delivery log. */
    public void delete(Principal caller, UUID channelId) {
        if (!dsl.transactionResult(c -> repository.delete(c.dsl(), caller.tenantId(), channelId))) {
            throw notFound();
        }
        log.info("Tenant {} deleted notification channel {}", caller.tenantId(), channelId);
    }

    /** Sends a test alert to one channel now (a few quick attempts) and returns its delivery. */
    public Delivery test(Principal caller, UUID channelId) {
        Channel channel = repository.find(dsl, caller.tenantId(), channelId).orElseThrow(Notifier::notFound);
        OffsetDateTime now = now();
        UUID eventId = UUID.randomUUID();
        Alert alert = new Alert(
                caller.tenantId(),
                Alert.AlertType.TEST,
                "test:" + eventId,
                "Test alert for channel \"" + channel.name() + "\"",
                "Sent by " + caller.subject() + " with TestNotificationChannel. No action needed.",
                Map.of("channel_id", channelId.toString()));
        StoredEvent event = new StoredEvent(
                eventId,
                caller.tenantId(),
                alert.type(),
                alert.summary(),
                Payloads.event(eventId, alert, now.toInstant()));
        UUID deliveryId = UUID.randomUUID();
        dsl.transaction(c -> {
            repository.insertEvent(c.dsl(), event, alert.dedupeKey(), now);
            repository.insertDelivery(c.dsl(), deliveryId, eventId, channelId, caller.tenantId(), now);
        });
        deliver(new PendingDelivery(deliveryId, channelId, event), Math.min(TEST_ATTEMPTS, config.maxAttempts()));
        return repository.delivery(dsl, deliveryId).orElseThrow(Notifier::notFound);
    }

    /** The delivery log, newest first. */
    public List<Delivery> deliveries(Principal caller, Optional<UUID> channelId, int limit) {
        return repository.deliveries(dsl, caller.tenantId(), channelId, limit);
    }

    /** Parses a channel id; malformed ids are unknown ids. */
    public static UUID parseId(String raw) {
        try {
            return UUID.fromString(raw.trim());
        } catch (RuntimeException e) {
            throw notFound();
        }
    }

    /** Stops sending; deliveries still queued stay PENDING and are resumed by a replica later. */
    @Override
    public void close() {
        senders.shutdownNow();
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Channel.Secrets secrets(Channel channel) {
        byte[] ciphertext = repository.secrets(dsl, channel.id()).orElseThrow(Notifier::notFound);
        JsonNode json = Payloads.read(cipher.decrypt(ciphertext, SECRET_PURPOSE, channel.tenantId(), channel.id()));
        return new Channel.Secrets(
                json.path("url").asText(),
                json.path("signing_secret").asText(),
                json.path("smtp_password").asText());
    }

    private static List<String> recipients(List<String> raw) {
        if (raw.isEmpty() || raw.size() > MAX_RECIPIENTS) {
            throw FinoraException.invalidField("email.recipients", "Give 1 to " + MAX_RECIPIENTS + " e-mail addresses");
        }
        LinkedHashSet<String> result = new LinkedHashSet<>();
        for (String r : raw) {
            String address = r == null ? "" : r.trim();
            boolean plain = address.length() <= 254
                    && address.indexOf('@') > 0
                    && address.indexOf('@') == address.lastIndexOf('@')
                    && !address.endsWith("@")
                    && address.chars()
                            .noneMatch(ch -> ch <= 0x20
                                    || ch == ','
                                    || ch == ';'
                                    || ch == '<'
                                    || ch == '>'
                                    || ch == '"'
                                    || ch == 0x7f);
            if (!plain) {
                throw FinoraException.invalidField(
                        "email.recipients", "Not a plain e-mail address: give name@example.com");
            }
            try {
                new InternetAddress(address, true).validate();
            } catch (AddressException e) {
                throw FinoraException.invalidField("email.recipients", "Not a valid e-mail address: " + address);
            }
            result.add(address);
        }
        return List.copyOf(result);
    }

    private static FinoraException notFound() {
        return new FinoraException(
                ErrorReason.CHANNEL_NOT_FOUND, "No notification channel with that id in your " + "organization");
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
