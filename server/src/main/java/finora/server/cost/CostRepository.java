package finora.server.cost;

import static finora.db.jooq.Tables.ACTOR;
import static finora.db.jooq.Tables.API_KEY;
import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.db.jooq.Tables.COST_NOWCAST;
import static finora.db.jooq.Tables.COST_RESTATEMENT;
import static finora.db.jooq.Tables.COST_ROLLUP_DETAIL;
import static finora.db.jooq.Tables.COST_ROLLUP_DIM;
import static finora.db.jooq.Tables.COST_ROLLUP_FAMILY;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.USAGE_LINE_ITEM;
import static finora.db.jooq.Tables.WORKSPACE;

import finora.db.types.ConnectionStatus;
import finora.server.ServerConfig;
import finora.server.grpc.ErrorReason;
import finora.server.grpc.FinoraException;
import finora.server.provider.WorkspaceId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.OrderField;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Cost reads over {@code cost_line_item}: every query is scoped to one tenant, sums in PostgreSQL
 * NUMERIC and comes back exact as {@link BigDecimal}. Rows belong to ledgers (one per tenant and
 * provider organization), so an organization connected, removed and connected again is counted once.
 */
final class CostRepository {
    /**
     * Where grouped queries read from: the trigger-maintained rollups (V3, V4, V7, V11 migrations), never
     * the raw line items. The family rollup answers time × family questions; a narrow rollup (one
     * dimension by family and day, {@code cost_rollup_dim}) those that involve one other dimension; the
     * detail rollup everything else. {@code only} selects the narrow rollup's dimension; {@code listed}
     * is the billed amount of the rows that state a list price, where the source keeps it.
     */
    private record Source(
            Table<?> table,
            Field<UUID> tenant,
            Field<UUID> ledger,
            Field<LocalDate> day,
            Field<String> family,
            Field<String> version,
            Field<String> model,
            Field<String> workspace,
            Field<String> costType,
            Field<String> tokenType,
            Field<String> tier,
            Field<String> contextWindow,
            Field<String> inferenceGeo,
            Field<String> speed,
            Field<String> apiKey,
            Field<String> actor,
            Field<String> product,
            Field<BigDecimal> amount,
            Field<BigDecimal> listAmount,
            Condition only,
            Field<BigDecimal> listed) {

        Field<BigDecimal> sum() {
            return DSL.coalesce(DSL.sum(amount), BigDecimal.ZERO).as("amount");
        }

        Field<String> workspaceName() {
            return DSL.coalesce(
                            DSL.max(WORKSPACE.NAME),
                            DSL.when(workspace.eq(WorkspaceId.STORED_DEFAULT), DSL.inline(WorkspaceId.DEFAULT_NAME))
                                    .otherwise(workspace))
                    .as("workspace_name");
        }
    }

    private static final Source FAMILY = new Source(
            COST_ROLLUP_FAMILY,
            COST_ROLLUP_FAMILY.TENANT_ID,
            COST_ROLLUP_FAMILY.LEDGER_ID,
            COST_ROLLUP_FAMILY.DAY,
            COST_ROLLUP_FAMILY.MODEL_FAMILY,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            COST_ROLLUP_FAMILY.AMOUNT_USD,
            null,
            null,
            null);
    private static final Source DETAIL = new Source(
            COST_ROLLUP_DETAIL,
            COST_ROLLUP_DETAIL.TENANT_ID,
            COST_ROLLUP_DETAIL.LEDGER_ID,
            COST_ROLLUP_DETAIL.DAY,
            COST_ROLLUP_DETAIL.MODEL_FAMILY,
            COST_ROLLUP_DETAIL.MODEL_VERSION,
            COST_ROLLUP_DETAIL.MODEL,
            COST_ROLLUP_DETAIL.WORKSPACE_ID,
            COST_ROLLUP_DETAIL.COST_TYPE,
            COST_ROLLUP_DETAIL.TOKEN_TYPE,
            COST_ROLLUP_DETAIL.SERVICE_TIER,
            COST_ROLLUP_DETAIL.CONTEXT_WINDOW,
            COST_ROLLUP_DETAIL.INFERENCE_GEO,
            COST_ROLLUP_DETAIL.SPEED,
            COST_ROLLUP_DETAIL.API_KEY_ID,
            COST_ROLLUP_DETAIL.ACTOR_ID,
            COST_ROLLUP_DETAIL.PRODUCT,
            COST_ROLLUP_DETAIL.AMOUNT_USD,
            COST_ROLLUP_DETAIL.LIST_AMOUNT_USD,
            null,
            COST_ROLLUP_DETAIL.LISTED_AMOUNT_USD);
    /** The narrow rollup of each dimension other than time and family (model also answers version). */
    private static final Map<Dimension, Source> NARROW = narrowSources();

    private static final EnumSet<Dimension> FAMILY_DIMENSIONS =
            EnumSet.of(Dimension.DAY, Dimension.WEEK, Dimension.MONTH, Dimension.PROVIDER, Dimension.MODEL_FAMILY);
    private static final Field<Boolean> PROVISIONAL =
            DSL.boolOr(COST_DAY.STATUS.isDistinctFrom("FINAL")).as("provisional");

