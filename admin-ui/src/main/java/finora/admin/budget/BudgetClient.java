package finora.admin.budget;

import finora.admin.grpc.CallDeadlines;
import finora.admin.grpc.ProtoValues;
import finora.admin.grpc.ServiceStub;
import finora.admin.settings.AiProvider;
import finora.admin.spend.AnomalyClient;
import finora.admin.spend.SpendScope;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.BudgetStatus;
import finora.api.v1.CreateBudgetRequest;
import finora.api.v1.DeleteBudgetRequest;
import finora.api.v1.ListBudgetsRequest;
import finora.api.v1.Provider;
import finora.api.v1.Scope;
import finora.api.v1.UpdateBudgetRequest;
import io.grpc.Channel;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The server's BudgetService: the tenant's budgets with their state (create, change, delete). The
 * anomalies it also lists belong to the Spend page ({@link AnomalyClient}). Every call carries the
 * user's bearer token and a deadline; failures
 * arrive as {@link FinoraCallException} with the server's reason, words and the field it blamed.
 */
@Component
public final class BudgetClient {

    private final ServiceStub<BudgetServiceGrpc.BudgetServiceBlockingStub> stub;
    private final Duration deadline;

    /** The client Spring wires: on the shared channel, with the configured deadlines. */
    @Autowired
    BudgetClient(Channel finoraChannel, CallDeadlines deadlines) {
        this(finoraChannel, deadlines.call());
    }

    /**
     * @param channel the channel to the server; the caller owns and closes it
     * @param deadline how long a call may take
     */
    public BudgetClient(Channel channel, Duration deadline) {
        this.stub = new ServiceStub<>(channel, BudgetServiceGrpc::newBlockingStub);
        this.deadline = Objects.requireNonNull(deadline);
    }

    /** The tenant's budgets, oldest first, each with its current period's state. */
    public List<Budget> budgets(String token) {
        return stub
                .call(token, deadline, s -> s.listBudgets(ListBudgetsRequest.getDefaultInstance()))
                .getBudgetsList()
                .stream()
                .map(BudgetClient::toBudget)
                .toList();
    }

    /**
     * Creates a budget.
     *
     * @throws FinoraCallException e.g. INVALID_ARGUMENT with the field, or LIMIT_REACHED
     */
    public Budget create(String token, BudgetSpec spec) {
        CreateBudgetRequest request =
                CreateBudgetRequest.newBuilder().setBudget(toProto(null, spec)).build();
        return toBudget(stub.call(token, deadline, s -> s.createBudget(request)).getBudget());
    }

    /** Replaces a budget's settings; thresholds still crossed at the new amount stay fired. */
    public Budget update(String token, String budgetId, BudgetSpec spec) {
        UpdateBudgetRequest request = UpdateBudgetRequest.newBuilder()
                .setBudget(toProto(budgetId, spec))
                .build();
        return toBudget(stub.call(token, deadline, s -> s.updateBudget(request)).getBudget());
    }

    /** Deletes a budget with its fired-threshold history. */
    public void delete(String token, String budgetId) {
        stub.call(
                token,
                deadline,
                s -> s.deleteBudget(
                        DeleteBudgetRequest.newBuilder().setBudgetId(budgetId).build()));
    }

    private static finora.api.v1.Budget toProto(String id, BudgetSpec spec) {
        finora.api.v1.Budget.Builder b = finora.api.v1.Budget.newBuilder()
                .setName(spec.name())
                .setPeriod(
                        switch (spec.period()) {
                            case MONTHLY -> finora.api.v1.BudgetPeriod.BUDGET_PERIOD_MONTHLY;
                            case QUARTERLY -> finora.api.v1.BudgetPeriod.BUDGET_PERIOD_QUARTERLY;
                        })
                .setAmount(ProtoValues.money(spec.amount()))
                .setScope(toProto(spec.scope()))
                .addAllThresholdsPercent(spec.thresholdsPercent());
        if (id != null) {
            b.setBudgetId(id);
        }
        return b.build();
    }

    private static Scope toProto(SpendScope scope) {
        Scope.Builder s = Scope.newBuilder().setValue(scope.value());
        switch (scope.kind()) {
            case TENANT -> s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_TENANT);
            case PROVIDER ->
                s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_PROVIDER)
                        .setProvider(
                                scope.provider() == AiProvider.ANTHROPIC
                                        ? Provider.PROVIDER_ANTHROPIC
                                        : scope.provider() == AiProvider.OPENAI
                                                ? Provider.PROVIDER_OPENAI
                                                : Provider.PROVIDER_UNSPECIFIED);
            case WORKSPACE -> s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_WORKSPACE);
            case MODEL_FAMILY -> s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_MODEL_FAMILY);
        }
        return s.build();
    }

    private static Budget toBudget(finora.api.v1.Budget b) {
        BudgetSpec spec = new BudgetSpec(
                b.getName(),
                b.getPeriod() == finora.api.v1.BudgetPeriod.BUDGET_PERIOD_QUARTERLY
                        ? BudgetPeriod.QUARTERLY
                        : BudgetPeriod.MONTHLY,
                ProtoValues.usd(b.getAmount()),
                AnomalyClient.scopeOf(b.getScope()),
                b.getThresholdsPercentList());
        BudgetStatus s = b.getStatus();
        Budget.Status status = new Budget.Status(
                s.hasPeriodStart() ? ProtoValues.date(s.getPeriodStart()) : null,
                s.hasPeriodEnd() ? ProtoValues.date(s.getPeriodEnd()) : null,
                ProtoValues.usd(s.getSpent()),
                s.hasSpentThrough() ? ProtoValues.date(s.getSpentThrough()) : null,
                s.getIncludesEstimate(),
                ProtoValues.usd(s.getDailyRunRate()),
                ProtoValues.usd(s.getForecast()),
                percent(s.getSpentPercent()),
                percent(s.getForecastPercent()),
                s.getThresholdsList().stream()
                        .map(t -> new Budget.Threshold(
                                t.getPercent(),
                                ProtoValues.usd(t.getAmount()),
                                t.getCrossed(),
                                t.hasCrossedDate() ? ProtoValues.date(t.getCrossedDate()) : null,
                                t.hasForecastDate() ? ProtoValues.date(t.getForecastDate()) : null,
                                t.getFired(),
                                t.hasFireTime() ? ProtoValues.instant(t.getFireTime()) : null))
                        .toList());
        return new Budget(b.getBudgetId(), spec, status);
    }

    private static BigDecimal percent(String text) {
        return text.isBlank() ? BigDecimal.ZERO : new BigDecimal(text);
    }
}
