package finora.server.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.type.Money;
import finora.api.v1.Anomaly;
import finora.api.v1.AnomalyDimension;
import finora.api.v1.Budget;
import finora.api.v1.BudgetPeriod;
import finora.api.v1.ConnectProviderRequest;
import finora.api.v1.CreateBudgetRequest;
import finora.api.v1.CreateNotificationChannelRequest;
import finora.api.v1.DeleteConnectionRequest;
import finora.api.v1.DeliveryStatus;
import finora.api.v1.GetBudgetRequest;
import finora.api.v1.ListAnomaliesRequest;
import finora.api.v1.ListNotificationDeliveriesRequest;
import finora.api.v1.Provider;
import finora.api.v1.Scope;
import finora.api.v1.ScopeKind;
import finora.api.v1.WebhookTarget;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.grpc.ProtoValues;
import finora.server.testing.MutableClock;
import finora.server.testing.TestServer;
import finora.server.testing.WebhookReceiver;
import finora.sim.AnthropicSim;
import finora.sim.CostLineItem;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets and anomalies after real syncs: anthropic-sim, the real server wiring on real PostgreSQL,
 * and a signed-webhook receiver on an ephemeral loopback port.
 */
class BudgetAlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_0123456789abcdefghijklmnopqrstuvwxyz";
    /** 10:00Z on a Wednesday; the last closed day is 2026-11-24. */
    private static final LocalDate TODAY = LocalDate.ofInstant(TestServer.START, ZoneOffset.UTC);

    private final MutableClock clock = new MutableClock(TestServer.START);
    private AnthropicSim sim;
    private TestServer server;
    private WebhookReceiver receiver;
    private String admin;

    @BeforeEach
    void start() throws Exception {
        sim = AnthropicSim.start(0, SimConfig.defaults().withClock(clock));
        server = TestServer.start(
                Map.of(
                        "FINORA_ANTHROPIC_BASE_URL",
                        sim.baseUrl(),
                        "FINORA_NOTIFY_ALLOW_PRIVATE_TARGETS",
                        "true",
                        "FINORA_NOTIFY_RETRY_INITIAL_MS",
                        "10",
                        "FINORA_NOTIFY_RETRY_MAX_MS",
                        "50"),
                clock);
        receiver = WebhookReceiver.start();
        admin = server.token(server.tenant("acme", Plan.GROWTH), Role.ADMIN);
        server.notifications(admin)
                .createNotificationChannel(CreateNotificationChannelRequest.newBuilder()
                        .setName("ops hook")
                        .setWebhook(WebhookTarget.newBuilder()
                                .setUrl(receiver.url())
                                .setSigningSecret(SECRET))
                        .build());
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        server.close();
        sim.close();
    }

    @Test
    void budgetCrossing80Percent_sendsExactlyOneSignedWebhook_evenAfterARestatedDay() throws Exception {
        LocalDate monthStart = TODAY.withDayOfMonth(1);
        BigDecimal spent = sim.truth(SimKeys.ORG_A_ID, monthStart, TODAY).totalUsd();
        BigDecimal amount = spent.divide(new BigDecimal("0.85"), 2, RoundingMode.UP); // spend is 85 % of it
        Budget created = server.budgets(admin)
                .createBudget(CreateBudgetRequest.newBuilder()
                        .setBudget(Budget.newBuilder()
                                .setName("AI total")
                                .setPeriod(BudgetPeriod.BUDGET_PERIOD_MONTHLY)
                                .setAmount(money(amount))
                                .setScope(Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT))
                                .addThresholdsPercent(80)
                                .addThresholdsPercent(100))
                        .build())
                .getBudget();
        assertThat(created.getStatus().getThresholdsList()).noneMatch(t -> t.getFired());

        connectAndSync();
        await("the budget webhook", () -> budgetHooks().size() == 1);
        awaitDeliveriesSettled();

        WebhookReceiver.Received hook = budgetHooks().get(0);
        assertSignedWithSecret(hook);
        JsonNode event = JSON.readTree(hook.body());
        assertThat(event.path("summary").asText()).contains("AI total").contains("80 %");
        assertThat(event.path("data").path("threshold_percent").asInt()).isEqualTo(80);
        assertThat(new BigDecimal(event.path("data").path("spent_usd").asText()))
                .isEqualByComparingTo(spent);
        Budget state = server.budgets(admin)
                .getBudget(GetBudgetRequest.newBuilder()
                        .setBudgetId(created.getBudgetId())
                        .build())
                .getBudget();
        assertThat(state.getStatus().getSpentThrough()).isEqualTo(ProtoValues.date(TODAY.minusDays(1)));
        assertThat(state.getStatus().getSpentPercent()).isEqualTo("85.0");
        assertThat(state.getStatus().getThresholds(0).getFired()).isTrue();
        assertThat(state.getStatus().getThresholds(0).getCrossedDate().getMonth())
                .isEqualTo(11);
        assertThat(state.getStatus().getThresholds(1).getCrossed()).isFalse();
        assertThat(state.getStatus().getThresholds(1).getFired()).isFalse();

        // The provider restates yesterday, a day later the next sync stores it and one more day: 80 % stays announced
        // once.
        sim.restateDay(SimKeys.ORG_A_ID, TODAY.minusDays(1));
        clock.advance(Duration.ofHours(25));
        assertThat(server.app().scheduler().runDueNow()).isEqualTo(1);
        awaitDeliveriesSettled();
        assertThat(budgetHooks()).hasSize(budgetFired100() ? 2 : 1);
        assertThat(budgetHooks().stream().filter(h -> percentOf(h) == 80)).hasSize(1);
    }

    @Test
    void todaysEstimate_countsTowardsATenantBudget_markedAsSuch_andFiresOnce() throws Exception {
        sim.setAnalyticsAvailable(true); // the Cost Analytics API gives hourly spend of today
        LocalDate monthStart = TODAY.withDayOfMonth(1);
        BigDecimal closed = sim.truth(SimKeys.ORG_A_ID, monthStart, TODAY).totalUsd();
        BigDecimal estimate =
                sim.truth(SimKeys.ORG_A_ID, TODAY, TODAY.plusDays(1)).hoursThroughUsd(TODAY, TestServer.START);
        assertThat(estimate).isPositive();
        // 80 % lies between the closed days alone and the closed days with today's estimate.
        BigDecimal amount =
                closed.add(estimate.divide(BigDecimal.TWO)).divide(new BigDecimal("0.8"), 2, RoundingMode.HALF_UP);
        String tenantWide = createBudget(
                "with today",
                amount,
                Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT).build(),
                80);
        String workspace = createBudget(
                "default workspace",
                amount,
                Scope.newBuilder()
                        .setKind(ScopeKind.SCOPE_KIND_WORKSPACE)
                        .setValue("default")
                        .build(),
                80);

        connectAndSync();
        await("the budget webhook", () -> budgetHooks().size() == 1);
        JsonNode event = read(budgetHooks().get(0));
        assertThat(event.path("data").path("budget_id").asText()).isEqualTo(tenantWide);
        assertThat(event.path("data").path("includes_estimate").asBoolean()).isTrue();
        assertThat(event.path("details").asText()).contains("including today's estimate");
        assertThat(new BigDecimal(event.path("data").path("spent_usd").asText()))
                .isEqualByComparingTo(closed.add(estimate));
        var status = server.budgets(admin)
                .getBudget(GetBudgetRequest.newBuilder().setBudgetId(tenantWide).build())
                .getBudget()
                .getStatus();
        assertThat(status.getIncludesEstimate()).isTrue();
        assertThat(usd(status.getSpent())).isEqualByComparingTo(closed.add(estimate));
        assertThat(status.getSpentThrough())
                .as("closed days end yesterday")
                .isEqualTo(ProtoValues.date(TODAY.minusDays(1)));
        var perWorkspace = server.budgets(admin)
                .getBudget(GetBudgetRequest.newBuilder().setBudgetId(workspace).build())
                .getBudget()
                .getStatus();
        assertThat(perWorkspace.getIncludesEstimate())
                .as("the estimate has no workspace breakdown")
                .isFalse();

        // An hour later the estimate grows; 80 % stays announced once.
        clock.advance(Duration.ofHours(1));
        server.app().scheduler().runDueNow();
        awaitDeliveriesSettled();
        assertThat(budgetHooks().stream().filter(h -> percentOf(h) == 80)).hasSize(1);
    }

    @Test
    void spikedDay_yieldsOneAnomalyNamingTheSpikedWorkspace_andItsRestatementDoesNotFireTwice() throws Exception {
        LocalDate spiked = TODAY.minusDays(1); // still PROVISIONAL after the first sync, so the next one re-fetches it
        String workspace = spike(spiked, 30);

        connectAndSync();
        List<Anomaly> anomalies = anomalies();
        assertThat(anomalies).as("anomalies of the last week").hasSize(1);
        Anomaly anomaly = anomalies.get(0);
        assertThat(anomaly.getDay()).isEqualTo(ProtoValues.date(spiked));
        assertThat(anomaly.getScope().getKind()).isEqualTo(ScopeKind.SCOPE_KIND_TENANT);
        assertThat(anomaly.getRestated()).isFalse();
        assertThat(anomaly.getBaselineDays()).isEqualTo(8);
        assertThat(usd(anomaly.getActual())).isGreaterThan(usd(anomaly.getUpperBound()));
        assertThat(anomaly.getDriversList().stream()
                        .filter(d -> d.getDimension() == AnomalyDimension.ANOMALY_DIMENSION_WORKSPACE)
                        .findFirst()
                        .orElseThrow()
                        .getValue())
                .isEqualTo(workspace);
        await("the anomaly webhook", () -> anomalyHooks().size() == 1);
        JsonNode event = JSON.readTree(anomalyHooks().get(0).body());
        assertSignedWithSecret(anomalyHooks().get(0));
        assertThat(event.path("data").path("drivers").findValuesAsText("value")).contains(workspace);

        // The provider restates the spiked day (still a spike, a different one); the next sync stores it.
        spike(spiked, 25);
        clock.advance(Duration.ofHours(25));
        assertThat(server.app().scheduler().runDueNow()).isEqualTo(1);
        awaitDeliveriesSettled();
        List<Anomaly> after = anomalies().stream()
                .filter(a -> a.getDay().equals(ProtoValues.date(spiked)))
                .toList();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).getAnomalyId()).isEqualTo(anomaly.getAnomalyId());
        assertThat(after.get(0).getRestated()).isTrue();
        assertThat(after.get(0).hasRestateTime()).isTrue();
        assertThat(usd(after.get(0).getActual())).isNotEqualByComparingTo(usd(anomaly.getActual()));
        assertThat(anomalyHooks().stream().filter(h -> spiked.toString().equals(day(h))))
                .hasSize(1);
    }

    @Test
    void removeThenReconnect_countsTheOrganizationOnce_inBudgetsAndAnomalies() throws Exception {
        LocalDate monthStart = TODAY.withDayOfMonth(1);
        BigDecimal before = sim.truth(SimKeys.ORG_A_ID, monthStart, TODAY).totalUsd();
        BigDecimal amount = before.multiply(BigDecimal.valueOf(4)).setScale(2, RoundingMode.UP); // far from 50 %
        String tenantBudget = createBudget(
                "AI total",
                amount,
                Scope.newBuilder().setKind(ScopeKind.SCOPE_KIND_TENANT).build());
        String providerBudget = createBudget(
                "Anthropic",
                amount,
                Scope.newBuilder()
                        .setKind(ScopeKind.SCOPE_KIND_PROVIDER)
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .build());

        String first = connectAndSync();
        assertSpent(tenantBudget, before, TODAY.minusDays(1));
        assertSpent(providerBudget, before, TODAY.minusDays(1));

        // Removed: the history stays (history only) and still counts.
        server.integrations(admin)
                .deleteConnection(DeleteConnectionRequest.newBuilder()
                        .setConnectionId(first)
                        .build());
        assertSpent(tenantBudget, before, TODAY.minusDays(1));
        assertSpent(providerBudget, before, TODAY.minusDays(1));

        // A day later the same organization is connected again: its history continues, nothing doubles.
        clock.advance(Duration.ofDays(1));
        String again = connectAndSync();
        assertThat(again).isNotEqualTo(first);
        LocalDate today = TODAY.plusDays(1);
        BigDecimal truth = sim.truth(SimKeys.ORG_A_ID, monthStart, today).totalUsd();
        assertThat(truth).isGreaterThan(before);
        assertSpent(tenantBudget, truth, today.minusDays(1));
        assertSpent(providerBudget, truth, today.minusDays(1));
        awaitDeliveriesSettled();
        assertThat(budgetHooks()).as("no threshold crossed by a doubled total").isEmpty();
        assertThat(anomalies())
                .as("no spike made of a second copy of the same days")
                .isEmpty();
        assertThat(anomalyHooks()).isEmpty();
    }

    private String createBudget(String name, BigDecimal amount, Scope scope) {
        return createBudget(name, amount, scope, 50);
    }

    private String createBudget(String name, BigDecimal amount, Scope scope, int thresholdPercent) {
        return server.budgets(admin)
                .createBudget(CreateBudgetRequest.newBuilder()
                        .setBudget(Budget.newBuilder()
                                .setName(name)
                                .setPeriod(BudgetPeriod.BUDGET_PERIOD_MONTHLY)
                                .setAmount(money(amount))
                                .setScope(scope)
                                .addThresholdsPercent(thresholdPercent))
                        .build())
                .getBudget()
                .getBudgetId();
    }

    private void assertSpent(String budgetId, BigDecimal expected, LocalDate through) {
        var status = server.budgets(admin)
                .getBudget(GetBudgetRequest.newBuilder().setBudgetId(budgetId).build())
                .getBudget()
                .getStatus();
        assertThat(usd(status.getSpent())).as("spent of budget " + budgetId).isEqualByComparingTo(expected);
        assertThat(status.getSpentThrough()).isEqualTo(ProtoValues.date(through));
    }

    /** Multiplies one workspace's spend on {@code day} in the simulator; returns the workspace id. */
    private String spike(LocalDate day, int factor) {
        List<CostLineItem> original =
                sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items();
        String workspace = original.stream()
                .map(CostLineItem::workspaceId)
                .filter(Objects::nonNull)
                .collect(Collectors.groupingBy(w -> w, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        // From the generated day, not the current one, so a second spike replaces the first.
        sim.reset();
        List<CostLineItem> generated =
                sim.truth(SimKeys.ORG_A_ID, day, day.plusDays(1)).items();
        sim.replaceDay(
                SimKeys.ORG_A_ID,
                day,
                generated.stream()
                        .map(i -> workspace.equals(i.workspaceId())
                                ? i.withAmountCents(i.amountCents().multiply(BigDecimal.valueOf(factor)))
                                : i)
                        .toList());
        return workspace;
    }

    /** Connects organization A and runs its first sync; returns the connection id. */
    private String connectAndSync() {
        String id = server.integrations(admin)
                .connectProvider(ConnectProviderRequest.newBuilder()
                        .setProvider(Provider.PROVIDER_ANTHROPIC)
                        .setAdminApiKey(SimKeys.ORG_A_ADMIN_KEY)
                        .build())
                .getConnection()
                .getConnectionId();
        assertThat(server.app().scheduler().runDueNow()).isEqualTo(1);
        return id;
    }

    private List<Anomaly> anomalies() {
        return server.budgets(admin)
                .listAnomalies(ListAnomaliesRequest.newBuilder()
                        .setStartDate(ProtoValues.date(TODAY.minusDays(7)))
                        .setEndDate(ProtoValues.date(TODAY))
                        .build())
                .getAnomaliesList();
    }

    private List<WebhookReceiver.Received> hooks(String type) {
        return receiver.received().stream().filter(r -> type.equals(type(r))).toList();
    }

    private List<WebhookReceiver.Received> budgetHooks() {
        return hooks("budget.threshold_crossed");
    }

    private List<WebhookReceiver.Received> anomalyHooks() {
        return hooks("anomaly.detected");
    }

    private boolean budgetFired100() {
        return budgetHooks().stream().anyMatch(h -> percentOf(h) == 100);
    }

    private static String type(WebhookReceiver.Received r) {
        return read(r).path("type").asText();
    }

    private static int percentOf(WebhookReceiver.Received r) {
        return read(r).path("data").path("threshold_percent").asInt();
    }

    private static String day(WebhookReceiver.Received r) {
        return read(r).path("data").path("day").asText();
    }

    private static JsonNode read(WebhookReceiver.Received r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** What a receiver does: recompute HMAC-SHA256(secret, "{timestamp}.{body}") and check the timestamp. */
    private void assertSignedWithSecret(WebhookReceiver.Received hook) throws Exception {
        String timestamp = hook.header("Finora-Timestamp");
        assertThat(Long.parseLong(timestamp))
                .isCloseTo(clock.instant().getEpochSecond(), org.assertj.core.data.Offset.offset(300L));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(hook.body()));
        assertThat(hook.header("Finora-Signature")).isEqualTo(expected);
        assertThat(hook.header("Finora-Event-Id"))
                .isEqualTo(read(hook).path("id").asText());
    }

    /** Waits until no delivery is PENDING (every queued alert was delivered or failed). */
    private void awaitDeliveriesSettled() throws InterruptedException {
        await(
                "deliveries to settle",
                () -> server
                        .notifications(admin)
                        .listNotificationDeliveries(ListNotificationDeliveriesRequest.newBuilder()
                                .setPageSize(200)
                                .build())
                        .getDeliveriesList()
                        .stream()
                        .noneMatch(d -> d.getStatus() == DeliveryStatus.DELIVERY_STATUS_PENDING));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static Money money(BigDecimal usd) {
        BigDecimal units = usd.setScale(0, RoundingMode.DOWN);
        return Money.newBuilder()
                .setCurrencyCode("USD")
                .setUnits(units.longValueExact())
                .setNanos(usd.subtract(units).movePointRight(9).intValueExact())
                .build();
    }

    private static BigDecimal usd(Money m) {
        return BigDecimal.valueOf(m.getUnits()).add(BigDecimal.valueOf(m.getNanos(), 9));
    }
}
