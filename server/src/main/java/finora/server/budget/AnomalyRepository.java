package finora.server.budget;

import static finora.db.jooq.Tables.ANOMALY;
import static finora.db.jooq.Tables.ANOMALY_DRIVER;

import finora.db.jooq.tables.records.AnomalyRecord;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/** Anomalies and their drivers; every read is tenant-scoped. */
final class AnomalyRepository {

    /** Stores a new anomaly unless its (tenant, scope, day) is known; true when it was new. */
    boolean insert(DSLContext tx, Anomaly a) {
        boolean inserted = tx.insertInto(ANOMALY)
                        .set(ANOMALY.ANOMALY_ID, a.id())
                        .set(ANOMALY.TENANT_ID, a.tenantId())
                        .set(ANOMALY.SCOPE_KIND, a.scope().kind().name())
                        .set(ANOMALY.SCOPE_VALUE, a.scope().value())
                        .set(ANOMALY.DAY, a.day())
                        .set(ANOMALY.EXPECTED_USD, a.expected())
                        .set(ANOMALY.UPPER_USD, a.upperBound())
                        .set(ANOMALY.ACTUAL_USD, a.actual())
                        .set(ANOMALY.BASELINE_DAYS, a.baselineDays())
                        .set(ANOMALY.DETECTED_AT, a.detectedAt())
                        .set(ANOMALY.RESTATED, a.restated())
                        .set(ANOMALY.RESTATED_AT, a.restatedAt())
                        .onConflictDoNothing()
                        .execute()
                > 0;
        if (inserted) {
            int rank = 0;
            for (Anomaly.Driver d : a.drivers()) {
                tx.insertInto(ANOMALY_DRIVER)
                        .set(ANOMALY_DRIVER.ANOMALY_ID, a.id())
                        .set(ANOMALY_DRIVER.RANK, rank++)
                        .set(ANOMALY_DRIVER.DIMENSION, d.dimension().name())
                        .set(ANOMALY_DRIVER.VALUE, d.value())
                        .set(ANOMALY_DRIVER.DISPLAY_NAME, d.displayName())
                        .set(ANOMALY_DRIVER.EXPECTED_USD, d.expected())
                        .set(ANOMALY_DRIVER.ACTUAL_USD, d.actual())
                        .execute();
            }
        }
        return inserted;
    }

    /** The anomaly of a scope and day, without drivers. */
    Optional<Anomaly> find(DSLContext dsl, UUID tenantId, Scope scope, LocalDate day) {
        return dsl.selectFrom(ANOMALY)
                .where(ANOMALY.TENANT_ID.eq(tenantId))
                .and(ANOMALY.SCOPE_KIND.eq(scope.kind().name()))
                .and(ANOMALY.SCOPE_VALUE.eq(scope.value()))
                .and(ANOMALY.DAY.eq(day))
                .fetchOptional(r -> toAnomaly(r, List.of()));
    }

    /** Records a restatement: the day's new numbers, and that they changed after detection. */
    void restated(
            DSLContext dsl,
            UUID anomalyId,
            BigDecimal expected,
            BigDecimal upper,
            BigDecimal actual,
            OffsetDateTime restatedAt) {
        dsl.update(ANOMALY)
                .set(ANOMALY.EXPECTED_USD, expected)
                .set(ANOMALY.UPPER_USD, upper)
                .set(ANOMALY.ACTUAL_USD, actual)
                .set(ANOMALY.RESTATED, true)
                .set(ANOMALY.RESTATED_AT, restatedAt)
                .where(ANOMALY.ANOMALY_ID.eq(anomalyId))
                .execute();
    }

    /** The tenant's anomalies of [from, to], newest day first, tenant scope first within a day. */
    List<Anomaly> list(DSLContext dsl, UUID tenantId, LocalDate from, LocalDate to) {
        List<AnomalyRecord> rows = dsl.selectFrom(ANOMALY)
                .where(ANOMALY.TENANT_ID.eq(tenantId))
                .and(ANOMALY.DAY.between(from, to))
                .orderBy(
                        ANOMALY.DAY.desc(),
                        org.jooq
                                .impl
                                .DSL
                                .when(ANOMALY.SCOPE_KIND.eq("TENANT"), 0)
                                .otherwise(1),
                        ANOMALY.SCOPE_KIND,
                        ANOMALY.SCOPE_VALUE)
                .limit(5000)
                .fetch();
        Map<UUID, List<Anomaly.Driver>> drivers = new HashMap<>();
        dsl.selectFrom(ANOMALY_DRIVER)
                .where(ANOMALY_DRIVER.ANOMALY_ID.in(
                        rows.stream().map(AnomalyRecord::getAnomalyId).toList()))
                .orderBy(ANOMALY_DRIVER.ANOMALY_ID, ANOMALY_DRIVER.RANK)
                .forEach(d -> drivers.computeIfAbsent(d.getAnomalyId(), id -> new ArrayList<>())
                        .add(new Anomaly.Driver(
                                SpendRepository.Dimension.valueOf(d.getDimension()),
                                d.getValue(),
                                d.getDisplayName(),
                                d.getExpectedUsd(),
                                d.getActualUsd())));
        return rows.stream()
                .map(r -> toAnomaly(r, drivers.getOrDefault(r.getAnomalyId(), List.of())))
                .toList();
    }

    private static Anomaly toAnomaly(AnomalyRecord r, List<Anomaly.Driver> drivers) {
        return new Anomaly(
                r.getAnomalyId(),
                r.getTenantId(),
                new Scope(Scope.Kind.valueOf(r.getScopeKind()), r.getScopeValue()),
                r.getDay(),
                r.getExpectedUsd(),
                r.getUpperUsd(),
                r.getActualUsd(),
                r.getBaselineDays(),
                List.copyOf(drivers),
                r.getDetectedAt(),
                r.getRestated(),
                r.getRestatedAt());
    }
}