    private static Map<Dimension, Source> narrowSources() {
        var t = COST_ROLLUP_DIM;
        Map<Dimension, Source> m = new EnumMap<>(Dimension.class);
        for (Dimension d : List.of(
                Dimension.MODEL,
                Dimension.WORKSPACE,
                Dimension.COST_TYPE,
                Dimension.TOKEN_TYPE,
                Dimension.SERVICE_TIER,
                Dimension.CONTEXT_WINDOW,
                Dimension.INFERENCE_GEO,
                Dimension.SPEED,
                Dimension.API_KEY,
                Dimension.ACTOR,
                Dimension.PRODUCT)) {
            Field<String> v = t.VALUE;
            String name = d.name().toLowerCase(java.util.Locale.ROOT);
            boolean model = d == Dimension.MODEL;
            m.put(
                    d,
                    new Source(
                            t,
                            t.TENANT_ID,
                            t.LEDGER_ID,
                            t.DAY,
                            t.MODEL_FAMILY,
                            model ? t.MODEL_VERSION : null,
                            model ? v : null,
                            d == Dimension.WORKSPACE ? v : null,
                            d == Dimension.COST_TYPE ? v : null,
                            d == Dimension.TOKEN_TYPE ? v : null,
                            d == Dimension.SERVICE_TIER ? v : null,
                            d == Dimension.CONTEXT_WINDOW ? v : null,
                            d == Dimension.INFERENCE_GEO ? v : null,
                            d == Dimension.SPEED ? v : null,
                            d == Dimension.API_KEY ? v : null,
                            d == Dimension.ACTOR ? v : null,
                            d == Dimension.PRODUCT ? v : null,
                            t.AMOUNT_USD,
                            t.LIST_AMOUNT_USD,
                            t.DIMENSION.eq(DSL.inline(name)),
                            t.LISTED_AMOUNT_USD));
        }
        return m;
    }

    /**
     * The smallest rollup that holds every asked dimension and filter: the family rollup when only time
     * and family are involved, the narrow rollup of the one other dimension involved, else the detail
     * rollup.
     */
    private static Source source(List<Dimension> dims, CostQuery.Filter filter) {
        EnumSet<Dimension> other = EnumSet.noneOf(Dimension.class);
        for (Dimension d : dims) {
            if (!FAMILY_DIMENSIONS.contains(d)) {
                other.add(d == Dimension.MODEL_VERSION ? Dimension.MODEL : d);
            }
        }
        if (!filter.models().isEmpty()) {
            other.add(Dimension.MODEL);
        }
        if (!filter.workspaceIds().isEmpty()) {
            other.add(Dimension.WORKSPACE);
        }
        if (!filter.apiKeyIds().isEmpty()) {
            other.add(Dimension.API_KEY);
        }
        if (!filter.actorIds().isEmpty()) {
            other.add(Dimension.ACTOR);
        }
        if (!filter.products().isEmpty()) {
            other.add(Dimension.PRODUCT);
        }
        if (other.isEmpty()) {
            return FAMILY;
        }
        return other.size() == 1 ? NARROW.get(other.iterator().next()) : DETAIL;
    }

    /** One group of costs; dimension values not grouped by are null. */
    record Row(
            LocalDate period,
            String modelFamily,
            String modelVersion,
            String model,
            String workspaceId,
            String workspaceName,
            String costType,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            String speed,
            String apiKeyId,
            String apiKeyName,
            String actorId,
            String actorName,
            String product,
            String provider,
            BigDecimal amount,
            BigDecimal listAmount,
            boolean provisional) {}

    /** List price against billed cost over the rows that state a list price (null list: none does). */
    record Discount(BigDecimal list, BigDecimal billed) {}

    /** One hour of today's estimate over the tenant's ledgers. */
    record NowcastHour(OffsetDateTime start, BigDecimal amount, BigDecimal listAmount) {}

    /** Today's estimate: hours, when it was fetched (earliest), the watermark (earliest). */
    record Nowcast(List<NowcastHour> hours, OffsetDateTime fetchedAt, OffsetDateTime dataRefreshedAt) {}

    /** One correction of a ledger's day. */
    record Correction(
            LocalDate day,
            String organizationId,
            String organizationName,
            BigDecimal before,
            BigDecimal after,
            OffsetDateTime detectedAt,
            boolean afterFinal,
            String provider) {}

    /** A page of groups with the total and the number of groups over all pages. */
    record Page(List<Row> rows, BigDecimal total, int totalRows) {}

    /** One stored line item with what an export needs. */
    record LineItem(
            LocalDate day,
            String organizationId,
            String organizationName,
            String workspaceId,
            String workspaceName,
            String description,
            String model,
            String modelFamily,
            String modelVersion,
            String costType,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            String speed,
            BigDecimal amount,
            boolean finalDay,
            boolean restated,
            String apiKeyId,
            String apiKeyName,
            String actorId,
            String actorName,
            String product,
            BigDecimal listAmount,
            String source,
            String provider,
            Long usageQuantity) {}

