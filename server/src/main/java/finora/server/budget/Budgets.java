package finora.server.budget;

import finora.server.auth.Principal;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.notify.Alert;
import finora.server.notify.Notifier;
import finora.server.notify.Text;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets: their rules, their state and their alerts.
 *
 * <p>{@link #evaluate} runs after every sync of a tenant (through {@link SpendWatch}). For each budget
 * it computes the current period's state; thresholds newly crossed are announced in one alert (named
 * by the highest of them) and marked fired for the period. The alert is published before the marks
 * are written and both are idempotent (the alert's dedupe key, the marks' primary key), so a crash
 * between the two, a second replica or a restated day never announces a threshold twice.
 */
public final class Budgets {
    private static final Logger log = LoggerFactory.getLogger(Budgets.class);
    static final int MAX_BUDGETS = 100;
    static final int MAX_THRESHOLDS = 10;
    static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);
    static final BigDecimal MAX_AMOUNT = BigDecimal.valueOf(1_000_000_000L);

    private final DSLContext dsl;
    private final BudgetRepository repository = new BudgetRepository();
    private final SpendRepository spend;
    private final Notifier notifier;
    private final Clock clock;

    Budgets(DSLContext dsl, SpendRepository spend, Notifier notifier, Clock clock) {
        this.dsl = dsl;
        this.spend = spend;
        this.notifier = notifier;
        this.clock = clock;
    }

    Budget create(Principal caller, Budget.Spec spec) {
        Budget.Spec checked = check(spec);
        OffsetDateTime now = now();
        Budget budget = new Budget(
                UUID.randomUUID(),
                caller.tenantId(),
                checked.name(),
                checked.period(),
                checked.amount(),
                checked.scope(),
                checked.thresholds(),
                now,
                now);
        dsl.transaction(c -> {
            if (repository.count(c.dsl(), caller.tenantId()) >= MAX_BUDGETS) {
                throw new FinoraException(
                        ErrorReason.LIMIT_REACHED,
                        "A tenant may have at most " + MAX_BUDGETS + " budgets; delete one first");
            }
            repository.insert(c.dsl(), budget);
        });
        log.info("Tenant {} created budget {}", caller.tenantId(), budget.id());
        return budget;
    }

    /**
     * Replaces a budget. Fired marks of the current period whose threshold is gone or no longer
     * crossed at the new amount are forgotten, so they fire again when crossed.
     */
    Budget update(Principal caller, UUID budgetId, Budget.Spec spec) {
        Budget.Spec checked = check(spec);
        Budget current = get(caller, budgetId);
        Budget updated = new Budget(
                budgetId,
                caller.tenantId(),
                checked.name(),
                checked.period(),
                checked.amount(),
                checked.scope(),
                checked.thresholds(),
                current.createdAt(),
                now());
        BudgetState state = state(updated);
        dsl.transaction(c -> {
            if (!repository.update(c.dsl(), updated)) {
                throw notFound();
            }
            List<Integer> stale = new ArrayList<>(
                    repository.fired(c.dsl(), budgetId, state.periodStart()).keySet());
            state.thresholds().stream()
                    .filter(BudgetState.Threshold::crossed)
                    .forEach(t -> stale.remove(Integer.valueOf(t.percent())));
            if (!stale.isEmpty()) {
                repository.unmark(c.dsl(), budgetId, state.periodStart(), stale);
            }
        });
        return get(caller, budgetId);
    }

    void delete(Principal caller, UUID budgetId) {
        if (!dsl.transactionResult(c -> repository.delete(c.dsl(), caller.tenantId(), budgetId))) {
            throw notFound();
        }
    }

    Budget get(Principal caller, UUID budgetId) {
        return repository.find(dsl, caller.tenantId(), budgetId).orElseThrow(Budgets::notFound);
    }

    List<Budget> list(Principal caller) {
        return repository.list(dsl, caller.tenantId());
    }

    /** The budget's current period as of the clock's UTC day. */
    BudgetState state(Budget budget) {
        LocalDate today = today();
        LocalDate start = budget.period().start(today);
        Optional<LocalDate> through = spend.completeThrough(dsl, budget.tenantId());
        var daily = spend.daily(
                dsl,
                budget.tenantId(),
                budget.scope(),
                start.minusDays(BudgetForecast.RUN_RATE_DAYS),
                budget.period().end(today));
        BigDecimal todayEstimate = spend.todayEstimate(dsl, budget.tenantId(), budget.scope(), today)
                .orElse(null);
        return BudgetForecast.compute(
                budget, today, daily, through.orElse(null), todayEstimate, repository.fired(dsl, budget.id(), start));
    }

    /** The distinct scopes the tenant's budgets name, besides the whole tenant (anomalies watch them). */
    List<Scope> watchedScopes(UUID tenantId) {
        LinkedHashSet<Scope> scopes = new LinkedHashSet<>();
        scopes.add(Scope.TENANT);
        repository.list(dsl, tenantId).forEach(b -> scopes.add(b.scope()));
        return List.copyOf(scopes);
    }

    /** Checks every budget of the tenant and announces thresholds newly crossed in the current period. */
    void evaluate(UUID tenantId) {
        for (Budget budget : repository.list(dsl, tenantId)) {
            BudgetState state = state(budget);
            List<BudgetState.Threshold> fresh = state.thresholds().stream()
                    .filter(t -> t.crossed() && t.firedAt() == null)
                    .toList();
            if (fresh.isEmpty()) {
                continue;
            }
            BudgetState.Threshold highest = fresh.get(fresh.size() - 1);
            boolean announced = notifier.publish(alert(budget, state, highest, fresh));
            OffsetDateTime now = now();
            for (BudgetState.Threshold t : fresh) {
                repository.markFired(dsl, budget.id(), state.periodStart(), t.percent(), state.spent(), now);
            }
            if (announced) {
                log.info(
                        "Budget {} of tenant {} crossed {} % in the period from {}",
                        budget.id(), tenantId, highest.percent(), state.periodStart());
            }
        }
    }

    private static Alert alert(
            Budget b, BudgetState s, BudgetState.Threshold highest, List<BudgetState.Threshold> fresh) {
        String period = b.period() == BudgetPeriod.MONTHLY
                ? s.periodStart().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " "
                        + s.periodStart().getYear()
                : "Q" + ((s.periodStart().getMonthValue() - 1) / 3 + 1) + " "
                        + s.periodStart().getYear();
        String summary = "Budget \"" + b.name() + "\" crossed " + highest.percent() + " % of " + usd(b.amount()) + " ("
                + period + ")";
        StringBuilder details = new StringBuilder()
                .append("Spent ")
                .append(usd(s.spent()))
                .append(" (")
                .append(BudgetForecast.percent(s.spent(), b.amount()))
                .append(" %)")
                .append(s.spentThrough() == null ? "" : " through " + s.spentThrough())
                .append(s.includesEstimate() ? ", including today's estimate" : "")
                .append(". Forecast at period end (")
                .append(s.periodEnd())
                .append("): ")
                .append(usd(s.forecast()))
                .append(" (")
                .append(BudgetForecast.percent(s.forecast(), b.amount()))
                .append(" %).");
        s.thresholds().stream()
                .filter(t -> t.forecastDate() != null)
                .findFirst()
                .ifPresent(t -> details.append(" ")
                        .append(t.percent())
                        .append(" % is forecast for ")
                        .append(t.forecastDate())
                        .append("."));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("budget_id", b.id().toString());
        data.put("budget_name", b.name());
        data.put("period", b.period().name());
        data.put("period_start", s.periodStart().toString());
        data.put("period_end", s.periodEnd().toString());
        data.put(
                "scope",
                Map.of("kind", b.scope().kind().name(), "value", b.scope().value()));
        data.put("amount_usd", b.amount().stripTrailingZeros().toPlainString());
        data.put("threshold_percent", highest.percent());
        data.put(
                "thresholds_crossed",
                fresh.stream().map(BudgetState.Threshold::percent).toList());
        data.put("spent_usd", s.spent().stripTrailingZeros().toPlainString());
        data.put(
                "spent_through",
                s.spentThrough() == null ? "" : s.spentThrough().toString());
        data.put("includes_estimate", s.includesEstimate());
        data.put("forecast_usd", s.forecast().stripTrailingZeros().toPlainString());
        return new Alert(
                b.tenantId(),
                Alert.AlertType.BUDGET_THRESHOLD,
                "budget:" + b.id() + ":" + s.periodStart() + ":" + highest.percent(),
                summary,
                details.toString(),
                data);
    }

    /** US dollars for people: "$1,234.57". */
    static String usd(BigDecimal amount) {
        return String.format(Locale.ROOT, "$%,.2f", amount);
    }

    private static Budget.Spec check(Budget.Spec spec) {
        String name = Text.name(spec.name(), "name");
        if (spec.period() == null) {
            throw FinoraException.invalidField(
                    "period", "Choose a period: BUDGET_PERIOD_MONTHLY or BUDGET_PERIOD_QUARTERLY");
        }
        BigDecimal amount = spec.amount();
        if (amount == null
                || amount.signum() <= 0
                || amount.compareTo(MAX_AMOUNT) > 0
                || amount.stripTrailingZeros().scale() > 8) {
            throw FinoraException.invalidField(
                    "amount",
                    "The amount must be more than 0 and at most 1,000,000,000 USD, with at most " + "8 decimals");
        }
        if (spec.scope() == null) {
            throw FinoraException.invalidField("scope", "Choose a scope (SCOPE_KIND_TENANT for all spend)");
        }
        Scope scope = switch (spec.scope().kind()) {
            case TENANT -> Scope.TENANT;
            case PROVIDER -> spec.scope();
            case WORKSPACE, MODEL_FAMILY -> {
                String value =
                        spec.scope().value() == null ? "" : spec.scope().value().trim();
                boolean defaultWorkspace = spec.scope().kind() == Scope.Kind.WORKSPACE && value.isEmpty();
                if ((!defaultWorkspace && value.isEmpty()) || value.length() > 200 || Text.hasControl(value)) {
                    throw FinoraException.invalidField("scope.value", "The scope value must be 1 to 200 characters");
                }
                yield new Scope(spec.scope().kind(), value);
            }
        };
        List<Integer> thresholds = spec.thresholds().isEmpty() ? DEFAULT_THRESHOLDS : spec.thresholds();
        if (thresholds.size() > MAX_THRESHOLDS) {
            throw FinoraException.invalidField("thresholds_percent", "At most " + MAX_THRESHOLDS + " thresholds");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        for (int t : thresholds) {
            if (t < 1 || t > 1000 || !sorted.add(t)) {
                throw FinoraException.invalidField(
                        "thresholds_percent", "Thresholds are distinct whole percents from 1 to 1000");
            }
        }
        return new Budget.Spec(
                name,
                spec.period(),
                amount.stripTrailingZeros().scale() < 0 ? amount.setScale(0) : amount.stripTrailingZeros(),
                scope,
                List.copyOf(sorted));
    }

    /** Parses a budget id; malformed ids are unknown ids. */
    static UUID parseId(String raw) {
        try {
            return UUID.fromString(raw.trim());
        } catch (RuntimeException e) {
            throw notFound();
        }
    }

    private static FinoraException notFound() {
        return new FinoraException(ErrorReason.BUDGET_NOT_FOUND, "No budget with that id in your organization");
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
