package finora.admin.grpc;

import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import finora.api.v1.Anomaly;
import finora.api.v1.Budget;
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
import finora.api.v1.ThresholdStatus;
import finora.api.v1.UpdateBudgetRequest;
import finora.api.v1.UpdateBudgetResponse;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake BudgetService: budgets kept in memory, each in November 2026 with {@link #SPENT} spent
 * through {@link FakeCostService#COMPLETE_THROUGH} at {@link #RUN_RATE} a day; the anomalies a test
 * adds; and the real service's reasons and field metadata for a blank name or a non-positive amount.
 */
public final class FakeBudgetService extends BudgetServiceGrpc.BudgetServiceImplBase {

    public static final BigDecimal SPENT = new BigDecimal("850.12");
    public static final BigDecimal RUN_RATE = new BigDecimal("35.42");
    public static final LocalDate PERIOD_START = LocalDate.of(2026, 11, 1);
    public static final LocalDate PERIOD_END = LocalDate.of(2026, 11, 30);
    public static final String NAME_MESSAGE = "The name must be 1 to 200 characters";
    public static final String AMOUNT_MESSAGE =
            "The amount must be more than 0 and at most 1,000,000,000 USD, with at " + "most 8 decimals";

    private final FakeFinoraServer server;
    private final Map<String, Budget> budgets = new LinkedHashMap<>();
    private final List<Anomaly> anomalies = new CopyOnWriteArrayList<>();
    private final List<ListAnomaliesRequest> anomalyRequests = new CopyOnWriteArrayList<>();
    private int next;

    FakeBudgetService(FakeFinoraServer server) {
        this.server = server;
    }

    /** Adds a budget as if created earlier; returns its id. */
    public synchronized String addBudget(Budget input) {
        String id = "b" + (++next);
        budgets.put(id, withState(input.toBuilder().setBudgetId(id).build()));
        return id;
    }

    /** Adds an anomaly to the ones ListAnomalies answers from. */
    public void addAnomaly(Anomaly anomaly) {
        anomalies.add(anomaly);
    }

    /**
     * An anomaly of the whole tenant on {@code day}: expected 40.00, bound 70.00, actual {@code actual},
     * driven by the Research workspace (+{@code actual} − 40) and Opus output tokens.
     */
    public static Anomaly tenantAnomaly(LocalDate day, String actual, boolean restated) {
        BigDecimal rise = new BigDecimal(actual).subtract(new BigDecimal("40.00"));
        return Anomaly.newBuilder()
                .setAnomalyId("a-" + day)
                .setDay(FakeCostService.date(day))
                .setScope(finora.api.v1.Scope.newBuilder().setKind(finora.api.v1.ScopeKind.SCOPE_KIND_TENANT))
                .setExpected(FakeCostService.money(new BigDecimal("40.00")))
                .setUpperBound(FakeCostService.money(new BigDecimal("70.00")))
                .setActual(FakeCostService.money(new BigDecimal(actual)))
                .setBaselineDays(8)
                .addDrivers(driver(
                        finora.api.v1.AnomalyDimension.ANOMALY_DIMENSION_WORKSPACE,
                        FakeCostService.RESEARCH_ID,
                        "Research",
                        "10.00",
                        rise.add(new BigDecimal("10.00"))))
                .addDrivers(driver(
                        finora.api.v1.AnomalyDimension.ANOMALY_DIMENSION_MODEL,
                        FakeCostService.OPUS,
                        "",
                        "20.00",
                        rise.divide(BigDecimal.TWO).add(new BigDecimal("20.00"))))
                .addDrivers(driver(
                        finora.api.v1.AnomalyDimension.ANOMALY_DIMENSION_TOKEN_TYPE,
                        "output_tokens",
                        "",
                        "15.00",
                        rise.divide(BigDecimal.valueOf(4)).add(new BigDecimal("15.00"))))
                .setRestated(restated)
                .setDetectTime(Timestamp.newBuilder().setSeconds(1_795_600_800L))
                .build();
    }

    private static finora.api.v1.AnomalyDriver driver(
            finora.api.v1.AnomalyDimension dimension, String value, String name, String expected, BigDecimal actual) {
        BigDecimal before = new BigDecimal(expected);
        return finora.api.v1.AnomalyDriver.newBuilder()
                .setDimension(dimension)
                .setValue(value)
                .setDisplayName(name)
                .setExpected(FakeCostService.money(before))
                .setActual(FakeCostService.money(actual))
                .setIncrease(FakeCostService.money(actual.subtract(before)))
                .build();
    }

    public synchronized List<Budget> budgets() {
        return List.copyOf(budgets.values());
    }

    public List<ListAnomaliesRequest> anomalyRequests() {
        return anomalyRequests;
    }

    @Override
    public void createBudget(CreateBudgetRequest request, StreamObserver<CreateBudgetResponse> response) {
        if (server.answeredAlready(response, true) || !valid(request.getBudget(), response)) {
            return;
        }
        String id = addBudget(request.getBudget());
        respond(
                response,
                CreateBudgetResponse.newBuilder().setBudget(budgets.get(id)).build());
    }

    @Override
    public synchronized void updateBudget(UpdateBudgetRequest request, StreamObserver<UpdateBudgetResponse> response) {
        if (server.answeredAlready(response, true) || !valid(request.getBudget(), response)) {
            return;
        }
        String id = request.getBudget().getBudgetId();
        if (!budgets.containsKey(id)) {
            response.onError(notFound());
            return;
        }
        budgets.put(id, withState(request.getBudget()));
        respond(
                response,
                UpdateBudgetResponse.newBuilder().setBudget(budgets.get(id)).build());
    }

    @Override
    public synchronized void deleteBudget(DeleteBudgetRequest request, StreamObserver<DeleteBudgetResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        if (budgets.remove(request.getBudgetId()) == null) {
            response.onError(notFound());
            return;
        }
        respond(response, DeleteBudgetResponse.getDefaultInstance());
    }

    @Override
    public synchronized void listBudgets(ListBudgetsRequest request, StreamObserver<ListBudgetsResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        respond(
                response,
                ListBudgetsResponse.newBuilder().addAllBudgets(budgets.values()).build());
    }

    @Override
    public synchronized void getBudget(GetBudgetRequest request, StreamObserver<GetBudgetResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        Budget b = budgets.get(request.getBudgetId());
        if (b == null) {
            response.onError(notFound());
            return;
        }
        respond(response, GetBudgetResponse.newBuilder().setBudget(b).build());
    }

    @Override
    public void listAnomalies(ListAnomaliesRequest request, StreamObserver<ListAnomaliesResponse> response) {
        if (server.answeredAlready(response, true)) {
            return;
        }
        anomalyRequests.add(request);
        LocalDate start = FakeCostService.date(request.getStartDate());
        LocalDate end = FakeCostService.date(request.getEndDate());
        List<Anomaly> inRange = new ArrayList<>();
        for (Anomaly a : anomalies) {
            LocalDate day = FakeCostService.date(a.getDay());
            if (!day.isBefore(start) && !day.isAfter(end)) {
                inRange.add(a);
            }
        }
        inRange.sort((a, b) -> FakeCostService.date(b.getDay()).compareTo(FakeCostService.date(a.getDay())));
        respond(
                response,
                ListAnomaliesResponse.newBuilder().addAllAnomalies(inRange).build());
    }

    private static boolean valid(Budget b, StreamObserver<?> response) {
        if (b.getName().isBlank()) {
            response.onError(FakeFinoraServer.error(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", NAME_MESSAGE, "name"));
            return false;
        }
        BigDecimal amount = FakeCostService.usd(b.getAmount());
        if (amount.signum() <= 0) {
            response.onError(
                    FakeFinoraServer.error(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", AMOUNT_MESSAGE, "amount"));
            return false;
        }
        return true;
    }

    /** The state the real server would compute: spent and forecast fixed, thresholds from the amount. */
    private static Budget withState(Budget b) {
        BigDecimal amount = FakeCostService.usd(b.getAmount());
        List<Integer> thresholds =
                b.getThresholdsPercentList().isEmpty() ? List.of(50, 80, 100) : b.getThresholdsPercentList();
        LocalDate through = FakeCostService.COMPLETE_THROUGH;
        BigDecimal forecast =
                SPENT.add(RUN_RATE.multiply(BigDecimal.valueOf(PERIOD_END.getDayOfMonth() - through.getDayOfMonth())));
        BudgetStatus.Builder status = BudgetStatus.newBuilder()
                .setPeriodStart(FakeCostService.date(PERIOD_START))
                .setPeriodEnd(FakeCostService.date(PERIOD_END))
                .setSpent(FakeCostService.money(SPENT))
                .setSpentThrough(FakeCostService.date(through))
                .setDailyRunRate(FakeCostService.money(RUN_RATE))
                .setForecast(FakeCostService.money(forecast))
                .setSpentPercent(percent(SPENT, amount))
                .setForecastPercent(percent(forecast, amount));
        for (int p : thresholds) {
            BigDecimal at =
                    amount.multiply(BigDecimal.valueOf(p)).divide(BigDecimal.valueOf(100), 9, RoundingMode.HALF_UP);
            ThresholdStatus.Builder t =
                    ThresholdStatus.newBuilder().setPercent(p).setAmount(FakeCostService.money(at));
            if (SPENT.compareTo(at) >= 0) {
                // Spend grew evenly through the period so far.
                int day = 1
                        + at.divide(SPENT, 2, RoundingMode.DOWN)
                                .multiply(BigDecimal.valueOf(through.getDayOfMonth() - 1))
                                .intValue();
                t.setCrossed(true)
                        .setCrossedDate(FakeCostService.date(PERIOD_START.withDayOfMonth(day)))
                        .setFired(true)
                        .setFireTime(Timestamp.newBuilder().setSeconds(1_795_600_800L));
            } else {
                BigDecimal days = at.subtract(SPENT).divide(RUN_RATE, 0, RoundingMode.CEILING);
                LocalDate when = through.plusDays(days.longValue());
                if (!when.isAfter(PERIOD_END)) {
                    t.setForecastDate(FakeCostService.date(when));
                }
            }
            status.addThresholds(t);
        }
        return b.toBuilder()
                .clearThresholdsPercent()
                .addAllThresholdsPercent(thresholds)
                .setStatus(status)
                .build();
    }

    private static String percent(BigDecimal part, BigDecimal whole) {
        return part.multiply(BigDecimal.valueOf(100))
                .divide(whole, 1, RoundingMode.HALF_UP)
                .toPlainString();
    }

    private static io.grpc.StatusRuntimeException notFound() {
        return FakeFinoraServer.error(Code.NOT_FOUND, "BUDGET_NOT_FOUND", "No such budget in your organization");
    }

    private static <T> void respond(StreamObserver<T> observer, T value) {
        observer.onNext(value);
        observer.onCompleted();
    }
}
