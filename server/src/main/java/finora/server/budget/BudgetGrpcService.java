package finora.server.budget;

import static finora.server.grpc.ProtoValues.date;
import static finora.server.grpc.ProtoValues.respond;
import static finora.server.grpc.ProtoValues.timestamp;

import com.google.type.Money;
import finora.api.v1.AnomalyDimension;
import finora.api.v1.AnomalyDriver;
import finora.api.v1.BudgetServiceGrpc;
import finora.api.v1.BudgetStatus;
import finora.api.v1.CreateBudgetRequest;
import finora.api.v1.CreateBudgetResponse;
import finora.api.v1.DeleteBudgetRequest;
import finora.api.v1.DeleteBudgetResponse;
import finora.api.v1.GetBudgetRequest;
import finora.api.v1.GetBudgetResponse;
import finora.api.v1.ListAnomaliesRequest;
import finora.api.v1.ListAnomaliesResponse;
import finora.api.v1.ListBudgetsRequest;
import finora.api.v1.ListBudgetsResponse;
import finora.api.v1.ScopeKind;
import finora.api.v1.ThresholdStatus;
import finora.api.v1.UpdateBudgetRequest;
import finora.api.v1.UpdateBudgetResponse;
import finora.server.auth.Principal;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.grpc.UsdMoney;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Map;

/** {@code finora.v1.BudgetService}: translates between protos and {@link Budgets} / {@link Anomalies}. */
public final class BudgetGrpcService extends BudgetServiceGrpc.BudgetServiceImplBase {
    /** How the API names the Default workspace (stored as ''). */
    static final String DEFAULT_WORKSPACE = "default";

    private final Budgets budgets;
    private final Anomalies anomalies;

    BudgetGrpcService(Budgets budgets, Anomalies anomalies) {
        this.budgets = budgets;
        this.anomalies = anomalies;
    }

    @Override
    public void createBudget(CreateBudgetRequest request, StreamObserver<CreateBudgetResponse> response) {
        Budget b = budgets.create(Principal.current(), spec(request.getBudget()));
        respond(
                response,
                CreateBudgetResponse.newBuilder().setBudget(toProto(b)).build());
    }

    @Override
    public void updateBudget(UpdateBudgetRequest request, StreamObserver<UpdateBudgetResponse> response) {
        Budget b = budgets.update(
                Principal.current(), Budgets.parseId(request.getBudget().getBudgetId()), spec(request.getBudget()));
        respond(
                response,
                UpdateBudgetResponse.newBuilder().setBudget(toProto(b)).build());
    }

    @Override
    public void deleteBudget(DeleteBudgetRequest request, StreamObserver<DeleteBudgetResponse> response) {
        budgets.delete(Principal.current(), Budgets.parseId(request.getBudgetId()));
        respond(response, DeleteBudgetResponse.getDefaultInstance());
    }

    @Override
    public void listBudgets(ListBudgetsRequest request, StreamObserver<ListBudgetsResponse> response) {
        var b = ListBudgetsResponse.newBuilder();
        budgets.list(Principal.current()).forEach(budget -> b.addBudgets(toProto(budget)));
        respond(response, b.build());
    }

    @Override
    public void getBudget(GetBudgetRequest request, StreamObserver<GetBudgetResponse> response) {
        Budget b = budgets.get(Principal.current(), Budgets.parseId(request.getBudgetId()));
        respond(response, GetBudgetResponse.newBuilder().setBudget(toProto(b)).build());
    }

