package finora.server.cost;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.db.jooq.Tables.COST_RESTATEMENT;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.WORKSPACE;

import finora.db.types.ConnectionStatus;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jooq.DSLContext;

/** Writes deterministic cost rows straight into the tables, and keeps them as the test's truth. */
final class CostSeeder {
    /** One seeded line item, as the test sees it. */
    record Item(
            UUID tenant,
            UUID ledger,
            LocalDate day,
            String workspaceId,
            String model,
            String family,
            String version,
            String costType,
            String tokenType,
            String serviceTier,
            BigDecimal amount) {}

    static final String[][] MODELS = {
        {"claude-sonnet-4-5-20250929", "Sonnet", "4.5"},
        {"claude-opus-4-6", "Opus", "4.6"},
        {"claude-3-5-haiku-20241022", "Haiku", "3.5"},
        {"claude-fable-5", "Fable", "5"},
        {"", "", ""},
    };
    static final String[] WORKSPACES = {"", "wrkspc_prod", "wrkspc_research"};
    static final String[] TOKEN_TYPES = {"uncached_input_tokens", "output_tokens", "cache_read_input_tokens"};

    final List<Item> items = new ArrayList<>();
    private final DSLContext dsl;
    private final Random random;

    CostSeeder(DSLContext dsl, long seed) {
        this.dsl = dsl;
        this.random = new Random(seed);
    }

    /** A connected organization: its ledger (returned) and a live ledger feeding it. */
    UUID connection(UUID tenant, String orgId, String orgName) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.of(2026, 11, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        dsl.insertInto(LEDGER)
                .set(LEDGER.LEDGER_ID, id)
                .set(LEDGER.TENANT_ID, tenant)
                .set(LEDGER.PROVIDER, "ANTHROPIC")
                .set(LEDGER.EXTERNAL_ORG_ID, orgId)
                .set(LEDGER.EXTERNAL_ORG_NAME, orgName)
                .set(LEDGER.CREATED_AT, now)
                .execute();
        dsl.insertInto(CONNECTION)
                .set(CONNECTION.CONNECTION_ID, UUID.randomUUID())
                .set(CONNECTION.LEDGER_ID, id)
                .set(CONNECTION.TENANT_ID, tenant)
                .set(CONNECTION.PROVIDER, "ANTHROPIC")
                .set(CONNECTION.EXTERNAL_ORG_ID, orgId)
                .set(CONNECTION.EXTERNAL_ORG_NAME, orgName)
                .set(CONNECTION.STATUS, ConnectionStatus.ACTIVE)
                .set(CONNECTION.CREATED_AT, now)
                .execute();
        dsl.insertInto(WORKSPACE)
                .set(WORKSPACE.LEDGER_ID, id)
                .set(WORKSPACE.WORKSPACE_ID, "wrkspc_prod")
                .set(WORKSPACE.NAME, "Production")
                .execute();
        dsl.insertInto(WORKSPACE)
                .set(WORKSPACE.LEDGER_ID, id)
                .set(WORKSPACE.WORKSPACE_ID, "wrkspc_research")
                .set(WORKSPACE.NAME, "Research, \"R&D\"")
                .execute();
        return id;
    }

    /** Seeds {@code days} days from {@code first}; days on or after {@code provisionalFrom} are PROVISIONAL. */
    void days(UUID tenant, UUID ledger, LocalDate first, int days, LocalDate provisionalFrom) {
        var insert = dsl.insertInto(
                COST_LINE_ITEM,
                COST_LINE_ITEM.TENANT_ID,
                COST_LINE_ITEM.LEDGER_ID,
                COST_LINE_ITEM.DAY,
                COST_LINE_ITEM.WORKSPACE_ID,
                COST_LINE_ITEM.DESCRIPTION,
                COST_LINE_ITEM.MODEL,
                COST_LINE_ITEM.MODEL_FAMILY,
                COST_LINE_ITEM.MODEL_VERSION,
                COST_LINE_ITEM.COST_TYPE,
                COST_LINE_ITEM.TOKEN_TYPE,
                COST_LINE_ITEM.SERVICE_TIER,
                COST_LINE_ITEM.CONTEXT_WINDOW,
                COST_LINE_ITEM.INFERENCE_GEO,
                COST_LINE_ITEM.AMOUNT_USD);
        for (int d = 0; d < days; d++) {
            LocalDate day = first.plusDays(d);
            BigDecimal total = BigDecimal.ZERO;
            for (String ws : WORKSPACES) {
                for (String[] m : MODELS) {
                    String[] tokenTypes = m[0].isEmpty() ? new String[] {""} : TOKEN_TYPES;
                    for (String tt : tokenTypes) {
                        if (random.nextInt(4) == 0) {
                            continue;
                        }
                        String tier = random.nextBoolean() ? "standard" : "batch";
                        String costType = m[0].isEmpty() ? "web_search" : "tokens";
                        // cents with 6 decimals, divided by 100: up to 8 decimals of USD
                        BigDecimal amount = BigDecimal.valueOf(random.nextInt(50_000_000), 6)
                                .divide(BigDecimal.valueOf(100));
                        insert = insert.values(
                                tenant,
                                ledger,
                                day,
                                ws,
                                m[0] + " " + tt + " " + tier,
                                m[0],
                                m[1],
                                m[2],
                                costType,
                                tt,
                                tier,
                                "0-200k",
                                "global",
                                amount);
                        items.add(new Item(tenant, ledger, day, ws, m[0], m[1], m[2], costType, tt, tier, amount));
                        total = total.add(amount);
                    }
                }
            }
            dsl.insertInto(COST_DAY)
                    .set(COST_DAY.LEDGER_ID, ledger)
                    .set(COST_DAY.DAY, day)
                    .set(COST_DAY.TOTAL_USD, total)
                    .set(COST_DAY.FETCHED_AT, OffsetDateTime.of(2026, 11, 25, 0, 0, 0, 0, ZoneOffset.UTC))
                    .set(COST_DAY.STATUS, day.isBefore(provisionalFrom) ? "FINAL" : "PROVISIONAL")
                    .execute();
        }
        insert.execute();
    }

    void restate(UUID ledger, LocalDate day) {
        dsl.insertInto(COST_RESTATEMENT)
                .set(COST_RESTATEMENT.LEDGER_ID, ledger)
                .set(COST_RESTATEMENT.DAY, day)
                .set(COST_RESTATEMENT.OLD_TOTAL_USD, BigDecimal.ONE)
                .set(COST_RESTATEMENT.NEW_TOTAL_USD, BigDecimal.TEN)
                .set(COST_RESTATEMENT.RESTATED_AT, OffsetDateTime.of(2026, 11, 25, 0, 0, 0, 0, ZoneOffset.UTC))
                .execute();
    }
}
