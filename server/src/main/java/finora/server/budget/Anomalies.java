package finora.server.budget;

import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.notify.Alert;
import finora.server.notify.Notifier;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds spend anomalies after syncs and lists them (method: {@link AnomalyDetector}).
 *
 * <p>Each evaluation looks at the last {@value #EVALUATED_DAYS} closed days the tenant's numbers are
 * complete through ({@link SpendRepository#completeThrough}), so a deep backfill does not alert on years of history. A (scope, day) is detected once
 * (unique key) and announced once; when the day is restated later, the anomaly's numbers are updated
 * and it is flagged restated without a second announcement. An anomaly first found on restated numbers
 * is flagged restated from the start and its announcement says so.
 */
final class Anomalies {
    private static final Logger log = LoggerFactory.getLogger(Anomalies.class);
    static final int EVALUATED_DAYS = 7;
    static final int MAX_RANGE_DAYS = 366;

    private final DSLContext dsl;
    private final AnomalyRepository repository = new AnomalyRepository();
    private final SpendRepository spend;
    private final Notifier notifier;
    private final Clock clock;

    Anomalies(DSLContext dsl, SpendRepository spend, Notifier notifier, Clock clock) {
        this.dsl = dsl;
        this.spend = spend;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** Checks the recent closed days of each scope; returns how many anomalies were new. */
    int evaluate(UUID tenantId, List<Scope> scopes) {
        Optional<LocalDate> complete = spend.completeThrough(dsl, tenantId);
        if (complete.isEmpty()) {
            return 0;
        }
        LocalDate through = complete.get();
        LocalDate first = through.minusDays(EVALUATED_DAYS - 1);
        LocalDate from = first.minusWeeks(AnomalyDetector.BASELINE_WEEKS);
        Map<LocalDate, OffsetDateTime> restated = spend.restatedAt(dsl, tenantId, first, through);
        Map<String, String> names = null;
        int found = 0;
        for (Scope scope : scopes) {
            TreeMap<LocalDate, BigDecimal> daily = spend.daily(dsl, tenantId, scope, from, through);
            for (LocalDate day = first; !day.isAfter(through); day = day.plusDays(1)) {
                BigDecimal actual = daily.get(day);
                if (actual == null) {
                    continue;
                }
                List<LocalDate> baselineDays = new ArrayList<>();
                for (int week = 1; week <= AnomalyDetector.BASELINE_WEEKS; week++) {
                    if (daily.containsKey(day.minusWeeks(week))) {
                        baselineDays.add(day.minusWeeks(week));
                    }
                }
                Optional<AnomalyDetector.Finding> bounds = AnomalyDetector.bounds(
                        actual, baselineDays.stream().map(daily::get).toList());
                if (bounds.isEmpty()) {
                    continue;
                }
                OffsetDateTime restatedAt = restated.get(day);
                Optional<Anomaly> existing = repository.find(dsl, tenantId, scope, day);
                if (existing.isPresent()) {
                    Anomaly a = existing.get();
                    boolean newRestatement = restatedAt != null
                            && restatedAt.isAfter(a.detectedAt())
                            && (a.restatedAt() == null || restatedAt.isAfter(a.restatedAt()));
                    if (newRestatement) {
                        repository.restated(
                                dsl,
                                a.id(),
                                bounds.get().expected(),
                                bounds.get().upperBound(),
                                actual,
                                restatedAt);
                        log.info("Anomaly {} ({} on {}) was restated: now {} USD", a.id(), scope.key(), day, actual);
                    }
                    continue;
                }
                if (actual.compareTo(bounds.get().upperBound()) <= 0) {
                    continue;
                }
                if (names == null) {
                    names = spend.workspaceNames(dsl, tenantId);
                }
                Anomaly anomaly = new Anomaly(
                        UUID.randomUUID(),
                        tenantId,
                        scope,
                        day,
                        bounds.get().expected(),
                        bounds.get().upperBound(),
                        actual,
                        baselineDays.size(),
                        drivers(tenantId, scope, day, baselineDays, names),
                        now(),
                        restatedAt != null,
                        restatedAt);
                if (repository.insert(dsl, anomaly)) {
                    found++;
                    notifier.publish(alert(anomaly, names));
                    log.info(
                            "Anomaly {} for tenant {}: {} on {} spent {} USD, expected {}",
                            anomaly.id(),
                            tenantId,
                            scope.key(),
                            day,
                            actual,
                            anomaly.expected());
                }
            }
        }
        return found;
    }

    private List<Anomaly.Driver> drivers(
            UUID tenantId,
            Scope scope,
            LocalDate day,
            List<LocalDate> baselineDays,
            Map<String, String> workspaceNames) {
        List<LocalDate> days = new ArrayList<>(baselineDays);
        days.add(day);
        List<Anomaly.Driver> drivers = new ArrayList<>();
        for (SpendRepository.Dimension dimension : SpendRepository.Dimension.values()) {
            Map<LocalDate, Map<String, BigDecimal>> byDay = spend.breakdown(dsl, tenantId, scope, days, dimension);
            drivers.addAll(AnomalyDetector.drivers(
                    dimension,
                    byDay.getOrDefault(day, Map.of()),
                    baselineDays.stream()
                            .map(d -> byDay.getOrDefault(d, Map.of()))
                            .toList(),
                    dimension == SpendRepository.Dimension.WORKSPACE ? workspaceNames : Map.of()));
        }
        drivers.sort(Comparator.comparing(Anomaly.Driver::increase).reversed());
        return List.copyOf(drivers);
    }

    /** The tenant's anomalies of [start, end] (at most {@value #MAX_RANGE_DAYS} days). */
    List<Anomaly> list(UUID tenantId, LocalDate start, LocalDate end) {
        if (end.isBefore(start) || ChronoUnit.DAYS.between(start, end) >= MAX_RANGE_DAYS) {
            throw new FinoraException(
                    ErrorReason.INVALID_RANGE,
                    "end_date must be on or after start_date and at " + "most " + MAX_RANGE_DAYS + " days after it");
        }
        return repository.list(dsl, tenantId, start, end);
    }

    /** Human name of a scope. */
    static String scopeName(Scope scope, Map<String, String> workspaceNames) {
        return switch (scope.kind()) {
            case TENANT -> "all spend";
            case PROVIDER ->
                "provider "
                        + ("ANTHROPIC".equals(scope.value())
                                ? "Anthropic"
                                : "OPENAI".equals(scope.value()) ? "OpenAI" : scope.value());
            case WORKSPACE -> "workspace \"" + workspaceNames.getOrDefault(scope.value(), scope.value()) + "\"";
            case MODEL_FAMILY -> "model family " + scope.value();
        };
    }

    private static Alert alert(Anomaly a, Map<String, String> names) {
        String cause = a.drivers().stream()
                .filter(d -> d.dimension() == SpendRepository.Dimension.WORKSPACE)
                .findFirst()
                .or(() -> a.drivers().stream().findFirst())
                .map(d -> "; mostly " + d.dimension().name().toLowerCase().replace('_', ' ') + " \"" + d.displayName()
                        + "\" (+" + Budgets.usd(d.increase()) + ")")
                .orElse("");
        String summary = "Spend anomaly on " + a.day() + " (" + scopeName(a.scope(), names) + "): "
                + Budgets.usd(a.actual()) + " against about " + Budgets.usd(a.expected()) + " expected" + cause
                + (a.restated() ? " [restated day]" : "");
        StringBuilder details = new StringBuilder("Expected at most ")
                .append(Budgets.usd(a.upperBound()))
                .append(" from the same weekday of the ")
                .append(a.baselineDays())
                .append(" previous weeks.");
        if (a.restated()) {
            details.append(" The provider restated this day; the numbers are the restated ones.");
        }
        List<Map<String, Object>> drivers = new ArrayList<>();
        for (Anomaly.Driver d : a.drivers()) {
            details.append("\n- ")
                    .append(d.dimension().name().toLowerCase().replace('_', ' '))
                    .append(' ')
                    .append(d.displayName())
                    .append(": ")
                    .append(Budgets.usd(d.actual()))
                    .append(" (usually ")
                    .append(Budgets.usd(d.expected()))
                    .append(")");
            Map<String, Object> driver = new LinkedHashMap<>();
            driver.put("dimension", d.dimension().name());
            driver.put("value", d.value());
            driver.put("display_name", d.displayName());
            driver.put("expected_usd", d.expected().stripTrailingZeros().toPlainString());
            driver.put("actual_usd", d.actual().stripTrailingZeros().toPlainString());
            driver.put("increase_usd", d.increase().stripTrailingZeros().toPlainString());
            drivers.add(driver);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("anomaly_id", a.id().toString());
        data.put("day", a.day().toString());
        data.put(
                "scope",
                Map.of("kind", a.scope().kind().name(), "value", a.scope().value()));
        data.put("expected_usd", a.expected().stripTrailingZeros().toPlainString());
        data.put("upper_bound_usd", a.upperBound().stripTrailingZeros().toPlainString());
        data.put("actual_usd", a.actual().stripTrailingZeros().toPlainString());
        data.put("restated", a.restated());
        data.put("drivers", drivers);
        return new Alert(
                a.tenantId(),
                Alert.AlertType.ANOMALY,
                "anomaly:" + a.scope().key() + ":" + a.day(),
                summary,
                details.toString(),
                data);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