    @Override
    public void listAnomalies(ListAnomaliesRequest request, StreamObserver<ListAnomaliesResponse> response) {
        if (!request.hasStartDate() || !request.hasEndDate()) {
            throw new FinoraException(ErrorReason.INVALID_RANGE, "start_date and end_date are required");
        }
        var b = ListAnomaliesResponse.newBuilder();
        for (Anomaly a : anomalies.list(
                Principal.current().tenantId(),
                day(request.getStartDate(), "start_date"),
                day(request.getEndDate(), "end_date"))) {
            var p = finora.api.v1.Anomaly.newBuilder()
                    .setAnomalyId(a.id().toString())
                    .setDay(date(a.day()))
                    .setScope(toProto(a.scope(), workspaceName(a)))
                    .setExpected(UsdMoney.of(a.expected()))
                    .setUpperBound(UsdMoney.of(a.upperBound()))
                    .setActual(UsdMoney.of(a.actual()))
                    .setBaselineDays(a.baselineDays())
                    .setRestated(a.restated())
                    .setDetectTime(timestamp(a.detectedAt()));
            if (a.restatedAt() != null) {
                p.setRestateTime(timestamp(a.restatedAt()));
            }
            for (Anomaly.Driver d : a.drivers()) {
                p.addDrivers(AnomalyDriver.newBuilder()
                        .setDimension(
                                switch (d.dimension()) {
                                    case WORKSPACE -> AnomalyDimension.ANOMALY_DIMENSION_WORKSPACE;
                                    case MODEL -> AnomalyDimension.ANOMALY_DIMENSION_MODEL;
                                    case TOKEN_TYPE -> AnomalyDimension.ANOMALY_DIMENSION_TOKEN_TYPE;
                                })
                        .setValue(
                                d.dimension() == SpendRepository.Dimension.WORKSPACE
                                                && d.value().isEmpty()
                                        ? DEFAULT_WORKSPACE
                                        : d.value())
                        .setDisplayName(d.displayName())
                        .setExpected(UsdMoney.of(d.expected()))
                        .setActual(UsdMoney.of(d.actual()))
                        .setIncrease(UsdMoney.of(d.increase())));
            }
            b.addAnomalies(p);
        }
        respond(response, b.build());
    }

    /** The workspace scope's name, as the drivers of the anomaly know it. */
    private static String workspaceName(Anomaly a) {
        if (a.scope().kind() != Scope.Kind.WORKSPACE) {
            return "";
        }
        return a.drivers().stream()
                .filter(d -> d.dimension() == SpendRepository.Dimension.WORKSPACE
                        && d.value().equals(a.scope().value()))
                .map(Anomaly.Driver::displayName)
                .findFirst()
                .orElse("");
    }

