package finora.admin.settings;

import finora.admin.grpc.CallDeadlines;
import finora.admin.grpc.ProtoValues;
import finora.admin.grpc.ServiceStub;
import finora.api.v1.CreateNotificationChannelRequest;
import finora.api.v1.DeleteNotificationChannelRequest;
import finora.api.v1.EmailTarget;
import finora.api.v1.ListNotificationChannelsRequest;
import finora.api.v1.ListNotificationDeliveriesRequest;
import finora.api.v1.NotificationServiceGrpc;
import finora.api.v1.SmtpSecurity;
import finora.api.v1.SmtpServer;
import finora.api.v1.TestNotificationChannelRequest;
import finora.api.v1.WebhookTarget;
import io.grpc.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The server's NotificationService: the tenant's alert channels (add, test, delete) and the delivery
 * log. Secrets go in and never come back. Every call carries the user's bearer token and a deadline;
 * failures arrive as {@link FinoraCallException} with the server's reason, words and field (e.g.
 * TARGET_NOT_ALLOWED on {@code webhook.url}, SMTP_NOT_CONFIGURED on {@code email.smtp}).
 */
@Component
public final class NotificationClient {

    private final ServiceStub<NotificationServiceGrpc.NotificationServiceBlockingStub> stub;
    private final Duration deadline;
    private final Duration testDeadline;

    /** The client Spring wires: on the shared channel, with the configured deadlines. */
    @Autowired
    NotificationClient(Channel finoraChannel, CallDeadlines deadlines) {
        this(finoraChannel, deadlines.call(), deadlines.notificationTest());
    }

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long a plain call may take
     * @param testDeadline how long a test delivery may take: the server tries for about 20 s
     */
    public NotificationClient(Channel channel, Duration deadline, Duration testDeadline) {
        this.stub = new ServiceStub<>(channel, NotificationServiceGrpc::newBlockingStub);
        this.deadline = Objects.requireNonNull(deadline);
        this.testDeadline = Objects.requireNonNull(testDeadline);
    }

    /** The tenant's channels, oldest first, without secrets. */
    public List<NotificationChannel> channels(String token) {
        return stub
                .call(
                        token,
                        deadline,
                        s -> s.listNotificationChannels(ListNotificationChannelsRequest.getDefaultInstance()))
                .getChannelsList()
                .stream()
                .map(NotificationClient::toChannel)
                .toList();
    }

    /**
     * Creates a channel after the server checked its target.
     *
     * @throws FinoraCallException e.g. TARGET_NOT_ALLOWED, SMTP_NOT_CONFIGURED, INVALID_ARGUMENT with the field
     */
    public NotificationChannel create(String token, String name, ChannelTarget channelTarget) {
        CreateNotificationChannelRequest.Builder request =
                CreateNotificationChannelRequest.newBuilder().setName(name);
        switch (channelTarget) {
            case ChannelTarget.Webhook w ->
                request.setWebhook(WebhookTarget.newBuilder()
                        .setUrl(w.url())
                        .setFormat(
                                w.format() == WebhookFormat.SLACK
                                        ? finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_SLACK
                                        : finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_JSON)
                        .setSigningSecret(w.signingSecret() == null ? "" : w.signingSecret()));
            case ChannelTarget.Email e -> {
                EmailTarget.Builder email = EmailTarget.newBuilder().addAllRecipients(e.recipients());
                if (e.smtp() != null) {
                    email.setSmtp(toProto(e.smtp()));
                }
                request.setEmail(email);
            }
        }
        return toChannel(stub.call(token, deadline, s -> s.createNotificationChannel(request.build()))
                .getChannel());
    }

    /** Sends a test alert to the channel now and waits for the outcome (delivered or failed, with why). */
    public NotificationDelivery test(String token, String channelId) {
        return toDelivery(stub.call(
                        token,
                        testDeadline,
                        s -> s.testNotificationChannel(TestNotificationChannelRequest.newBuilder()
                                .setChannelId(channelId)
                                .build()))
                .getDelivery());
    }

    /** Deletes a channel and its delivery log. */
    public void delete(String token, String channelId) {
        stub.call(
                token,
                deadline,
                s -> s.deleteNotificationChannel(DeleteNotificationChannelRequest.newBuilder()
                        .setChannelId(channelId)
                        .build()));
    }

