package finora.server.notify;

import static finora.db.jooq.Tables.NOTIFICATION_CHANNEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import finora.api.v1.BudgetPeriod;
import finora.api.v1.ChannelKind;
import finora.api.v1.CreateBudgetRequest;
import finora.api.v1.CreateNotificationChannelRequest;
import finora.api.v1.DeleteNotificationChannelRequest;
import finora.api.v1.DeliveryStatus;
import finora.api.v1.EmailTarget;
import finora.api.v1.ListNotificationChannelsRequest;
import finora.api.v1.ListNotificationDeliveriesRequest;
import finora.api.v1.NotificationChannel;
import finora.api.v1.NotificationDelivery;
import finora.api.v1.Scope;
import finora.api.v1.ScopeKind;
import finora.api.v1.SmtpSecurity;
import finora.api.v1.SmtpServer;
import finora.api.v1.TestNotificationChannelRequest;
import finora.api.v1.WebhookFormat;
import finora.api.v1.WebhookTarget;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestServer;
import finora.server.testing.WebhookReceiver;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notification channels through the real gRPC wiring: e-mail to GreenMail, webhooks, SSRF refusals, secrets. */
class NotificationChannelsTest {

    @Test
    void emailChannel_deliversToARealSmtpServer_withServerWideAndOwnSmtpSettings() throws Exception {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        int port = mail.getSmtp().getPort();
        try (TestServer server = TestServer.start(Map.of(
                "FINORA_SMTP_HOST",
                "127.0.0.1",
                "FINORA_SMTP_PORT",
                Integer.toString(port),
                "FINORA_SMTP_SECURITY",
                "NONE",
                "FINORA_SMTP_FROM",
                "alerts@finora.test",
                "FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS",
                "true"))) {
            String admin = server.token(server.tenant("acme", Plan.SCALE), Role.ADMIN);
            NotificationChannel viaEnv = server.notifications(admin)
                    .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                            .setName("ops mail")
                            .setEmail(EmailTarget.newBuilder().addRecipients("ops@acme.test"))
                            .build())
                    .getChannel();
            assertThat(viaEnv.getKind()).isEqualTo(ChannelKind.CHANNEL_KIND_EMAIL);

            NotificationDelivery delivery = server.notifications(admin)
                    .testNotificationChannel(TestNotificationChannelRequest.newBuilder()
                            .setChannelId(viaEnv.getChannelId())
                            .build())
                    .getDelivery();
            assertThat(delivery.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
            assertThat(mail.waitForIncomingEmail(5000, 1)).isTrue();
            MimeMessage received = mail.getReceivedMessages()[0];
            assertThat(received.getSubject()).startsWith("[Finora] Test alert");
            assertThat(received.getAllRecipients()[0].toString()).isEqualTo("ops@acme.test");
            assertThat(received.getHeader("X-Finora-Event-Id")[0]).isEqualTo(delivery.getEventId());

            mail.setUser("finora-smtp", "smtp-Pa55word-never-shown");
            NotificationChannel own = server.notifications(admin)
                    .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                            .setName("own smtp")
                            .setEmail(EmailTarget.newBuilder()
                                    .addRecipients("cfo@acme.test")
                                    .setSmtp(SmtpServer.newBuilder()
                                            .setHost("127.0.0.1")
                                            .setPort(port)
                                            .setUsername("finora-smtp")
                                            .setPassword("smtp-Pa55word-never-shown")
                                            .setSecurity(SmtpSecurity.SMTP_SECURITY_NONE)))
                            .build())
                    .getChannel();
            assertThat(own.getHasSmtpPassword()).isTrue();
            assertThat(server.notifications(admin)
                            .testNotificationChannel(TestNotificationChannelRequest.newBuilder()
                                    .setChannelId(own.getChannelId())
                                    .build())
                            .getDelivery()
                            .getStatus())
                    .isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
            assertThat(mail.waitForIncomingEmail(5000, 2)).isTrue();

            // The password is stored encrypted and never comes back.
            String listed = server.notifications(admin)
                    .listNotificationChannels(ListNotificationChannelsRequest.getDefaultInstance())
                    .toString();
            assertThat(listed).doesNotContain("smtp-Pa55word-never-shown");
            byte[] stored = server.database()
                    .dsl()
                    .select(NOTIFICATION_CHANNEL.SECRETS_CIPHERTEXT)
                    .from(NOTIFICATION_CHANNEL)
                    .where(NOTIFICATION_CHANNEL.CHANNEL_ID.eq(java.util.UUID.fromString(own.getChannelId())))
                    .fetchSingle()
                    .value1();
            assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("smtp-Pa55word");
        } finally {
            mail.stop();
        }
    }

    @Test
    void webhookTest_isSignedAndLogged_andTheUrlIsNeverShownBack() throws Exception {
        try (TestServer server = TestServer.start(Map.of(
                        "FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS",
                        "true",
                        "FINORA_NOTIFY_RETRY_INITIAL_MS",
                        "5",
                        "FINORA_NOTIFY_RETRY_MAX_MS",
                        "20"));
                WebhookReceiver receiver = WebhookReceiver.start()) {
            String admin = server.token(server.tenant("acme", Plan.SCALE), Role.ADMIN);
            NotificationChannel slack = server.notifications(admin)
                    .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                            .setName("slack")
                            .setWebhook(WebhookTarget.newBuilder()
                                    .setUrl(receiver.url() + "/T000/B000/secretpath")
                                    .setFormat(WebhookFormat.WEBHOOK_FORMAT_SLACK))
                            .build())
                    .getChannel();
            assertThat(slack.getTargetHint())
                    .startsWith("http://127.0.0.1:")
                    .endsWith("/…")
                    .doesNotContain("secretpath");
            assertThat(slack.getHasSigningSecret()).isFalse();
            NotificationDelivery ok = server.notifications(admin)
                    .testNotificationChannel(TestNotificationChannelRequest.newBuilder()
                            .setChannelId(slack.getChannelId())
                            .build())
                    .getDelivery();
            assertThat(ok.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
            assertThat(new String(receiver.received().get(0).body(), StandardCharsets.UTF_8))
                    .startsWith("{\"text\":\"Test alert")
                    .contains("\"blocks\"");

            receiver.answer(503); // retried with backoff, then FAILED, every attempt logged
            NotificationDelivery failed = server.notifications(admin)
                    .testNotificationChannel(TestNotificationChannelRequest.newBuilder()
                            .setChannelId(slack.getChannelId())
                            .build())
                    .getDelivery();
            assertThat(failed.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_FAILED);
            assertThat(failed.getAttempts()).isEqualTo(3);
            assertThat(failed.getLastHttpStatus()).isEqualTo(503);
            assertThat(server.notifications(admin)
                            .listNotificationDeliveries(ListNotificationDeliveriesRequest.newBuilder()
                                    .setChannelId(slack.getChannelId())
                                    .build())
                            .getDeliveriesList())
                    .hasSize(2);

            server.notifications(admin)
                    .deleteNotificationChannel(DeleteNotificationChannelRequest.newBuilder()
                            .setChannelId(slack.getChannelId())
                            .build());
            assertThat(server.notifications(admin)
                            .listNotificationChannels(ListNotificationChannelsRequest.getDefaultInstance())
                            .getChannelsList())
                    .isEmpty();
        }
    }

    @Test
    void internalTargets_areRefusedUnlessAllowed_andMutationsNeedAdmin() throws Exception {
        try (TestServer server = TestServer.start()) {
            TestServer.Tenant tenant = server.tenant("acme", Plan.SCALE);
            String admin = server.token(tenant, Role.ADMIN);
            String reader = server.token(tenant, Role.READER);
            for (String url : new String[] {
                "http://127.0.0.1:8080/hook",
                "http://169.254.169.254/latest/meta-data",
                "http://10.0.0.7/x",
                "http://[::1]/x",
                "http://[::ffff:127.0.0.1]/x",
                "http://localhost/x",
                "ftp://example.com/x",
                "http://user:pw@example.com/x",
                "not a url"
            }) {
                assertThatThrownBy(() -> server.notifications(admin)
                                .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                        .setName("x")
                                        .setWebhook(WebhookTarget.newBuilder()
                                                .setUrl(url)
                                                .setSigningSecret("s".repeat(40)))
                                        .build()))
                        .as(url)
                        .satisfies(e -> assertThat(GrpcErrors.reason((StatusRuntimeException) e))
                                .isEqualTo("TARGET_NOT_ALLOWED"));
            }
            assertThatThrownBy(() -> server.notifications(admin)
                            .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                    .setName("x")
                                    .setEmail(EmailTarget.newBuilder().addRecipients("ops@acme.test"))
                                    .build()))
                    .satisfies(e -> assertThat(GrpcErrors.reason((StatusRuntimeException) e))
                            .isEqualTo("SMTP_NOT_CONFIGURED"));
            assertThatThrownBy(() -> server.notifications(admin)
                            .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                    .setName("x")
                                    .setWebhook(WebhookTarget.newBuilder().setUrl("https://hooks.example.com/x"))
                                    .build()))
                    .satisfies(e -> assertThat(GrpcErrors.reason((StatusRuntimeException) e))
                            .isEqualTo("INVALID_ARGUMENT"));
            assertThatThrownBy(() -> server.notifications(reader)
                            .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                    .setName("x")
                                    .build()))
                    .satisfies(e -> assertThat(
                                    ((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> server.budgets(reader)
                            .createBudget(CreateBudgetRequest.newBuilder()
                                    .setBudget(finora.api.v1.Budget.newBuilder().setName("x"))
                                    .build()))
                    .satisfies(e -> assertThat(
                                    ((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> server.budgets(admin)
                            .createBudget(CreateBudgetRequest.newBuilder()
                                    .setBudget(finora.api.v1.Budget.newBuilder()
                                            .setName("x")
                                            .setPeriod(BudgetPeriod.BUDGET_PERIOD_MONTHLY)
                                            .setAmount(com.google.type.Money.newBuilder()
                                                    .setCurrencyCode("USD")
                                                    .setUnits(-5))
                                            .setScope(Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT)))
                                    .build()))
                    .satisfies(e -> assertThat(GrpcErrors.reason((StatusRuntimeException) e))
                            .isEqualTo("INVALID_ARGUMENT"));
        }
    }

    @Test
    void budgetAndNotificationRequests_areBoundedBeforeTheyReachTheServices() throws Exception {
        try (TestServer server = TestServer.start()) {
            String admin = server.token(server.tenant("acme", Plan.SCALE), Role.ADMIN);
            java.util.function.Function<WebhookTarget.Builder, CreateNotificationChannelRequest> hook =
                    w -> CreateNotificationChannelRequest.newBuilder()
                            .setName("x")
                            .setWebhook(w.setSigningSecret("s".repeat(40)))
                            .build();
            // The guard allows the documented 2,048 characters of a webhook URL (more than its default 512)...
            String longUrl = "http://127.0.0.1/" + "a".repeat(1500);
            assertThat(reason(() -> server.notifications(admin)
                            .createNotificationChannel(
                                    hook.apply(WebhookTarget.newBuilder().setUrl(longUrl)))))
                    .isEqualTo("TARGET_NOT_ALLOWED");
            // ...and not one more.
            assertThat(reason(() -> server.notifications(admin)
                            .createNotificationChannel(hook.apply(WebhookTarget.newBuilder()
                                    .setUrl("https://hooks.example.com/" + "a".repeat(2048))))))
                    .isEqualTo("FIELD_TOO_LONG");
            assertThat(reason(() -> server.notifications(admin)
                            .createNotificationChannel(hook.apply(
                                    WebhookTarget.newBuilder().setUrl("https://hooks.example.com/\u0000x")))))
                    .isEqualTo("FIELD_INVALID_CHARACTERS");
            assertThat(reason(() -> server.notifications(admin)
                            .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                    .setName("x")
                                    .setWebhook(WebhookTarget.newBuilder()
                                            .setUrl("https://hooks.example.com/x")
                                            .setSigningSecret("s".repeat(257)))
                                    .build())))
                    .isEqualTo("FIELD_TOO_LONG");

            EmailTarget.Builder many = EmailTarget.newBuilder();
            for (int k = 0; k <= 100; k++) {
                many.addRecipients("ops" + k + "@acme.test");
            }
            for (EmailTarget.Builder email : new EmailTarget.Builder[] {
                many,
                EmailTarget.newBuilder().addRecipients("a".repeat(250) + "@acme.test"),
                EmailTarget.newBuilder()
                        .addRecipients("ops@acme.test")
                        .setSmtp(SmtpServer.newBuilder()
                                .setHost("smtp.acme.test")
                                .setUsername("u")
                                .setPassword("p".repeat(1025)))
            }) {
                assertThat(reason(() -> server.notifications(admin)
                                .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                        .setName("x")
                                        .setEmail(email)
                                        .build())))
                        .isEqualTo("FIELD_TOO_LONG");
            }
            assertThat(reason(() -> server.notifications(admin)
                            .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                                    .setName("x")
                                    .setEmail(EmailTarget.newBuilder().addRecipients("ops@acme.test\u0000"))
                                    .build())))
                    .isEqualTo("FIELD_INVALID_CHARACTERS");
            assertThat(reason(() -> server.notifications(admin)
                            .testNotificationChannel(TestNotificationChannelRequest.newBuilder()
                                    .setChannelId("7".repeat(10_000))
                                    .build())))
                    .isEqualTo("FIELD_TOO_LONG");
            assertThat(reason(() -> server.budgets(admin)
                            .createBudget(CreateBudgetRequest.newBuilder()
                                    .setBudget(finora.api.v1.Budget.newBuilder()
                                            .setName("n".repeat(201))
                                            .setPeriod(BudgetPeriod.BUDGET_PERIOD_MONTHLY)
                                            .setAmount(com.google.type.Money.newBuilder()
                                                    .setCurrencyCode("USD")
                                                    .setUnits(5))
                                            .setScope(Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT)))
                                    .build())))
                    .isEqualTo("FIELD_TOO_LONG");
            assertThat(reason(() -> server.budgets(admin)
                            .createBudget(CreateBudgetRequest.newBuilder()
                                    .setBudget(finora.api.v1.Budget.newBuilder()
                                            .setName("x")
                                            .setScope(Scope.newBuilder()
                                                    .setKind(ScopeKind.SCOPE_KIND_WORKSPACE)
                                                    .setValue("wrk\u0007")))
                                    .build())))
                    .isEqualTo("FIELD_INVALID_CHARACTERS");
        }
    }

    private static String reason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        StatusRuntimeException e =
                org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(e).as("the call fails").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return GrpcErrors.reason(e);
    }

    @Test
    void internalAddresses_areRecognised() throws Exception {
        for (String a : new String[] {
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "224.0.0.1"
        }) {
            assertThat(TargetGuard.internal(InetAddress.getByName(a))).as(a).isTrue();
        }
        for (String a : new String[] {"93.184.216.34", "2606:4700::1111", "8.8.8.8"}) {
            assertThat(TargetGuard.internal(InetAddress.getByName(a))).as(a).isFalse();
        }
    }
}
