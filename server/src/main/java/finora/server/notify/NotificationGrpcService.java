package finora.server.notify;

import static finora.server.grpc.ProtoValues.respond;
import static finora.server.grpc.ProtoValues.timestamp;

import finora.api.v1.ChannelKind;
import finora.api.v1.CreateNotificationChannelRequest;
import finora.api.v1.CreateNotificationChannelResponse;
import finora.api.v1.DeleteNotificationChannelRequest;
import finora.api.v1.DeleteNotificationChannelResponse;
import finora.api.v1.DeliveryStatus;
import finora.api.v1.ListNotificationChannelsRequest;
import finora.api.v1.ListNotificationChannelsResponse;
import finora.api.v1.ListNotificationDeliveriesRequest;
import finora.api.v1.ListNotificationDeliveriesResponse;
import finora.api.v1.NotificationChannel;
import finora.api.v1.NotificationDelivery;
import finora.api.v1.NotificationEventType;
import finora.api.v1.NotificationServiceGrpc;
import finora.api.v1.SmtpSecurity;
import finora.api.v1.SmtpServer;
import finora.api.v1.TestNotificationChannelRequest;
import finora.api.v1.TestNotificationChannelResponse;
import finora.api.v1.WebhookFormat;
import finora.server.auth.Principal;
import finora.server.grpc.FinoraException;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/** {@code finora.v1.NotificationService}: translates between protos and {@link Notifier}. */
public final class NotificationGrpcService extends NotificationServiceGrpc.NotificationServiceImplBase {
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 200;

    private final Notifier notifier;