    /**
     * The delivery log of every channel, newest first.
     *
     * @param limit how many, 1 to 200
     */
    public List<NotificationDelivery> deliveries(String token, int limit) {
        return stub
                .call(
                        token,
                        deadline,
                        s -> s.listNotificationDeliveries(ListNotificationDeliveriesRequest.newBuilder()
                                .setPageSize(limit)
                                .build()))
                .getDeliveriesList()
                .stream()
                .map(NotificationClient::toDelivery)
                .toList();
    }

    private static SmtpServer toProto(SmtpSettings s) {
        return SmtpServer.newBuilder()
                .setHost(s.host())
                .setPort(s.port())
                .setUsername(s.username() == null ? "" : s.username())
                .setPassword(s.password() == null ? "" : s.password())
                .setSecurity(
                        switch (s.security()) {
                            case STARTTLS -> SmtpSecurity.SMTP_SECURITY_STARTTLS;
                            case SSL -> SmtpSecurity.SMTP_SECURITY_SSL;
                            case NONE -> SmtpSecurity.SMTP_SECURITY_NONE;
                        })
                .build();
    }

    private static NotificationChannel toChannel(finora.api.v1.NotificationChannel c) {
        boolean webhook = c.getKind() == finora.api.v1.ChannelKind.CHANNEL_KIND_WEBHOOK;
        SmtpSettings smtp = c.hasSmtp()
                ? new SmtpSettings(
                        c.getSmtp().getHost(),
                        c.getSmtp().getPort(),
                        c.getSmtp().getUsername(),
                        "",
                        switch (c.getSmtp().getSecurity()) {
                            case SMTP_SECURITY_SSL -> SmtpSettings.Security.SSL;
                            case SMTP_SECURITY_NONE -> SmtpSettings.Security.NONE;
                            default -> SmtpSettings.Security.STARTTLS;
                        })
                : null;
        return new NotificationChannel(
                c.getChannelId(),
                c.getName(),
                webhook ? NotificationChannel.Kind.WEBHOOK : NotificationChannel.Kind.EMAIL,
                c.getTargetHint(),
                !webhook
                        ? null
                        : c.getWebhookFormat() == finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_SLACK
                                ? WebhookFormat.SLACK
                                : WebhookFormat.JSON,
                c.getHasSigningSecret(),
                c.getEmailRecipientsList(),
                smtp,
                c.getHasSmtpPassword(),
                c.hasCreateTime() ? ProtoValues.instant(c.getCreateTime()) : null);
    }

    private static NotificationDelivery toDelivery(finora.api.v1.NotificationDelivery d) {
        return new NotificationDelivery(
                d.getDeliveryId(),
                d.getChannelId(),
                switch (d.getEventType()) {
                    case NOTIFICATION_EVENT_TYPE_BUDGET_THRESHOLD -> NotificationDelivery.Event.BUDGET_THRESHOLD;
                    case NOTIFICATION_EVENT_TYPE_ANOMALY -> NotificationDelivery.Event.ANOMALY;
                    case NOTIFICATION_EVENT_TYPE_CONNECTION_NEEDS_ATTENTION ->
                        NotificationDelivery.Event.CONNECTION_NEEDS_ATTENTION;
                    case NOTIFICATION_EVENT_TYPE_CONNECTION_STALE -> NotificationDelivery.Event.CONNECTION_STALE;
                    case NOTIFICATION_EVENT_TYPE_TEST -> NotificationDelivery.Event.TEST;
                    default -> NotificationDelivery.Event.OTHER;
                },
                d.getSummary(),
                switch (d.getStatus()) {
                    case DELIVERY_STATUS_DELIVERED -> NotificationDelivery.Status.DELIVERED;
                    case DELIVERY_STATUS_FAILED -> NotificationDelivery.Status.FAILED;
                    default -> NotificationDelivery.Status.PENDING;
                },
                d.getAttempts(),
                d.getLastHttpStatus(),
                d.getLastError(),
                d.hasCreateTime() ? ProtoValues.instant(d.getCreateTime()) : null,
                d.hasDeliverTime() ? ProtoValues.instant(d.getDeliverTime()) : null);
    }
}
