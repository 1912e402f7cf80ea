package finora.admin.grpc;

import finora.api.v1.AnomalyDimension;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.BudgetStatus;
import finora.api.v1.CreateBudgetRequest;
import finora.api.v1.DeleteBudgetRequest;
import finora.api.v1.ListAnomaliesRequest;
import finora.api.v1.ListBudgetsRequest;
import finora.api.v1.Provider;
import finora.api.v1.Scope;
import finora.api.v1.UpdateBudgetRequest;
import io.grpc.Channel;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server's BudgetService: the tenant's budgets with their state (create, change, delete) and
 * the spend anomalies of a range. Every call carries the user's bearer token and a deadline; failures
 * arrive as {@link FinoraCallException} with the server's reason, words and the field it blamed.
 */
public final class BudgetClient {

  private final BudgetServiceGrpc.BudgetServiceBlockingStub stub;
  private final Duration deadline;
  private final String target;

  /**
   * @param channel the channel to the server; the caller owns and closes it
   * @param deadline how long a call may take
   */
  public BudgetClient(Channel channel, Duration deadline) {
    this.stub = BudgetServiceGrpc.newBlockingStub(channel);
    this.deadline = Objects.requireNonNull(deadline);
    this.target = channel.authority();
  }

  /** The tenant's budgets, oldest first, each with its current period's state. */
  public List<Budget> budgets(String token) {
    return call(() -> Calls.prepare(stub, deadline, token).listBudgets(ListBudgetsRequest.getDefaultInstance()))
        .getBudgetsList().stream()
        .map(BudgetClient::toBudget)
        .toList();
  }

  /**
   * Creates a budget.
   *
   * @throws FinoraCallException e.g. INVALID_ARGUMENT with the field, or LIMIT_REACHED
   */
  public Budget create(String token, BudgetSpec spec) {
    CreateBudgetRequest request = CreateBudgetRequest.newBuilder().setBudget(toProto(null, spec)).build();
    return toBudget(call(() -> Calls.prepare(stub, deadline, token).createBudget(request)).getBudget());
  }

  /** Replaces a budget's settings; thresholds still crossed at the new amount stay fired. */
  public Budget update(String token, String budgetId, BudgetSpec spec) {
    UpdateBudgetRequest request = UpdateBudgetRequest.newBuilder().setBudget(toProto(budgetId, spec)).build();
    return toBudget(call(() -> Calls.prepare(stub, deadline, token).updateBudget(request)).getBudget());
  }

  /** Deletes a budget with its fired-threshold history. */
  public void delete(String token, String budgetId) {
    call(() -> Calls.prepare(stub, deadline, token)
        .deleteBudget(DeleteBudgetRequest.newBuilder().setBudgetId(budgetId).build()));
  }

  /** The anomalies of the range's days, newest day first, the whole-tenant scope first within a day. */
  public List<Anomaly> anomalies(String token, DateRange range) {
    ListAnomaliesRequest request = ListAnomaliesRequest.newBuilder()
        .setStartDate(ProtoValues.date(range.start()))
        .setEndDate(ProtoValues.date(range.end()))
        .build();
    return call(() -> Calls.prepare(stub, deadline, token).listAnomalies(request))
        .getAnomaliesList().stream()
        .map(BudgetClient::toAnomaly)
        .toList();
  }

  private <T> T call(Supplier<T> call) {
    return Calls.call(call, target);
  }

  private static finora.api.v1.Budget toProto(String id, BudgetSpec spec) {
    finora.api.v1.Budget.Builder b = finora.api.v1.Budget.newBuilder()
        .setName(spec.name())
        .setPeriod(switch (spec.period()) {
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
      case PROVIDER -> s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_PROVIDER)
          .setProvider(scope.provider() == AiProvider.ANTHROPIC ? Provider.PROVIDER_ANTHROPIC
              : scope.provider() == AiProvider.OPENAI ? Provider.PROVIDER_OPENAI : Provider.PROVIDER_UNSPECIFIED);
      case WORKSPACE -> s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_WORKSPACE);
      case MODEL_FAMILY -> s.setKind(finora.api.v1.ScopeKind.SCOPE_KIND_MODEL_FAMILY);
    }
    return s.build();
  }

  private static SpendScope toScope(Scope s) {
    ScopeKind kind = switch (s.getKind()) {
      case SCOPE_KIND_PROVIDER -> ScopeKind.PROVIDER;
      case SCOPE_KIND_WORKSPACE -> ScopeKind.WORKSPACE;
      case SCOPE_KIND_MODEL_FAMILY -> ScopeKind.MODEL_FAMILY;
      default -> ScopeKind.TENANT;
    };
    AiProvider provider = s.getProvider() == Provider.PROVIDER_ANTHROPIC ? AiProvider.ANTHROPIC
        : s.getProvider() == Provider.PROVIDER_OPENAI ? AiProvider.OPENAI : null;
    return new SpendScope(kind, provider, s.getValue(), s.getDisplayName());
  }

  private static Budget toBudget(finora.api.v1.Budget b) {
    BudgetSpec spec = new BudgetSpec(b.getName(),
        b.getPeriod() == finora.api.v1.BudgetPeriod.BUDGET_PERIOD_QUARTERLY ? BudgetPeriod.QUARTERLY
            : BudgetPeriod.MONTHLY,
        ProtoValues.usd(b.getAmount()), toScope(b.getScope()), b.getThresholdsPercentList());
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
        s.getThresholdsList().stream().map(t -> new Budget.Threshold(
            t.getPercent(),
            ProtoValues.usd(t.getAmount()),
            t.getCrossed(),
            t.hasCrossedDate() ? ProtoValues.date(t.getCrossedDate()) : null,
            t.hasForecastDate() ? ProtoValues.date(t.getForecastDate()) : null,
            t.getFired(),
            t.hasFireTime() ? ProtoValues.instant(t.getFireTime()) : null)).toList());
    return new Budget(b.getBudgetId(), spec, status);
  }

  private static BigDecimal percent(String text) {
    return text.isBlank() ? BigDecimal.ZERO : new BigDecimal(text);
  }

  private static Anomaly toAnomaly(finora.api.v1.Anomaly a) {
    return new Anomaly(
        a.getAnomalyId(),
        ProtoValues.date(a.getDay()),
        toScope(a.getScope()),
        ProtoValues.usd(a.getExpected()),
        ProtoValues.usd(a.getUpperBound()),
        ProtoValues.usd(a.getActual()),
        a.getBaselineDays(),
        a.getDriversList().stream()
            .flatMap(d -> dimension(d.getDimension()).map(dim -> new Anomaly.Driver(dim, d.getValue(),
                d.getDisplayName(), ProtoValues.usd(d.getExpected()), ProtoValues.usd(d.getActual()),
                ProtoValues.usd(d.getIncrease()))).stream())
            .toList(),
        a.getRestated(),
        a.hasDetectTime() ? ProtoValues.instant(a.getDetectTime()) : null);
  }

  private static Optional<Anomaly.Dimension> dimension(AnomalyDimension d) {
    return switch (d) {
      case ANOMALY_DIMENSION_WORKSPACE -> Optional.of(Anomaly.Dimension.WORKSPACE);
      case ANOMALY_DIMENSION_MODEL -> Optional.of(Anomaly.Dimension.MODEL);
      case ANOMALY_DIMENSION_TOKEN_TYPE -> Optional.of(Anomaly.Dimension.TOKEN_TYPE);
      default -> Optional.empty();
    };
  }
}