    /** Creates the adapter. */
    public NotificationGrpcService(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public void createNotificationChannel(
            CreateNotificationChannelRequest request, StreamObserver<CreateNotificationChannelResponse> response) {
        ChannelSpec spec = switch (request.getTargetCase()) {
            case WEBHOOK ->
                new ChannelSpec.Webhook(
                        request.getName(),
                        request.getWebhook().getUrl(),
                        switch (request.getWebhook().getFormat()) {
                            case WEBHOOK_FORMAT_UNSPECIFIED, WEBHOOK_FORMAT_JSON -> Channel.Format.JSON;
                            case WEBHOOK_FORMAT_SLACK -> Channel.Format.SLACK;
                            case UNRECOGNIZED ->
                                throw FinoraException.invalidField("webhook.format", "Unknown webhook format");
                        },
                        request.getWebhook().getSigningSecret());
            case EMAIL ->
                new ChannelSpec.Email(
                        request.getName(),
                        request.getEmail().getRecipientsList(),
                        request.getEmail().hasSmtp()
                                ? Optional.of(smtp(request.getEmail().getSmtp()))
                                : Optional.empty());
            case TARGET_NOT_SET -> throw FinoraException.invalidField("target", "Give a webhook or an email target");
        };
        Channel channel = notifier.create(Principal.current(), spec);
        respond(
                response,
                CreateNotificationChannelResponse.newBuilder()
                        .setChannel(toProto(channel))
                        .build());
    }

    @Override
    public void listNotificationChannels(
            ListNotificationChannelsRequest request, StreamObserver<ListNotificationChannelsResponse> response) {
        var b = ListNotificationChannelsResponse.newBuilder();
        notifier.list(Principal.current()).forEach(c -> b.addChannels(toProto(c)));
        respond(response, b.build());
    }

    @Override
    public void testNotificationChannel(
            TestNotificationChannelRequest request, StreamObserver<TestNotificationChannelResponse> response) {
        Delivery delivery = notifier.test(Principal.current(), Notifier.parseId(request.getChannelId()));
        respond(
                response,
                TestNotificationChannelResponse.newBuilder()
                        .setDelivery(toProto(delivery))
                        .build());
    }

    @Override
    public void deleteNotificationChannel(
            DeleteNotificationChannelRequest request, StreamObserver<DeleteNotificationChannelResponse> response) {
        notifier.delete(Principal.current(), Notifier.parseId(request.getChannelId()));
        respond(response, DeleteNotificationChannelResponse.getDefaultInstance());
    }

    @Override
    public void listNotificationDeliveries(
            ListNotificationDeliveriesRequest request, StreamObserver<ListNotificationDeliveriesResponse> response) {
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
        if (size < 1 || size > MAX_PAGE) {
            throw FinoraException.invalidField("page_size", "page_size must be 1 to " + MAX_PAGE);
        }
        Optional<java.util.UUID> channel = request.getChannelId().isEmpty()
                ? Optional.empty()
                : Optional.of(Notifier.parseId(request.getChannelId()));
        var b = ListNotificationDeliveriesResponse.newBuilder();
        notifier.deliveries(Principal.current(), channel, size).forEach(d -> b.addDeliveries(toProto(d)));
        respond(response, b.build());
    }

    private static ChannelSpec.Smtp smtp(SmtpServer s) {
        NotifyConfig.Security security = switch (s.getSecurity()) {
            case SMTP_SECURITY_UNSPECIFIED, SMTP_SECURITY_STARTTLS -> NotifyConfig.Security.STARTTLS;
            case SMTP_SECURITY_SSL -> NotifyConfig.Security.SSL;
            case SMTP_SECURITY_NONE -> NotifyConfig.Security.NONE;
            case UNRECOGNIZED -> throw FinoraException.invalidField("email.smtp.security", "Unknown SMTP security");
        };
        return new ChannelSpec.Smtp(s.getHost(), s.getPort(), s.getUsername(), s.getPassword(), security);
    }

    private static NotificationChannel toProto(Channel c) {
        var b = NotificationChannel.newBuilder()
                .setChannelId(c.id().toString())
                .setName(c.name())
                .setKind(
                        c.kind() == Channel.Kind.WEBHOOK
                                ? ChannelKind.CHANNEL_KIND_WEBHOOK
                                : ChannelKind.CHANNEL_KIND_EMAIL)
                .setTargetHint(c.targetHint())
                .setHasSigningSecret(c.hasSigningSecret())
                .addAllEmailRecipients(c.recipients())
                .setHasSmtpPassword(c.hasSmtpPassword())
                .setCreateTime(timestamp(c.createdAt()));
        if (c.format() != null) {
            b.setWebhookFormat(
                    c.format() == Channel.Format.SLACK
                            ? WebhookFormat.WEBHOOK_FORMAT_SLACK
                            : WebhookFormat.WEBHOOK_FORMAT_JSON);
        }
        c.smtp()
                .ifPresent(s -> b.setSmtp(SmtpServer.newBuilder()
                        .setHost(s.host())
                        .setPort(s.port())
                        .setUsername(s.username())
                        .setSecurity(
                                switch (s.security()) {
                                    case STARTTLS -> SmtpSecurity.SMTP_SECURITY_STARTTLS;
                                    case SSL -> SmtpSecurity.SMTP_SECURITY_SSL;
                                    case NONE -> SmtpSecurity.SMTP_SECURITY_NONE;
                                })));
        return b.build();
    }

    private static NotificationDelivery toProto(Delivery d) {
        var b = NotificationDelivery.newBuilder()
                .setDeliveryId(d.id().toString())
                .setChannelId(d.channelId().toString())
                .setEventId(d.eventId().toString())
                .setEventType(
                        switch (d.type()) {
                            case BUDGET_THRESHOLD -> NotificationEventType.NOTIFICATION_EVENT_TYPE_BUDGET_THRESHOLD;
                            case ANOMALY -> NotificationEventType.NOTIFICATION_EVENT_TYPE_ANOMALY;
                            case CONNECTION_NEEDS_ATTENTION ->
                                NotificationEventType.NOTIFICATION_EVENT_TYPE_CONNECTION_NEEDS_ATTENTION;
                            case CONNECTION_STALE -> NotificationEventType.NOTIFICATION_EVENT_TYPE_CONNECTION_STALE;
                            case TEST -> NotificationEventType.NOTIFICATION_EVENT_TYPE_TEST;
                        })
                .setSummary(d.summary())
                .setStatus(
                        switch (d.status()) {
                            case PENDING -> DeliveryStatus.DELIVERY_STATUS_PENDING;
                            case DELIVERED -> DeliveryStatus.DELIVERY_STATUS_DELIVERED;
                            case FAILED -> DeliveryStatus.DELIVERY_STATUS_FAILED;
                        })
                .setAttempts(d.attempts())
                .setLastHttpStatus(d.lastHttpStatus())
                .setLastError(d.lastError() == null ? "" : d.lastError())
                .setCreateTime(timestamp(d.createdAt()));
        if (d.deliveredAt() != null) {
            b.setDeliverTime(timestamp(d.deliveredAt()));
        }
        return b.build();
    }
}
