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
    record PriceGroupKey(UUID ledgerId, LocalDate day, String workspaceId, String model, String tokenType,
            String serviceTier, String contextWindow, String speed) {}

    /**
     * Cost and usage of one price group: {@code billed} and {@code list} are null when no cost line
     * has it ({@code list} also when no line states a list price); {@code quantity} is null when the
     * usage report counted nothing for it.
     */
    record PriceGroup(PriceGroupKey key, String provider, String organizationId, String organizationName,
            BigDecimal billed, BigDecimal list, Long quantity) {}

    /** The usage type a cost line's tokens are counted under: its token type, or web search requests. */
    static final Field<String> COST_USAGE_TYPE = DSL.when(COST_LINE_ITEM.COST_TYPE.eq("web_search"),
            DSL.inline("web_search_requests")).otherwise(COST_LINE_ITEM.TOKEN_TYPE).as("usage_type");

    /** Every price group of the tenant's ledgers in the inclusive range, cost and usage side by side. */
    List<PriceGroup> priceGroups(DSLContext dsl, UUID tenantId, CostRequest.Range range) {
        Map<PriceGroupKey, PriceGroup> groups = new LinkedHashMap<>();
        Map<UUID, String[]> ledgers = new LinkedHashMap<>();
        dsl.select(LEDGER.LEDGER_ID, LEDGER.PROVIDER, LEDGER.EXTERNAL_ORG_ID, LEDGER.EXTERNAL_ORG_NAME).from(LEDGER)
                .where(LEDGER.TENANT_ID.eq(tenantId))
                .forEach(r -> ledgers.put(r.value1(), new String[] {r.value2(), r.value3(), r.value4()}));
        dsl.select(COST_LINE_ITEM.LEDGER_ID, COST_LINE_ITEM.DAY, COST_LINE_ITEM.WORKSPACE_ID, COST_LINE_ITEM.MODEL,
                        COST_USAGE_TYPE, COST_LINE_ITEM.SERVICE_TIER, COST_LINE_ITEM.CONTEXT_WINDOW,
                        COST_LINE_ITEM.SPEED, DSL.sum(COST_LINE_ITEM.AMOUNT_USD),
                        DSL.sum(COST_LINE_ITEM.LIST_AMOUNT_USD))
                .from(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.TENANT_ID.eq(tenantId))
                .and(COST_LINE_ITEM.DAY.between(range.start(), range.end()))
                .and(COST_LINE_ITEM.COST_TYPE.in("tokens", "web_search"))
                .groupBy(COST_LINE_ITEM.LEDGER_ID, COST_LINE_ITEM.DAY, COST_LINE_ITEM.WORKSPACE_ID,
                        COST_LINE_ITEM.MODEL, COST_USAGE_TYPE, COST_LINE_ITEM.SERVICE_TIER,
                        COST_LINE_ITEM.CONTEXT_WINDOW, COST_LINE_ITEM.SPEED)
                .forEach(r -> {
                    PriceGroupKey key = new PriceGroupKey(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                            r.value6(), r.value7(), r.value8());
                    String[] l = ledgers.get(key.ledgerId());
                    groups.put(key, new PriceGroup(key, l[0], l[1], l[2], r.value9(), r.value10(), null));
                });
        dsl.select(USAGE_LINE_ITEM.LEDGER_ID, USAGE_LINE_ITEM.DAY, USAGE_LINE_ITEM.WORKSPACE_ID, USAGE_LINE_ITEM.MODEL,
                        USAGE_LINE_ITEM.USAGE_TYPE, USAGE_LINE_ITEM.SERVICE_TIER, USAGE_LINE_ITEM.CONTEXT_WINDOW,
                        USAGE_LINE_ITEM.SPEED, DSL.sum(USAGE_LINE_ITEM.QUANTITY).cast(Long.class))
                .from(USAGE_LINE_ITEM)
                .where(USAGE_LINE_ITEM.TENANT_ID.eq(tenantId))
                .and(USAGE_LINE_ITEM.DAY.between(range.start(), range.end()))
                .groupBy(USAGE_LINE_ITEM.LEDGER_ID, USAGE_LINE_ITEM.DAY, USAGE_LINE_ITEM.WORKSPACE_ID,
                        USAGE_LINE_ITEM.MODEL, USAGE_LINE_ITEM.USAGE_TYPE, USAGE_LINE_ITEM.SERVICE_TIER,
                        USAGE_LINE_ITEM.CONTEXT_WINDOW, USAGE_LINE_ITEM.SPEED)
                .forEach(r -> {
                    PriceGroupKey key = new PriceGroupKey(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                            r.value6(), r.value7(), r.value8());
                    PriceGroup cost = groups.get(key);
                    String[] l = ledgers.get(key.ledgerId());
                    groups.put(key, cost == null ? new PriceGroup(key, l[0], l[1], l[2], null, null, r.value9())
                            : new PriceGroup(key, cost.provider(), cost.organizationId(), cost.organizationName(),
                                    cost.billed(), cost.list(), r.value9()));
                });
        return List.copyOf(groups.values());
    }
}
