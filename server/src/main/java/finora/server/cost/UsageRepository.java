package finora.server.cost;

import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.USAGE_LINE_ITEM;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Token usage reads over {@code usage_line_item} (V8), scoped to one tenant, and the pairing of
 * cost with usage at the grain that sets a price: ledger, day, workspace, model, token type,
 * service tier, context window and speed.
 */
final class UsageRepository {

    /** Where cost and usage meet: one price key of one ledger's day and workspace. */
    record PriceGroupKey(
            UUID ledgerId,
            LocalDate day,
            String workspaceId,
            String model,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String speed) {}

    /**
     * Cost and usage of one price group: {@code billed} and {@code list} are null when no cost line
     * has it ({@code list} also when no line states a list price); {@code quantity} is null when the
     * usage report counted nothing for it.
     */
    record PriceGroup(
            PriceGroupKey key,
            String provider,
            String organizationId,
            String organizationName,
            BigDecimal billed,
            BigDecimal list,
            Long quantity) {}

    /** The usage type a cost line's tokens are counted under: its token type, or web search requests. */
    static final Field<String> COST_USAGE_TYPE = DSL.when(
                    COST_LINE_ITEM.COST_TYPE.eq("web_search"), DSL.inline("web_search_requests"))
            .otherwise(COST_LINE_ITEM.TOKEN_TYPE)
            .as("usage_type");