    private static Budget.Spec spec(finora.api.v1.Budget budget) {
        BudgetPeriod p = switch (budget.getPeriod()) {
            case BUDGET_PERIOD_MONTHLY -> BudgetPeriod.MONTHLY;
            case BUDGET_PERIOD_QUARTERLY -> BudgetPeriod.QUARTERLY;
            case BUDGET_PERIOD_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        return new Budget.Spec(
                budget.getName(),
                p,
                budget.hasAmount() ? usd(budget.getAmount()) : null,
                budget.hasScope() ? scope(budget.getScope()) : null,
                budget.getThresholdsPercentList());
    }

    private static BigDecimal usd(Money money) {
        if (!money.getCurrencyCode().isEmpty() && !"USD".equals(money.getCurrencyCode())) {
            throw FinoraException.invalidField("amount.currency_code", "Budgets are in USD");
        }
        if (money.getNanos() < 0 || money.getNanos() > 999_999_999 || money.getUnits() < 0) {
            throw FinoraException.invalidField("amount", "The amount must be positive (units and nanos at least 0)");
        }
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
    }

    private static Scope scope(finora.api.v1.Scope scope) {
        return switch (scope.getKind()) {
            case SCOPE_KIND_TENANT -> Scope.TENANT;
            case SCOPE_KIND_PROVIDER -> {
                String provider = finora.server.grpc.ProtoValues.providerName(scope.getProvider());
                if (provider == null) {
                    throw FinoraException.invalidField(
                            "scope.provider", "Choose a provider: PROVIDER_ANTHROPIC or PROVIDER_OPENAI");
                }
                yield new Scope(Scope.Kind.PROVIDER, provider);
            }
            case SCOPE_KIND_WORKSPACE -> {
                if (scope.getValue().isBlank()) {
                    throw FinoraException.invalidField(
                            "scope.value", "Give the workspace id (\"default\" for the Default workspace)");
                }
                yield new Scope(
                        Scope.Kind.WORKSPACE, DEFAULT_WORKSPACE.equals(scope.getValue()) ? "" : scope.getValue());
            }
            case SCOPE_KIND_MODEL_FAMILY -> new Scope(Scope.Kind.MODEL_FAMILY, scope.getValue());
            case SCOPE_KIND_UNSPECIFIED, UNRECOGNIZED ->
                throw FinoraException.invalidField(
                        "scope.kind", "Choose a scope kind (SCOPE_KIND_TENANT for all spend)");
        };
    }

    private static finora.api.v1.Scope toProto(Scope scope, String displayName) {
        var b = finora.api.v1.Scope.newBuilder();
        switch (scope.kind()) {
            case TENANT -> b.setKind(ScopeKind.SCOPE_KIND_TENANT).setDisplayName("All spend");
            case PROVIDER ->
                b.setKind(ScopeKind.SCOPE_KIND_PROVIDER)
                        .setProvider(finora.server.grpc.ProtoValues.provider(scope.value()))
                        .setDisplayName("OPENAI".equals(scope.value()) ? "OpenAI" : "Anthropic");
            case WORKSPACE ->
                b.setKind(ScopeKind.SCOPE_KIND_WORKSPACE)
                        .setValue(scope.value().isEmpty() ? DEFAULT_WORKSPACE : scope.value())
                        .setDisplayName(
                                !displayName.isEmpty()
                                        ? displayName
                                        : scope.value().isEmpty() ? "Default" : scope.value());
            case MODEL_FAMILY ->
                b.setKind(ScopeKind.SCOPE_KIND_MODEL_FAMILY)
                        .setValue(scope.value())
                        .setDisplayName(scope.value());
        }
        return b.build();
    }

    private finora.api.v1.Budget toProto(Budget b) {
        BudgetState s = budgets.state(b);
        var status = BudgetStatus.newBuilder()
                .setPeriodStart(date(s.periodStart()))
                .setPeriodEnd(date(s.periodEnd()))
                .setSpent(UsdMoney.of(s.spent()))
                .setIncludesEstimate(s.includesEstimate())
                .setDailyRunRate(UsdMoney.of(s.dailyRunRate()))
                .setForecast(UsdMoney.of(s.forecast()))
                .setSpentPercent(BudgetForecast.percent(s.spent(), b.amount()))
                .setForecastPercent(BudgetForecast.percent(s.forecast(), b.amount()));
        if (s.spentThrough() != null) {
            status.setSpentThrough(date(s.spentThrough()));
        }
        for (BudgetState.Threshold t : s.thresholds()) {
            var tb = ThresholdStatus.newBuilder()
                    .setPercent(t.percent())
                    .setAmount(UsdMoney.of(t.amount()))
                    .setCrossed(t.crossed())
                    .setFired(t.firedAt() != null);
            if (t.crossedDate() != null) {
                tb.setCrossedDate(date(t.crossedDate()));
            }
            if (t.forecastDate() != null) {
                tb.setForecastDate(date(t.forecastDate()));
            }
            if (t.firedAt() != null) {
                tb.setFireTime(timestamp(t.firedAt()));
            }
            status.addThresholds(tb);
        }
        return finora.api.v1.Budget.newBuilder()
                .setBudgetId(b.id().toString())
                .setName(b.name())
                .setPeriod(
                        b.period() == BudgetPeriod.MONTHLY
                                ? finora.api.v1.BudgetPeriod.BUDGET_PERIOD_MONTHLY
                                : finora.api.v1.BudgetPeriod.BUDGET_PERIOD_QUARTERLY)
                .setAmount(UsdMoney.of(b.amount()))
                .setScope(toProto(b.scope(), ""))
                .addAllThresholdsPercent(b.thresholds())
                .setStatus(status)
                .setCreateTime(timestamp(b.createdAt()))
                .setUpdateTime(timestamp(b.updatedAt()))
                .build();
    }

    private static LocalDate day(com.google.type.Date d, String field) {
        try {
            return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
        } catch (DateTimeException e) {
            throw new FinoraException(
                    ErrorReason.INVALID_RANGE, field + " is not a valid date", Map.of("field", field), null);
        }
    }
}