    Page query(
            DSLContext dsl,
            UUID tenantId,
            CostQuery.Range range,
            CostQuery.Filter filter,
            List<Dimension> dims,
            Order order,
            int offset,
            int limit) {
        Source src = source(dims, filter);
        Field<BigDecimal> amount = src.sum();
        Field<String> workspaceName = src.workspace() == null ? null : src.workspaceName();
        Map<Dimension, Field<?>> fields = new EnumMap<>(Dimension.class);
        List<Field<?>> groupBy = new ArrayList<>();
        for (Dimension d : implied(dims)) {
            Field<?> f = dimension(src, d);
            if (f != null) {
                fields.put(d, f);
                groupBy.add(f);
            }
        }
        List<Field<?>> select = new ArrayList<>(groupBy);
        if (dims.contains(Dimension.WORKSPACE)) {
            select.add(workspaceName);
        }
        Field<String> keyName = DSL.coalesce(
                        DSL.max(API_KEY.NAME),
                        DSL.when(
                                        src.apiKey() == null
                                                ? DSL.falseCondition()
                                                : src.apiKey().eq(""),
                                        DSL.inline("Not attributed"))
                                .otherwise(src.apiKey() == null ? DSL.inline("") : src.apiKey()))
                .as("api_key_name");
        Field<String> actorName = DSL.coalesce(
                        DSL.max(ACTOR.LABEL),
                        DSL.when(
                                        src.actor() == null
                                                ? DSL.falseCondition()
                                                : src.actor().eq(""),
                                        DSL.inline("Not attributed"))
                                .otherwise(src.actor() == null ? DSL.inline("") : src.actor()))
                .as("actor_name");
        boolean byKey = dims.contains(Dimension.API_KEY);
        boolean byProvider = dims.contains(Dimension.PROVIDER);
        boolean byActor = dims.contains(Dimension.ACTOR);
        if (byKey) {
            select.add(keyName);
        }
        if (byActor) {
            select.add(actorName);
        }
        Field<BigDecimal> listAmount = src.listAmount() == null
                ? DSL.inline((BigDecimal) null).as("list_amount")
                : DSL.sum(src.listAmount()).as("list_amount");
        select.add(amount);
        select.add(listAmount);
        select.add(PROVISIONAL);
        Field<BigDecimal> total = DSL.sum(DSL.coalesce(DSL.sum(src.amount()), BigDecimal.ZERO))
                .over()
                .as("total");
        Field<Integer> count = DSL.count().over().as("total_rows");
        select.add(total);
        select.add(count);

        List<OrderField<?>> orderBy = new ArrayList<>();
        Field<?> period =
                fields.getOrDefault(Dimension.DAY, fields.getOrDefault(Dimension.WEEK, fields.get(Dimension.MONTH)));
        switch (order) {
            case AMOUNT_ASC -> orderBy.add(DSL.field(DSL.name("amount")).asc());
            case AMOUNT_DESC -> orderBy.add(DSL.field(DSL.name("amount")).desc());
            default -> {
                if (period != null) {
                    orderBy.add(period.asc());
                }
                orderBy.add(DSL.field(DSL.name("amount")).desc());
            }
        }
        groupBy.forEach(f -> orderBy.add(f.asc())); // stable pages: ties broken by every dimension

        var from = src.table()
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(src.ledger()))
                .leftJoin(COST_DAY)
                .on(COST_DAY.LEDGER_ID.eq(src.ledger()).and(COST_DAY.DAY.eq(src.day())));
        var joinedWs = src.workspace() == null
                ? from
                : from.leftJoin(WORKSPACE)
                        .on(WORKSPACE.LEDGER_ID.eq(src.ledger()).and(WORKSPACE.WORKSPACE_ID.eq(src.workspace())));
        var joinedKey = !byKey
                ? joinedWs
                : joinedWs.leftJoin(API_KEY)
                        .on(API_KEY.LEDGER_ID.eq(src.ledger()).and(API_KEY.API_KEY_ID.eq(src.apiKey())));
        var joined = !byActor
                ? joinedKey
                : joinedKey.leftJoin(ACTOR).on(ACTOR.LEDGER_ID.eq(src.ledger()).and(ACTOR.ACTOR_ID.eq(src.actor())));
        var query = dsl.select(select)
                .from(joined)
                .where(conditions(src, tenantId, range, filter))
                .groupBy(groupBy)
                .orderBy(orderBy)
                .offset(offset)
                .limit(limit);
        List<Row> rows = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        int totalRows = 0;
        for (Record r : query.fetch()) {
            rows.add(new Row(
                    period == null ? null : r.get(period, LocalDate.class),
                    value(r, fields, Dimension.MODEL_FAMILY),
                    value(r, fields, Dimension.MODEL_VERSION),
                    value(r, fields, Dimension.MODEL),
                    value(r, fields, Dimension.WORKSPACE),
                    fields.containsKey(Dimension.WORKSPACE) ? r.get(workspaceName) : null,
                    value(r, fields, Dimension.COST_TYPE),
                    value(r, fields, Dimension.TOKEN_TYPE),
                    value(r, fields, Dimension.SERVICE_TIER),
                    value(r, fields, Dimension.CONTEXT_WINDOW),
                    value(r, fields, Dimension.INFERENCE_GEO),
                    value(r, fields, Dimension.SPEED),
                    value(r, fields, Dimension.API_KEY),
                    byKey ? r.get(keyName) : null,
                    value(r, fields, Dimension.ACTOR),
                    byActor ? r.get(actorName) : null,
                    value(r, fields, Dimension.PRODUCT),
                    byProvider ? value(r, fields, Dimension.PROVIDER) : null,
                    r.get(amount),
                    r.get(listAmount),
                    Boolean.TRUE.equals(r.get(PROVISIONAL))));
            sum = r.get(total) == null ? BigDecimal.ZERO : r.get(total);
            totalRows = r.get(count);
        }
        if (rows.isEmpty() && offset > 0) {
            // Past the last page: still report the answer's total.
            Page first = query(dsl, tenantId, range, filter, dims, order, 0, 1);
            return new Page(List.of(), first.total(), first.totalRows());
        }
        return new Page(rows, sum, totalRows);
    }

    /** Sum of the range (exact). */
    BigDecimal total(DSLContext dsl, UUID tenantId, CostQuery.Range range, CostQuery.Filter filter) {
        Source src = source(List.of(), filter);
        BigDecimal v = dsl.select(DSL.sum(src.amount()))
                .from(src.table())
                .where(conditions(src, tenantId, range, filter))
                .fetchOne(0, BigDecimal.class);
        return v == null ? BigDecimal.ZERO : v;
    }

    /** Ledgers of the tenant that a live (not removed) connection feeds: the ones whose freshness counts. */
    private static Condition connected(UUID tenantId, Field<UUID> ledger) {
        return DSL.exists(DSL.selectOne()
                .from(CONNECTION)
                .where(CONNECTION.LEDGER_ID.eq(ledger))
                .and(CONNECTION.TENANT_ID.eq(tenantId))
                .and(CONNECTION.STATUS.ne(ConnectionStatus.REMOVED)));
    }

    /** Last day stored for every connected organization of the tenant (the smallest of their last days). */
    Optional<LocalDate> completeThrough(DSLContext dsl, UUID tenantId) {
        var perLedger = dsl.select(DSL.max(COST_DAY.DAY).as("last_day"))
                .from(COST_DAY)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_DAY.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(connected(tenantId, COST_DAY.LEDGER_ID))
                .groupBy(COST_DAY.LEDGER_ID)
                .asTable("per_ledger");
        return Optional.ofNullable(dsl.select(DSL.min(perLedger.field("last_day", LocalDate.class)))
                .from(perLedger)
                .fetchOne(0, LocalDate.class));
    }

    /**
     * The last day through which every day of every connected organization is FINAL: per ledger,
     * the day before its first day that is not FINAL or is followed by a gap, else its last day;
     * then the smallest over the ledgers. A day never fetched or still provisional is never inside.
     */
    Optional<LocalDate> finalThrough(DSLContext dsl, UUID tenantId) {
        Field<LocalDate> next = DSL.lead(COST_DAY.DAY)
                .over()
                .partitionBy(COST_DAY.LEDGER_ID)
                .orderBy(COST_DAY.DAY)
                .as("next_day");
        var days = dsl.select(COST_DAY.LEDGER_ID, COST_DAY.DAY, COST_DAY.STATUS, next)
                .from(COST_DAY)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_DAY.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(connected(tenantId, COST_DAY.LEDGER_ID))
                .asTable("days");
        Field<UUID> ledger = days.field(COST_DAY.LEDGER_ID);
        Field<LocalDate> day = days.field(COST_DAY.DAY);
        Field<String> status = days.field(COST_DAY.STATUS);
        Field<LocalDate> nextDay = days.field("next_day", LocalDate.class);
        Field<LocalDate> firstProvisional = DSL.min(day).filterWhere(status.ne("FINAL"));
        Field<LocalDate> firstBeforeGap = DSL.min(day)
                .filterWhere(nextDay.isNotNull().and(DSL.field("{0} > {1} + 1", Boolean.class, nextDay, day)));
        Field<LocalDate> beforeProvisional = DSL.field("{0} - 1", LocalDate.class, firstProvisional);
        var perLedger = dsl.select(DSL.least(
                                DSL.coalesce(beforeProvisional, DSL.max(day)),
                                DSL.coalesce(firstBeforeGap, DSL.max(day)))
                        .as("final_through"))
                .from(days)
                .groupBy(ledger)
                .asTable("per_ledger");
        return Optional.ofNullable(dsl.select(DSL.min(perLedger.field("final_through", LocalDate.class)))
                .from(perLedger)
                .fetchOne(0, LocalDate.class));
    }

    /** Corrections of the tenant's days in the range, by day then detection time, from {@code offset}. */
    List<Correction> restatements(DSLContext dsl, UUID tenantId, CostQuery.Range range, int offset, int limit) {
        return dsl.select(
                        COST_RESTATEMENT.DAY,
                        LEDGER.EXTERNAL_ORG_ID,
                        LEDGER.EXTERNAL_ORG_NAME,
                        COST_RESTATEMENT.OLD_TOTAL_USD,
                        COST_RESTATEMENT.NEW_TOTAL_USD,
                        COST_RESTATEMENT.RESTATED_AT,
                        COST_RESTATEMENT.AFTER_FINAL,
                        LEDGER.PROVIDER)
                .from(COST_RESTATEMENT)
                .join(LEDGER)
                .on(LEDGER.LEDGER_ID.eq(COST_RESTATEMENT.LEDGER_ID))
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .and(COST_RESTATEMENT.DAY.between(range.start(), range.end()))
                .orderBy(COST_RESTATEMENT.DAY, COST_RESTATEMENT.RESTATED_AT, COST_RESTATEMENT.RESTATEMENT_ID)
                .offset(offset)
                .limit(limit)
                .fetch(r -> new Correction(
                        r.value1(),
                        r.value2(),
                        r.value3(),
                        r.value4(),
                        r.value5(),
                        r.value6(),
                        r.value7(),
                        r.value8()));
    }

    /** Workspaces the tenant has costs in: id ('' for Default) → name. */
    List<String[]> workspaces(DSLContext dsl, UUID tenantId) {
        return dsl.select(COST_ROLLUP_DETAIL.WORKSPACE_ID, DETAIL.workspaceName())
                .from(COST_ROLLUP_DETAIL)
                .leftJoin(WORKSPACE)
                .on(WORKSPACE
                        .LEDGER_ID
                        .eq(COST_ROLLUP_DETAIL.LEDGER_ID)
                        .and(WORKSPACE.WORKSPACE_ID.eq(COST_ROLLUP_DETAIL.WORKSPACE_ID)))
                .where(COST_ROLLUP_DETAIL.TENANT_ID.eq(tenantId))
                .groupBy(COST_ROLLUP_DETAIL.WORKSPACE_ID)
                .orderBy(DSL.field(DSL.name("workspace_name")), COST_ROLLUP_DETAIL.WORKSPACE_ID)
                .fetch(r -> new String[] {r.value1(), r.value2()});
    }

    /** Values of an analytics tag ('' = not attributed) with names, over the tenant's costs. */
    List<String[]> tagValues(DSLContext dsl, UUID tenantId, String key) {
        Field<String> id = switch (key) {
            case "api_key" -> COST_ROLLUP_DETAIL.API_KEY_ID;
            case "actor" -> COST_ROLLUP_DETAIL.ACTOR_ID;
            default -> COST_ROLLUP_DETAIL.PRODUCT;
        };
        Field<String> label = switch (key) {
            case "api_key" -> DSL.max(API_KEY.NAME);
            case "actor" -> DSL.max(ACTOR.LABEL);
            default -> DSL.inline((String) null);
        };
        Field<String> name = DSL.coalesce(
                        label, DSL.when(id.eq(""), DSL.inline("Not attributed")).otherwise(id))
                .as("name");
        return dsl.select(id, name)
                .from(COST_ROLLUP_DETAIL)
                .leftJoin(API_KEY)
                .on(API_KEY.LEDGER_ID
                        .eq(COST_ROLLUP_DETAIL.LEDGER_ID)
                        .and(API_KEY.API_KEY_ID.eq(COST_ROLLUP_DETAIL.API_KEY_ID)))
                .leftJoin(ACTOR)
                .on(ACTOR.LEDGER_ID
                        .eq(COST_ROLLUP_DETAIL.LEDGER_ID)
                        .and(ACTOR.ACTOR_ID.eq(COST_ROLLUP_DETAIL.ACTOR_ID)))
                .where(COST_ROLLUP_DETAIL.TENANT_ID.eq(tenantId))
                .groupBy(id)
                .orderBy(DSL.field(DSL.name("name")), id)
                .limit(10_000)
                .fetch(r -> new String[] {r.value1(), r.value2()});
    }

    /** List price and billed cost of the range over the rows that state a list price. */
    Discount discount(DSLContext dsl, UUID tenantId, CostQuery.Range range, CostQuery.Filter filter) {
        Source src = source(List.of(), filter);
        if (src == FAMILY) { // it keeps no list price: the narrow rollup with the fewest rows a day does
            src = NARROW.get(Dimension.SPEED);
        }
        Field<BigDecimal> billed = src.listed() != null
                ? DSL.sum(src.listed())
                : DSL.sum(src.amount()).filterWhere(src.listAmount().isNotNull());
        return dsl.select(DSL.sum(src.listAmount()), billed)
                .from(src.table())
                .where(conditions(src, tenantId, range, filter))
                .fetchSingle(r -> new Discount(r.value1(), r.value2() == null ? BigDecimal.ZERO : r.value2()));
    }

    /** Today's estimate over the tenant's connected ledgers: hours of {@code day}, oldest first. */
    Nowcast nowcast(DSLContext dsl, UUID tenantId, LocalDate day) {
        OffsetDateTime from = day.atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
        var rows = dsl.select(
                        COST_NOWCAST.HOUR_START,
                        DSL.sum(COST_NOWCAST.AMOUNT_USD),
                        DSL.sum(COST_NOWCAST.LIST_AMOUNT_USD),
                        DSL.min(COST_NOWCAST.FETCHED_AT),
                        DSL.min(COST_NOWCAST.DATA_REFRESHED_AT))
                .from(COST_NOWCAST)
                .where(COST_NOWCAST.TENANT_ID.eq(tenantId))
                .and(connected(tenantId, COST_NOWCAST.LEDGER_ID))
                .and(COST_NOWCAST.HOUR_START.ge(from))
                .and(COST_NOWCAST.HOUR_START.lt(from.plusDays(1)))
                // A day the ledger already holds closed is never estimated again.
                .andNotExists(DSL.selectOne()
                        .from(COST_DAY)
                        .where(COST_DAY.LEDGER_ID.eq(COST_NOWCAST.LEDGER_ID))
                        .and(COST_DAY.DAY.eq(day)))
                .groupBy(COST_NOWCAST.HOUR_START)
                .orderBy(COST_NOWCAST.HOUR_START)
                .fetch();
        List<NowcastHour> hours = new ArrayList<>();
        OffsetDateTime fetched = null;
        OffsetDateTime refreshed = null;
        for (var r : rows) {
            hours.add(new NowcastHour(r.value1(), r.value2(), r.value3()));
            fetched = fetched == null || (r.value4() != null && r.value4().isBefore(fetched)) ? r.value4() : fetched;
            refreshed = refreshed == null || (r.value5() != null && r.value5().isBefore(refreshed))
                    ? r.value5()
                    : refreshed;
        }
        return new Nowcast(hours, fetched, refreshed);
    }

    /**
     * Streams every line item of the range to {@code sink}, a few hundred rows in memory at a time, from
     * one read-only transaction bounded by the export limits: {@code statement_timeout} for the query,
     * and {@code idle_in_transaction_session_timeout} as a backstop should the sink hang past the stall
     * timeout (PostgreSQL then ends the session itself). A query over the statement timeout fails with
     * {@link ErrorReason#EXPORT_TIMEOUT}.
     */
    void forEachLineItem(
            DSLContext dsl,
            UUID tenantId,
            CostQuery.Range range,
            CostQuery.Filter filter,
            ServerConfig.Exports limits,
            Consumer<LineItem> sink) {
        // Usage per price group (V8), shared among the group's cost lines in proportion to their cost.
        var usage = DSL.select(
                        USAGE_LINE_ITEM.LEDGER_ID,
                        USAGE_LINE_ITEM.DAY,
                        USAGE_LINE_ITEM.WORKSPACE_ID,
                        USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE,
                        USAGE_LINE_ITEM.SERVICE_TIER,
                        USAGE_LINE_ITEM.CONTEXT_WINDOW,
                        USAGE_LINE_ITEM.SPEED,
                        DSL.sum(USAGE_LINE_ITEM.QUANTITY).as("quantity"))
                .from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.TENANT_ID.eq(tenantId))
                .and(USAGE_LINE_ITEM.DAY.between(range.start(), range.end()))
                .groupBy(
                        USAGE_LINE_ITEM.LEDGER_ID,
                        USAGE_LINE_ITEM.DAY,
                        USAGE_LINE_ITEM.WORKSPACE_ID,
                        USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE,
                        USAGE_LINE_ITEM.SERVICE_TIER,
                        USAGE_LINE_ITEM.CONTEXT_WINDOW,
                        USAGE_LINE_ITEM.SPEED)
                .asTable("u");
        Field<String> usageType = DSL.when(COST_LINE_ITEM.COST_TYPE.eq("web_search"), DSL.inline("web_search_requests"))
                .otherwise(COST_LINE_ITEM.TOKEN_TYPE);
        Field<BigDecimal> groupQuantity = usage.field("quantity", BigDecimal.class);
        Field<Long> lineQuantity = DSL.field(
                        "round({0} * {1} / nullif(sum({1}) over (partition by {2}, {3}, {4}, {5}, "
                                + "{6}, {7}, {8}, {9}), 0))",
                        Long.class,
                        groupQuantity,
                        COST_LINE_ITEM.AMOUNT_USD,
                        COST_LINE_ITEM.LEDGER_ID,
                        COST_LINE_ITEM.DAY,
                        COST_LINE_ITEM.WORKSPACE_ID,
                        COST_LINE_ITEM.MODEL,
                        usageType,
                        COST_LINE_ITEM.SERVICE_TIER,
                        COST_LINE_ITEM.CONTEXT_WINDOW,
                        COST_LINE_ITEM.SPEED)
                .as("usage_quantity");
        Field<Boolean> restated = DSL.field(DSL.exists(DSL.selectOne()
                        .from(COST_RESTATEMENT)
                        .where(COST_RESTATEMENT.LEDGER_ID.eq(COST_LINE_ITEM.LEDGER_ID))
                        .and(COST_RESTATEMENT.DAY.eq(COST_LINE_ITEM.DAY))))
                .as("restated");
        try {
            dsl.transaction(c -> {
                c.dsl().execute("SET TRANSACTION READ ONLY");
                c.dsl()
                        .execute("SET LOCAL statement_timeout = "
                                + limits.statementTimeout().toMillis());
                c.dsl()
                        .execute("SET LOCAL idle_in_transaction_session_timeout = "
                                + limits.stallTimeout().plusSeconds(30).toMillis());
                try (Cursor<? extends Record> cursor = c.dsl()
                        .select(
                                COST_LINE_ITEM.DAY,
                                LEDGER.EXTERNAL_ORG_ID,
                                LEDGER.EXTERNAL_ORG_NAME,
                                LEDGER.PROVIDER,
                                COST_LINE_ITEM.WORKSPACE_ID,
                                WORKSPACE.NAME,
                                COST_LINE_ITEM.DESCRIPTION,
                                COST_LINE_ITEM.MODEL,
                                COST_LINE_ITEM.MODEL_FAMILY,
                                COST_LINE_ITEM.MODEL_VERSION,
                                COST_LINE_ITEM.COST_TYPE,
                                COST_LINE_ITEM.TOKEN_TYPE,
                                COST_LINE_ITEM.SERVICE_TIER,
                                COST_LINE_ITEM.CONTEXT_WINDOW,
                                COST_LINE_ITEM.INFERENCE_GEO,
                                COST_LINE_ITEM.SPEED,
                                COST_LINE_ITEM.AMOUNT_USD,
                                COST_DAY.STATUS,
                                restated,
                                COST_LINE_ITEM.API_KEY_ID,
                                API_KEY.NAME,
                                COST_LINE_ITEM.ACTOR_ID,
                                ACTOR.LABEL,
                                COST_LINE_ITEM.PRODUCT,
                                COST_LINE_ITEM.LIST_AMOUNT_USD,
                                COST_DAY.SOURCE,
                                lineQuantity)
                        .from(COST_LINE_ITEM)
                        .join(LEDGER)
                        .on(LEDGER.LEDGER_ID.eq(COST_LINE_ITEM.LEDGER_ID))
                        .leftJoin(COST_DAY)
                        .on(COST_DAY.LEDGER_ID.eq(COST_LINE_ITEM.LEDGER_ID).and(COST_DAY.DAY.eq(COST_LINE_ITEM.DAY)))
                        .leftJoin(WORKSPACE)
                        .on(WORKSPACE
                                .LEDGER_ID
                                .eq(COST_LINE_ITEM.LEDGER_ID)
                                .and(WORKSPACE.WORKSPACE_ID.eq(COST_LINE_ITEM.WORKSPACE_ID)))
                        .leftJoin(API_KEY)
                        .on(API_KEY.LEDGER_ID
                                .eq(COST_LINE_ITEM.LEDGER_ID)
                                .and(API_KEY.API_KEY_ID.eq(COST_LINE_ITEM.API_KEY_ID)))
                        .leftJoin(ACTOR)
                        .on(ACTOR.LEDGER_ID
                                .eq(COST_LINE_ITEM.LEDGER_ID)
                                .and(ACTOR.ACTOR_ID.eq(COST_LINE_ITEM.ACTOR_ID)))
                        .leftJoin(usage)
                        .on(usage.field(USAGE_LINE_ITEM.LEDGER_ID)
                                .eq(COST_LINE_ITEM.LEDGER_ID)
                                .and(usage.field(USAGE_LINE_ITEM.DAY).eq(COST_LINE_ITEM.DAY))
                                .and(usage.field(USAGE_LINE_ITEM.WORKSPACE_ID).eq(COST_LINE_ITEM.WORKSPACE_ID))
                                .and(usage.field(USAGE_LINE_ITEM.MODEL).eq(COST_LINE_ITEM.MODEL))
                                .and(usage.field(USAGE_LINE_ITEM.USAGE_TYPE).eq(usageType))
                                .and(usage.field(USAGE_LINE_ITEM.SERVICE_TIER).eq(COST_LINE_ITEM.SERVICE_TIER))
                                .and(usage.field(USAGE_LINE_ITEM.CONTEXT_WINDOW).eq(COST_LINE_ITEM.CONTEXT_WINDOW))
                                .and(usage.field(USAGE_LINE_ITEM.SPEED).eq(COST_LINE_ITEM.SPEED))
                                .and(COST_LINE_ITEM.COST_TYPE.in("tokens", "web_search")))
                        .where(rawConditions(tenantId, range, filter))
                        .orderBy(COST_LINE_ITEM.DAY, COST_LINE_ITEM.LINE_ITEM_ID)
                        .fetchSize(500)
                        .fetchLazy()) {
                    for (Record r : cursor) {
                        String ws = r.get(COST_LINE_ITEM.WORKSPACE_ID);
                        String wsName = WorkspaceId.name(ws, r.get(WORKSPACE.NAME));
                        sink.accept(new LineItem(
                                r.get(COST_LINE_ITEM.DAY),
                                r.get(LEDGER.EXTERNAL_ORG_ID),
                                r.get(LEDGER.EXTERNAL_ORG_NAME),
                                ws,
                                wsName,
                                r.get(COST_LINE_ITEM.DESCRIPTION),
                                r.get(COST_LINE_ITEM.MODEL),
                                r.get(COST_LINE_ITEM.MODEL_FAMILY),
                                r.get(COST_LINE_ITEM.MODEL_VERSION),
                                r.get(COST_LINE_ITEM.COST_TYPE),
                                r.get(COST_LINE_ITEM.TOKEN_TYPE),
                                r.get(COST_LINE_ITEM.SERVICE_TIER),
                                r.get(COST_LINE_ITEM.CONTEXT_WINDOW),
                                r.get(COST_LINE_ITEM.INFERENCE_GEO),
                                r.get(COST_LINE_ITEM.SPEED),
                                r.get(COST_LINE_ITEM.AMOUNT_USD),
                                "FINAL".equals(r.get(COST_DAY.STATUS)),
                                Boolean.TRUE.equals(r.get(restated)),
                                r.get(COST_LINE_ITEM.API_KEY_ID),
                                r.get(API_KEY.NAME),
                                r.get(COST_LINE_ITEM.ACTOR_ID),
                                r.get(ACTOR.LABEL),
                                r.get(COST_LINE_ITEM.PRODUCT),
                                r.get(COST_LINE_ITEM.LIST_AMOUNT_USD),
                                r.get(COST_DAY.SOURCE),
                                r.get(LEDGER.PROVIDER),
                                r.get(lineQuantity)));
                    }
                }
            });
        } catch (DataAccessException e) {
            if ("57014".equals(e.sqlState())) { // query_canceled: the statement timeout
                throw new FinoraException(
                        ErrorReason.EXPORT_TIMEOUT,
                        "The export's query ran longer than "
                                + limits.statementTimeout().toSeconds() + " s; export a shorter date range.",
                        Map.of(),
                        e);
            }
            throw e;
        }
    }

    private static Condition conditions(Source src, UUID tenantId, CostQuery.Range range, CostQuery.Filter filter) {
        Condition c = src.tenant().eq(tenantId).and(src.day().between(range.start(), range.end()));
        if (src.only() != null) {
            c = c.and(src.only());
        }
        if (filter.noProvider()) {
            c = c.and(DSL.falseCondition());
        }
        if (filter.providers() != null && !filter.providers().isEmpty()) {
            c = c.and(src.ledger()
                    .in(DSL.select(LEDGER.LEDGER_ID)
                            .from(LEDGER)
                            .where(LEDGER.TENANT_ID.eq(tenantId))
                            .and(LEDGER.PROVIDER.in(filter.providers()))));
        }
        if (!filter.modelFamilies().isEmpty()) {
            c = c.and(src.family().in(filter.modelFamilies()));
        }
        if (!filter.models().isEmpty()) {
            c = c.and(src.model().in(filter.models()));
        }
        if (!filter.workspaceIds().isEmpty()) {
            c = c.and(src.workspace().in(filter.workspaceIds()));
        }
        if (!filter.apiKeyIds().isEmpty()) {
            c = c.and(src.apiKey().in(filter.apiKeyIds()));
        }
        if (!filter.actorIds().isEmpty()) {
            c = c.and(src.actor().in(filter.actorIds()));
        }
        if (!filter.products().isEmpty()) {
            c = c.and(src.product().in(filter.products()));
        }
        return c;
    }

    /** The same filters over the raw line items (exports). */
    private static Condition rawConditions(UUID tenantId, CostQuery.Range range, CostQuery.Filter filter) {
        return conditions(
                new Source(
                        COST_LINE_ITEM,
                        COST_LINE_ITEM.TENANT_ID,
                        COST_LINE_ITEM.LEDGER_ID,
                        COST_LINE_ITEM.DAY,
                        COST_LINE_ITEM.MODEL_FAMILY,
                        COST_LINE_ITEM.MODEL_VERSION,
                        COST_LINE_ITEM.MODEL,
                        COST_LINE_ITEM.WORKSPACE_ID,
                        COST_LINE_ITEM.COST_TYPE,
                        COST_LINE_ITEM.TOKEN_TYPE,
                        COST_LINE_ITEM.SERVICE_TIER,
                        COST_LINE_ITEM.CONTEXT_WINDOW,
                        COST_LINE_ITEM.INFERENCE_GEO,
                        COST_LINE_ITEM.SPEED,
                        COST_LINE_ITEM.API_KEY_ID,
                        COST_LINE_ITEM.ACTOR_ID,
                        COST_LINE_ITEM.PRODUCT,
                        COST_LINE_ITEM.AMOUNT_USD,
                        COST_LINE_ITEM.LIST_AMOUNT_USD,
                        null,
                        null),
                tenantId,
                range,
                filter);
    }

    /**
     * The asked dimensions plus those a model determines: grouping by model also fills in its family
     * and version, and grouping by version its family (versions of different families share names).
     * Adding them never splits a group.
     */
    private static List<Dimension> implied(List<Dimension> dims) {
        List<Dimension> all = new ArrayList<>(dims);
        boolean byModel = dims.contains(Dimension.MODEL);
        if ((byModel || dims.contains(Dimension.MODEL_VERSION)) && !all.contains(Dimension.MODEL_FAMILY)) {
            all.add(Dimension.MODEL_FAMILY);
        }
        if (byModel && !all.contains(Dimension.MODEL_VERSION)) {
            all.add(Dimension.MODEL_VERSION);
        }
        return all;
    }

    private static Field<?> dimension(Source src, Dimension d) {
        return switch (d) {
            case DAY -> src.day();
            case WEEK ->
                DSL.field("cast(date_trunc('week', {0}) as date)", LocalDate.class, src.day())
                        .as("week");
            case MONTH ->
                DSL.field("cast(date_trunc('month', {0}) as date)", LocalDate.class, src.day())
                        .as("month");
            case MODEL_FAMILY -> src.family();
            case MODEL -> src.model();
            case WORKSPACE -> src.workspace();
            case COST_TYPE -> src.costType();
            case TOKEN_TYPE -> src.tokenType();
            case SERVICE_TIER -> src.tier();
            case MODEL_VERSION -> src.version();
            case CONTEXT_WINDOW -> src.contextWindow();
            case INFERENCE_GEO -> src.inferenceGeo();
            case SPEED -> src.speed();
            case API_KEY -> src.apiKey();
            case ACTOR -> src.actor();
            case PRODUCT -> src.product();
            // The ledger's provider (the query joins LEDGER): Anthropic and OpenAI side by side.
            case PROVIDER -> LEDGER.PROVIDER;
        };
    }

    private static String value(Record r, Map<Dimension, Field<?>> fields, Dimension d) {
        Field<?> f = fields.get(d);
        return f == null ? null : r.get(f, String.class);
    }
}