    /** Every price group of the tenant's ledgers in the inclusive range, cost and usage side by side. */
    List<PriceGroup> priceGroups(DSLContext dsl, UUID tenantId, CostQuery.Range range) {
        Map<PriceGroupKey, PriceGroup> groups = new LinkedHashMap<>();
        Map<UUID, String[]> ledgers = new LinkedHashMap<>();
        dsl.select(LEDGER.LEDGER_ID, LEDGER.PROVIDER, LEDGER.EXTERNAL_ORG_ID, LEDGER.EXTERNAL_ORG_NAME)
                .from(LEDGER)
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .forEach(r -> ledgers.put(r.value1(), new String[] {r.value2(), r.value3(), r.value4()}));
        dsl.select(
                        COST_LINE_ITEM.LEDGER_ID,
                        COST_LINE_ITEM.DAY,
                        COST_LINE_ITEM.WORKSPACE_ID,
                        COST_LINE_ITEM.MODEL,
                        COST_USAGE_TYPE,
                        COST_LINE_ITEM.SERVICE_TIER,
                        COST_LINE_ITEM.CONTEXT_WINDOW,
                        COST_LINE_ITEM.SPEED,
                        DSL.sum(COST_LINE_ITEM.AMOUNT_USD),
                        DSL.sum(COST_LINE_ITEM.LIST_AMOUNT_USD))
                .from(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.TENANT_ID.eq(tenantId))
                .and(COST_LINE_ITEM.DAY.between(range.start(), range.end()))
                .and(COST_LINE_ITEM.COST_TYPE.in("tokens", "web_search"))
                .groupBy(
                        COST_LINE_ITEM.LEDGER_ID,
                        COST_LINE_ITEM.DAY,
                        COST_LINE_ITEM.WORKSPACE_ID,
                        COST_LINE_ITEM.MODEL,
                        COST_USAGE_TYPE,
                        COST_LINE_ITEM.SERVICE_TIER,
                        COST_LINE_ITEM.CONTEXT_WINDOW,
                        COST_LINE_ITEM.SPEED)
                .forEach(r -> {
                    PriceGroupKey key = new PriceGroupKey(
                            r.value1(),
                            r.value2(),
                            r.value3(),
                            r.value4(),
                            r.value5(),
                            r.value6(),
                            r.value7(),
                            r.value8());
                    String[] l = ledgers.get(key.ledgerId());
                    groups.put(key, new PriceGroup(key, l[0], l[1], l[2], r.value9(), r.value10(), null));
                });
        dsl.select(
                        USAGE_LINE_ITEM.LEDGER_ID,
                        USAGE_LINE_ITEM.DAY,
                        USAGE_LINE_ITEM.WORKSPACE_ID,
                        USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE,
                        USAGE_LINE_ITEM.SERVICE_TIER,
                        USAGE_LINE_ITEM.CONTEXT_WINDOW,
                        USAGE_LINE_ITEM.SPEED,
                        DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
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
                .forEach(r -> {
                    PriceGroupKey key = new PriceGroupKey(
                            r.value1(),
                            r.value2(),
                            r.value3(),
                            r.value4(),
                            r.value5(),
                            r.value6(),
                            r.value7(),
                            r.value8());
                    PriceGroup cost = groups.get(key);
                    String[] l = ledgers.get(key.ledgerId());
                    groups.put(
                            key,
                            cost == null
                                    ? new PriceGroup(key, l[0], l[1], l[2], null, null, r.value9())
                                    : new PriceGroup(
                                            key,
                                            cost.provider(),
                                            cost.organizationId(),
                                            cost.organizationName(),
                                            cost.billed(),
                                            cost.list(),
                                            r.value9()));
                });
        return List.copyOf(groups.values());
    }

    /** Dimensions the usage report is split by; grouping by any other leaves quantities unknown. */
    static final java.util.Set<Dimension> USAGE_DIMENSIONS = java.util.EnumSet.of(
            Dimension.DAY,
            Dimension.WEEK,
            Dimension.MONTH,
            Dimension.PROVIDER,
            Dimension.MODEL_FAMILY,
            Dimension.MODEL_VERSION,
            Dimension.MODEL,
            Dimension.WORKSPACE,
            Dimension.COST_TYPE,
            Dimension.TOKEN_TYPE,
            Dimension.SERVICE_TIER,
            Dimension.CONTEXT_WINDOW,
            Dimension.SPEED);

    /** Whether usage quantities can be told for a query: every dimension and filter is one usage has. */
    static boolean knowable(List<Dimension> dims, CostQuery.Filter filter) {
        return USAGE_DIMENSIONS.containsAll(dims)
                && filter.apiKeyIds().isEmpty()
                && filter.actorIds().isEmpty()
                && filter.products().isEmpty()
                && !filter.noProvider();
    }

    /**
     * Usage per group of a QueryCosts question (call only when {@link #knowable}): the key is the
     * list of the asked dimensions' values in the order asked (period as a date, the rest as the
     * cost rows name them: cost type {@code tokens} or {@code web_search}, token type '' for web
     * search). Without cost or token type among the dimensions only tokens are counted (requests
     * are another unit).
     */
    Map<List<Object>, Long> quantities(
            DSLContext dsl, UUID tenantId, CostQuery.Range range, CostQuery.Filter filter, List<Dimension> dims) {
        boolean byType = dims.contains(Dimension.COST_TYPE) || dims.contains(Dimension.TOKEN_TYPE);
        java.util.List<Field<?>> fields = new java.util.ArrayList<>();
        for (Dimension d : dims) {
            Field<?> f = switch (d) {
                case DAY -> USAGE_LINE_ITEM.DAY;
                case WEEK -> DSL.field("cast(date_trunc('week', {0}) as date)", LocalDate.class, USAGE_LINE_ITEM.DAY);
                case MONTH -> DSL.field("cast(date_trunc('month', {0}) as date)", LocalDate.class, USAGE_LINE_ITEM.DAY);
                case MODEL_FAMILY -> USAGE_LINE_ITEM.MODEL_FAMILY;
                case MODEL_VERSION -> USAGE_LINE_ITEM.MODEL_VERSION;
                case MODEL -> USAGE_LINE_ITEM.MODEL;
                case WORKSPACE -> USAGE_LINE_ITEM.WORKSPACE_ID;
                case COST_TYPE ->
                    DSL.when(USAGE_LINE_ITEM.USAGE_TYPE.eq("web_search_requests"), DSL.inline("web_search"))
                            .otherwise(DSL.inline("tokens"));
                case TOKEN_TYPE ->
                    DSL.when(USAGE_LINE_ITEM.USAGE_TYPE.eq("web_search_requests"), DSL.inline(""))
                            .otherwise(USAGE_LINE_ITEM.USAGE_TYPE);
                case SERVICE_TIER -> USAGE_LINE_ITEM.SERVICE_TIER;
                case CONTEXT_WINDOW -> USAGE_LINE_ITEM.CONTEXT_WINDOW;
                case SPEED -> USAGE_LINE_ITEM.SPEED;
                default -> DSL.inline("");
            };
            fields.add(f.as("d" + fields.size()));
        }
        org.jooq.Condition c =
                USAGE_LINE_ITEM.TENANT_ID.eq(tenantId).and(USAGE_LINE_ITEM.DAY.between(range.start(), range.end()));
        if (!filter.modelFamilies().isEmpty()) {
            c = c.and(USAGE_LINE_ITEM.MODEL_FAMILY.in(filter.modelFamilies()));
        }
        if (!filter.models().isEmpty()) {
            c = c.and(USAGE_LINE_ITEM.MODEL.in(filter.models()));
        }
        if (!filter.workspaceIds().isEmpty()) {
            c = c.and(USAGE_LINE_ITEM.WORKSPACE_ID.in(filter.workspaceIds()));
        }
        if (!byType) {
            c = c.and(USAGE_LINE_ITEM.USAGE_TYPE.ne("web_search_requests"));
        }
        java.util.List<Field<?>> select = new java.util.ArrayList<>(fields);
        Field<Long> quantity =
                DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class).as("quantity");
        select.add(quantity);
        java.util.List<Field<?>> groupBy = new java.util.ArrayList<>();
        for (int k = 0; k < fields.size(); k++) {
            groupBy.add(DSL.field(DSL.name("d" + k)));
        }
        Map<List<Object>, Long> result = new java.util.HashMap<>();
        var query = dsl.select(select).from(USAGE_LINE_ITEM).where(c);
        (groupBy.isEmpty() ? query : query.groupBy(groupBy)).forEach(r -> {
            java.util.List<Object> key = new java.util.ArrayList<>();
            for (int k = 0; k < fields.size(); k++) {
                key.add(r.get(k));
            }
            if (r.get(quantity) != null) {
                result.put(key, r.get(quantity));
            }
        });
        return result;
    }

