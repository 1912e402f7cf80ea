package finora.admin.grpc;

import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
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
import finora.api.v1.TestNotificationChannelRequest;
import finora.api.v1.TestNotificationChannelResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake NotificationService with the real one's reasons, words and field metadata: a webhook to a
 * loopback host is TARGET_NOT_ALLOWED, an e-mail channel without its own SMTP server is
 * SMTP_NOT_CONFIGURED (the fake server has none), a JSON webhook without a secret is refused. A
 * test delivery to a URL containing "fail" fails with HTTP 500; every other one is delivered.
 */
public final class FakeNotificationService extends NotificationServiceGrpc.NotificationServiceImplBase {

    public static final String LOOPBACK_MESSAGE = "The webhook host 127.0.0.1 resolves to a loopback, link-local or "
            + "private address (127.0.0.1); such targets are refused unless the server allows private targets";
    public static final String SMTP_MESSAGE =
            "This server has no SMTP server (FINORA_SMTP_HOST); give the channel its " + "own SMTP server";
    public static final String SECRET_MESSAGE =
            "A JSON webhook needs a signing secret of 32 to 256 printable ASCII " + "characters";
    public static final String FAILED_ERROR = "The receiver answered HTTP 500";

    private final FakeFinoraServer server;
    private final Map<String, NotificationChannel> channels = new LinkedHashMap<>();
    private final List<CreateNotificationChannelRequest> created = new CopyOnWriteArrayList<>();
    private final List<NotificationDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private int next;

    FakeNotificationService(FakeFinoraServer server) {
        this.server = server;
    }

    /** Every create request received, secrets included (tests only: the real server never returns them). */
    public List<CreateNotificationChannelRequest> created() {
        return created;
    }

    public synchronized List<NotificationChannel> channels() {
        return List.copyOf(channels.values());
    }

    @Override
    public synchronized void createNotificationChannel(
            CreateNotificationChannelRequest request, StreamObserver<CreateNotificationChannelResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        created.add(request);
        if (request.getName().isBlank()) {
            response.onError(FakeFinoraServer.error(
                    Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "The name must be 1 to 200 characters", "name"));
            return;
        }
        String id = "ch" + (++next);
        NotificationChannel.Builder c = NotificationChannel.newBuilder()
                .setChannelId(id)
                .setName(request.getName())
                .setCreateTime(Timestamp.newBuilder().setSeconds(1_795_600_800L));
        if (request.hasWebhook()) {
            URI url = URI.create(request.getWebhook().getUrl());
            if ("127.0.0.1".equals(url.getHost()) || "localhost".equals(url.getHost())) {
                response.onError(FakeFinoraServer.error(
                        Code.INVALID_ARGUMENT, "TARGET_NOT_ALLOWED", LOOPBACK_MESSAGE, "webhook.url"));
                return;
            }
            boolean slack = request.getWebhook().getFormat() == finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_SLACK;
            if (!slack && request.getWebhook().getSigningSecret().length() < 32) {
                response.onError(FakeFinoraServer.error(
                        Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", SECRET_MESSAGE, "webhook.signing_secret"));
                return;
            }
            c.setKind(ChannelKind.CHANNEL_KIND_WEBHOOK)
                    .setTargetHint(url.getScheme() + "://" + url.getRawAuthority() + "/…")
                    .setWebhookFormat(
                            slack
                                    ? finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_SLACK
                                    : finora.api.v1.WebhookFormat.WEBHOOK_FORMAT_JSON)
                    .setHasSigningSecret(
                            !request.getWebhook().getSigningSecret().isEmpty());
            urls.put(id, request.getWebhook().getUrl());
        } else {
            if (!request.getEmail().hasSmtp()) {
                response.onError(FakeFinoraServer.error(
                        Code.FAILED_PRECONDITION, "SMTP_NOT_CONFIGURED", SMTP_MESSAGE, "email.smtp"));
                return;
            }
            var smtp = request.getEmail().getSmtp();
            c.setKind(ChannelKind.CHANNEL_KIND_EMAIL)
                    .setTargetHint(String.join(", ", request.getEmail().getRecipientsList()))
                    .addAllEmailRecipients(request.getEmail().getRecipientsList())
                    .setSmtp(smtp.toBuilder().clearPassword())
                    .setHasSmtpPassword(!smtp.getPassword().isEmpty());
            urls.put(id, "smtp://" + smtp.getHost());
        }
        channels.put(id, c.build());
        respond(
                response,
                CreateNotificationChannelResponse.newBuilder().setChannel(c).build());
    }

    @Override
    public synchronized void listNotificationChannels(
            ListNotificationChannelsRequest request, StreamObserver<ListNotificationChannelsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        respond(
                response,
                ListNotificationChannelsResponse.newBuilder()
                        .addAllChannels(channels.values())
                        .build());
    }

    @Override
    public synchronized void testNotificationChannel(
            TestNotificationChannelRequest request, StreamObserver<TestNotificationChannelResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        NotificationChannel c = channels.get(request.getChannelId());
        if (c == null) {
            response.onError(FakeFinoraServer.error(Code.NOT_FOUND, "CHANNEL_NOT_FOUND", "No such channel"));
            return;
        }
        boolean fails = urls.get(c.getChannelId()).contains("fail");
        NotificationDelivery.Builder d = NotificationDelivery.newBuilder()
                .setDeliveryId("d" + (deliveries.size() + 1))
                .setChannelId(c.getChannelId())
                .setEventId("e" + (deliveries.size() + 1))
                .setEventType(NotificationEventType.NOTIFICATION_EVENT_TYPE_TEST)
                .setSummary("Test alert from Finora Spend to \"" + c.getName() + "\"")
                .setAttempts(1)
                .setCreateTime(Timestamp.newBuilder().setSeconds(1_795_600_800L));
        if (fails) {
            d.setStatus(DeliveryStatus.DELIVERY_STATUS_FAILED)
                    .setLastHttpStatus(500)
                    .setLastError(FAILED_ERROR);
        } else {
            d.setStatus(DeliveryStatus.DELIVERY_STATUS_DELIVERED)
                    .setLastHttpStatus(c.getKind() == ChannelKind.CHANNEL_KIND_WEBHOOK ? 204 : 0)
                    .setDeliverTime(Timestamp.newBuilder().setSeconds(1_795_600_801L));
        }
        deliveries.add(0, d.build());
        respond(
                response,
                TestNotificationChannelResponse.newBuilder().setDelivery(d).build());
    }

    @Override
    public synchronized void deleteNotificationChannel(
            DeleteNotificationChannelRequest request, StreamObserver<DeleteNotificationChannelResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        if (channels.remove(request.getChannelId()) == null) {
            response.onError(FakeFinoraServer.error(Code.NOT_FOUND, "CHANNEL_NOT_FOUND", "No such channel"));
            return;
        }
        deliveries.removeIf(d -> d.getChannelId().equals(request.getChannelId()));
        respond(response, DeleteNotificationChannelResponse.getDefaultInstance());
    }

    @Override
    public void listNotificationDeliveries(
            ListNotificationDeliveriesRequest request, StreamObserver<ListNotificationDeliveriesResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        List<NotificationDelivery> list = new ArrayList<>(deliveries);
        int size = request.getPageSize() == 0 ? 50 : request.getPageSize();
        respond(
                response,
                ListNotificationDeliveriesResponse.newBuilder()
                        .addAllDeliveries(list.subList(0, Math.min(size, list.size())))
                        .build());
    }

    private static <T> void respond(StreamObserver<T> observer, T value) {
        observer.onNext(value);
        observer.onCompleted();
    }
}