    /** One kind of token of a range at one price key, for the token summary. */
    record TokenCount(
            LocalDate day,
            String model,
            String usageType,
            String serviceTier,
            String contextWindow,
            String speed,
            long quantity) {}

    /** Tokens of the tenant's range by day and price key (web search requests left out), filtered. */
    List<TokenCount> tokenCounts(DSLContext dsl, UUID tenantId, CostQuery.Range range, CostQuery.Filter filter) {
        org.jooq.Condition c = USAGE_LINE_ITEM
                .TENANT_ID
                .eq(tenantId)
                .and(USAGE_LINE_ITEM.DAY.between(range.start(), range.end()))
                .and(USAGE_LINE_ITEM.USAGE_TYPE.ne("web_search_requests"));
        if (!filter.modelFamilies().isEmpty()) {
            c = c.and(USAGE_LINE_ITEM.MODEL_FAMILY.in(filter.modelFamilies()));
        }
        if (!filter.models().isEmpty()) {
            c = c.and(USAGE_LINE_ITEM.MODEL.in(filter.models()));
        }
        if (!filter.workspaceIds().isEmpty()) {
            c = c.and(USAGE_LINE_ITEM.WORKSPACE_ID.in(filter.workspaceIds()));
        }
        return dsl.select(
                        USAGE_LINE_ITEM.DAY,
                        USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE,
                        USAGE_LINE_ITEM.SERVICE_TIER,
                        USAGE_LINE_ITEM.CONTEXT_WINDOW,
                        USAGE_LINE_ITEM.SPEED,
                        DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
                .from(USAGE_LINE_ITEM)
                .where(c)
                .groupBy(
                        USAGE_LINE_ITEM.DAY,
                        USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE,
                        USAGE_LINE_ITEM.SERVICE_TIER,
                        USAGE_LINE_ITEM.CONTEXT_WINDOW,
                        USAGE_LINE_ITEM.SPEED)
                .fetch(r -> new TokenCount(
                        r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7()));
    }

    /** Billed cost of token lines of the range, filtered like the token counts. */
    BigDecimal tokenCost(DSLContext dsl, UUID tenantId, CostQuery.Range range, CostQuery.Filter filter) {
        org.jooq.Condition c = COST_LINE_ITEM
                .TENANT_ID
                .eq(tenantId)
                .and(COST_LINE_ITEM.DAY.between(range.start(), range.end()))
                .and(COST_LINE_ITEM.COST_TYPE.eq("tokens"));
        if (!filter.modelFamilies().isEmpty()) {
            c = c.and(COST_LINE_ITEM.MODEL_FAMILY.in(filter.modelFamilies()));
        }
        if (!filter.models().isEmpty()) {
            c = c.and(COST_LINE_ITEM.MODEL.in(filter.models()));
        }
        if (!filter.workspaceIds().isEmpty()) {
            c = c.and(COST_LINE_ITEM.WORKSPACE_ID.in(filter.workspaceIds()));
        }
        BigDecimal v = dsl.select(DSL.sum(COST_LINE_ITEM.AMOUNT_USD))
                .from(COST_LINE_ITEM)
                .where(c)
                .fetchOne(0, BigDecimal.class);
        return v == null ? BigDecimal.ZERO : v;
    }
}
