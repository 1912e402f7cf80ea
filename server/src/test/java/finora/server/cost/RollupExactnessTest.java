package finora.server.cost;

import static finora.db.jooq.Tables.CONNECTION;
import static finora.db.jooq.Tables.COST_DAY;
import static finora.db.jooq.Tables.COST_LINE_ITEM;
import static finora.db.jooq.Tables.LEDGER;
import static finora.db.jooq.Tables.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import finora.db.types.ConnectionStatus;
import finora.server.testing.PostgresFixture;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every answer read from the rollups (family, narrow per dimension, detail) equals the plain
 * {@code GROUP BY} over the seeded line items, for every grouping the API accepts (each dimension
 * alone, with each time grain, and pairs of them) crossed with every filter; also after the line
 * items were updated and deleted (the triggers refresh the rollups), and for totals and discounts.
 */
class RollupExactnessTest {
    private static final LocalDate FIRST = LocalDate.of(2026, 1, 1);
    private static final int DAYS = 75;
    private static final String[] FAMILIES = {"Sonnet", "Opus", "Haiku"};
    private static final String[][] MODELS = {
        {"claude-sonnet-4-5", "Sonnet", "4.5"},
        {"claude-sonnet-5", "Sonnet", "5"},
        {"claude-opus-4-6", "Opus", "4.6"},
        {"claude-3-5-haiku", "Haiku", "3.5"}
    };
    private static final String[] WORKSPACES = {"", "wrkspc_a", "wrkspc_b"};
    private static final String[] KEYS = {"", "apikey_1", "apikey_2"};
    private static final String[] ACTORS = {"", "user_1", "user_2", "user_3"};
    private static final String[] PRODUCTS = {"", "api", "claude_code"};

    private static PostgresFixture.TestDatabase db;
    private static final CostRepository repository = new CostRepository();
    private static final UUID tenant = UUID.randomUUID();
    private static final UUID otherTenant = UUID.randomUUID();
    private static UUID ledger;

    /** One seeded line item as the test keeps it: the truth. */
    record Item(
            long id,
            LocalDate day,
            String family,
            String version,
            String model,
            String workspace,
            String costType,
            String tokenType,
            String tier,
            String contextWindow,
            String geo,
            String speed,
            String apiKey,
            String actor,
            String product,
            BigDecimal amount,
            BigDecimal list) {}

    private static final List<Item> items = new ArrayList<>();

    @BeforeAll
    static void seed() {
        db = PostgresFixture.newDatabase();
        ledger = ledger(tenant, "org-a");
        UUID otherLedger = ledger(otherTenant, "org-b");
        Random random = new Random(7);
        seedItems(tenant, ledger, random, true);
        seedItems(otherTenant, otherLedger, random, false); // must never leak into the tenant's answers
        // Changes after the first fill: the triggers must recompute the touched days exactly.
        List<Long> ids = db.dsl()
                .select(COST_LINE_ITEM.LINE_ITEM_ID)
                .from(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.TENANT_ID.eq(tenant))
                .orderBy(COST_LINE_ITEM.LINE_ITEM_ID)
                .fetch()
                .getValues(0, Long.class);
        List<Long> deleted = ids.stream().filter(id -> id % 13 == 0).toList();
        db.dsl()
                .deleteFrom(COST_LINE_ITEM)
                .where(COST_LINE_ITEM.LINE_ITEM_ID.in(deleted))
                .execute();
        items.removeIf(i -> deleted.contains(i.id()));
        db.dsl()
                .update(COST_LINE_ITEM)
                .set(COST_LINE_ITEM.AMOUNT_USD, COST_LINE_ITEM.AMOUNT_USD.add(new BigDecimal("0.0000001")))
                .where(COST_LINE_ITEM.LINE_ITEM_ID.in(
                        ids.stream().filter(id -> id % 7 == 0).toList()))
                .execute();
        items.replaceAll(i -> i.id() % 7 != 0
                ? i
                : new Item(
                        i.id(),
                        i.day(),
                        i.family(),
                        i.version(),
                        i.model(),
                        i.workspace(),
                        i.costType(),
                        i.tokenType(),
                        i.tier(),
                        i.contextWindow(),
                        i.geo(),
                        i.speed(),
                        i.apiKey(),
                        i.actor(),
                        i.product(),
                        i.amount().add(new BigDecimal("0.0000001")),
                        i.list()));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static UUID ledger(UUID tenantId, String org) {
        OffsetDateTime now = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        db.dsl()
                .insertInto(TENANT)
                .set(TENANT.TENANT_ID, tenantId)
                .set(TENANT.NAME, "t-" + tenantId)
                .set(TENANT.PLAN, "ENTERPRISE")
                .set(TENANT.CREATED_AT, now)
                .execute();
        UUID id = UUID.randomUUID();
        db.dsl()
                .insertInto(LEDGER)
                .set(LEDGER.LEDGER_ID, id)
                .set(LEDGER.TENANT_ID, tenantId)
                .set(LEDGER.PROVIDER, "ANTHROPIC")
                .set(LEDGER.EXTERNAL_ORG_ID, org)
                .set(LEDGER.EXTERNAL_ORG_NAME, org)
                .set(LEDGER.CREATED_AT, now)
                .execute();
        db.dsl()
                .insertInto(CONNECTION)
                .set(CONNECTION.CONNECTION_ID, UUID.randomUUID())
                .set(CONNECTION.LEDGER_ID, id)
                .set(CONNECTION.TENANT_ID, tenantId)
                .set(CONNECTION.PROVIDER, "ANTHROPIC")
                .set(CONNECTION.EXTERNAL_ORG_ID, org)
                .set(CONNECTION.EXTERNAL_ORG_NAME, org)
                .set(CONNECTION.STATUS, ConnectionStatus.ACTIVE)
                .set(CONNECTION.CREATED_AT, now)
                .execute();
        return id;
    }

    private static void seedItems(UUID tenantId, UUID ledgerId, Random random, boolean keep) {
        for (int d = 0; d < DAYS; d++) {
            LocalDate day = FIRST.plusDays(d);
            db.dsl()
                    .insertInto(COST_DAY)
                    .set(COST_DAY.LEDGER_ID, ledgerId)
                    .set(COST_DAY.DAY, day)
                    .set(COST_DAY.TOTAL_USD, BigDecimal.ZERO)
                    .set(COST_DAY.FETCHED_AT, OffsetDateTime.of(2026, 4, 1, 0, 0, 0, 0, ZoneOffset.UTC))
                    .set(COST_DAY.STATUS, d < DAYS - 3 ? "FINAL" : "PROVISIONAL")
                    .execute();
            var insert = db.dsl()
                    .insertInto(
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
                            COST_LINE_ITEM.SPEED,
                            COST_LINE_ITEM.API_KEY_ID,
                            COST_LINE_ITEM.ACTOR_ID,
                            COST_LINE_ITEM.PRODUCT,
                            COST_LINE_ITEM.AMOUNT_USD,
                            COST_LINE_ITEM.LIST_AMOUNT_USD);
            List<Item> dayItems = new ArrayList<>();
            for (int k = 0; k < 12; k++) {
                String[] m = MODELS[random.nextInt(MODELS.length)];
                BigDecimal amount = BigDecimal.valueOf(random.nextInt(1_000_000_000), 6 + random.nextInt(5));
                // Some rows state a list price, some do not, within the same day and dimensions.
                BigDecimal list =
                        random.nextInt(3) == 0 ? null : amount.add(BigDecimal.valueOf(random.nextInt(999), 4));
                Item i = new Item(
                        0,
                        day,
                        m[1],
                        m[2],
                        m[0],
                        pick(random, WORKSPACES),
                        random.nextBoolean() ? "tokens" : "web_search",
                        pick(random, new String[] {"output_tokens", "uncached_input_tokens"}),
                        random.nextBoolean() ? "standard" : "batch",
                        random.nextBoolean() ? "0-200k" : "200k-1M",
                        random.nextBoolean() ? "global" : "us",
                        random.nextInt(5) == 0 ? "fast" : "",
                        pick(random, KEYS),
                        pick(random, ACTORS),
                        pick(random, PRODUCTS),
                        amount,
                        list);
                insert = insert.values(
                        tenantId,
                        ledgerId,
                        day,
                        i.workspace(),
                        "item-" + k,
                        i.model(),
                        i.family(),
                        i.version(),
                        i.costType(),
                        i.tokenType(),
                        i.tier(),
                        i.contextWindow(),
                        i.geo(),
                        i.speed(),
                        i.apiKey(),
                        i.actor(),
                        i.product(),
                        i.amount(),
                        i.list());
                dayItems.add(i);
            }
            var ids =
                    insert.returningResult(COST_LINE_ITEM.LINE_ITEM_ID).fetch().getValues(0, Long.class);
            if (keep) {
                for (int k = 0; k < dayItems.size(); k++) {
                    Item i = dayItems.get(k);
                    items.add(new Item(
                            ids.get(k),
                            i.day(),
                            i.family(),
                            i.version(),
                            i.model(),
                            i.workspace(),
                            i.costType(),
                            i.tokenType(),
                            i.tier(),
                            i.contextWindow(),
                            i.geo(),
                            i.speed(),
                            i.apiKey(),
                            i.actor(),
                            i.product(),
                            i.amount(),
                            i.list()));
                }
            }
        }
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static final List<Dimension> OTHER = List.of(
            Dimension.MODEL_FAMILY,
            Dimension.MODEL_VERSION,
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
            Dimension.PRODUCT);
    private static final List<Dimension> TIME = List.of(Dimension.DAY, Dimension.WEEK, Dimension.MONTH);

    /** A filter and the predicate it means over the seeded items. */
    private record NamedFilter(String name, CostQuery.Filter filter, Predicate<Item> keeps) {}

    private static List<NamedFilter> filters() {
        List<String> none = List.of();
        return List.of(
                new NamedFilter(
                        "none", new CostQuery.Filter(none, none, none, false, none, none, none, none), i -> true),
                new NamedFilter(
                        "family",
                        new CostQuery.Filter(List.of("Sonnet", "Haiku"), none, none, false, none, none, none, none),
                        i -> !i.family().equals("Opus")),
                new NamedFilter(
                        "model",
                        new CostQuery.Filter(none, List.of("claude-sonnet-5"), none, false, none, none, none, none),
                        i -> i.model().equals("claude-sonnet-5")),
                new NamedFilter(
                        "workspace",
                        new CostQuery.Filter(none, none, List.of("", "wrkspc_b"), false, none, none, none, none),
                        i -> !i.workspace().equals("wrkspc_a")),
                new NamedFilter(
                        "api key",
                        new CostQuery.Filter(none, none, none, false, List.of("apikey_1"), none, none, none),
                        i -> i.apiKey().equals("apikey_1")),
                new NamedFilter(
                        "actor",
                        new CostQuery.Filter(none, none, none, false, none, List.of("", "user_3"), none, none),
                        i -> i.actor().isEmpty() || i.actor().equals("user_3")),
                new NamedFilter(
                        "product",
                        new CostQuery.Filter(none, none, none, false, none, none, List.of("claude_code"), none),
                        i -> i.product().equals("claude_code")),
                new NamedFilter(
                        "family + workspace + key",
                        new CostQuery.Filter(
                                List.of("Sonnet"),
                                none,
                                List.of("wrkspc_a"),
                                false,
                                List.of("apikey_2"),
                                none,
                                none,
                                none),
                        i -> i.family().equals("Sonnet")
                                && i.workspace().equals("wrkspc_a")
                                && i.apiKey().equals("apikey_2")));
    }

    private static List<List<Dimension>> groupings() {
        List<List<Dimension>> all = new ArrayList<>();
        all.add(List.of());
        for (Dimension t : TIME) {
            all.add(List.of(t));
        }
        for (Dimension d : OTHER) {
            all.add(List.of(d));
            all.add(List.of(Dimension.DAY, d));
            all.add(List.of(Dimension.MONTH, d));
        }
        // pairs of other dimensions (the detail rollup) and one triple
        all.add(List.of(Dimension.WORKSPACE, Dimension.MODEL));
        all.add(List.of(Dimension.WEEK, Dimension.API_KEY, Dimension.ACTOR));
        all.add(List.of(Dimension.PRODUCT, Dimension.SPEED, Dimension.MODEL_VERSION));
        return all;
    }

    private static Object key(Item i, Dimension d) {
        return switch (d) {
            case DAY -> i.day();
            case WEEK -> i.day().with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
            case MONTH -> i.day().withDayOfMonth(1);
            case MODEL_FAMILY -> i.family();
            case MODEL_VERSION -> i.family() + "/" + i.version();
            case MODEL -> i.model();
            case WORKSPACE -> i.workspace();
            case COST_TYPE -> i.costType();
            case TOKEN_TYPE -> i.tokenType();
            case SERVICE_TIER -> i.tier();
            case CONTEXT_WINDOW -> i.contextWindow();
            case INFERENCE_GEO -> i.geo();
            case SPEED -> i.speed();
            case API_KEY -> i.apiKey();
            case ACTOR -> i.actor();
            case PRODUCT -> i.product();
            default -> throw new IllegalArgumentException(d.name());
        };
    }

    private static Object key(CostRepository.Row r, Dimension d) {
        return switch (d) {
            case DAY, WEEK, MONTH -> r.period();
            case MODEL_FAMILY -> r.modelFamily();
            case MODEL_VERSION -> r.modelFamily() + "/" + r.modelVersion();
            case MODEL -> r.model();
            case WORKSPACE -> r.workspaceId();
            case COST_TYPE -> r.costType();
            case TOKEN_TYPE -> r.tokenType();
            case SERVICE_TIER -> r.serviceTier();
            case CONTEXT_WINDOW -> r.contextWindow();
            case INFERENCE_GEO -> r.inferenceGeo();
            case SPEED -> r.speed();
            case API_KEY -> r.apiKeyId();
            case ACTOR -> r.actorId();
            case PRODUCT -> r.product();
            default -> throw new IllegalArgumentException(d.name());
        };
    }

    private static <T> Map<List<Object>, BigDecimal> sums(
            List<T> rows, Function<T, List<Object>> keyOf, Function<T, BigDecimal> amount) {
        Map<List<Object>, BigDecimal> m = new HashMap<>();
        for (T r : rows) {
            m.merge(keyOf.apply(r), amount.apply(r), BigDecimal::add);
        }
        m.replaceAll((k, v) -> v.stripTrailingZeros());
        return m;
    }

    @Test
    void everyGroupingAndFilter_equalsThePlainGroupByOverTheLineItems() {
        // a range that starts and ends mid-week and mid-month
        CostQuery.Range range = new CostQuery.Range(FIRST.plusDays(3), FIRST.plusDays(DAYS - 5));
        int checked = 0;
        for (NamedFilter f : filters()) {
            List<Item> kept = items.stream()
                    .filter(i -> !i.day().isBefore(range.start()) && !i.day().isAfter(range.end()))
                    .filter(f.keeps())
                    .toList();
            BigDecimal truthTotal = kept.stream().map(Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(repository.total(db.dsl(), tenant, range, f.filter()))
                    .as("total, filter %s", f.name())
                    .isEqualByComparingTo(truthTotal);
            for (List<Dimension> dims : groupings()) {
                var page = repository.query(db.dsl(), tenant, range, f.filter(), dims, Order.DATE, 0, 100_000);
                String what = "group by " + dims + ", filter " + f.name();
                Map<List<Object>, BigDecimal> truth =
                        sums(kept, i -> dims.stream().map(d -> key(i, d)).toList(), Item::amount);
                Map<List<Object>, BigDecimal> got =
                        sums(page.rows(), r -> dims.stream().map(d -> key(r, d)).toList(), CostRepository.Row::amount);
                if (dims.isEmpty() && kept.isEmpty()) {
                    truth = Map.of(List.of(), BigDecimal.ZERO);
                }
                assertThat(got).as(what).isEqualTo(truth);
                assertThat(page.rows()).as(what + ": one row per group").hasSize(truth.size());
                assertThat(page.total()).as(what + ": total").isEqualByComparingTo(truthTotal);
                assertThat(page.totalRows()).as(what).isEqualTo(truth.size());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(filters().size() * groupings().size());
    }

    @Test
    void discount_isListPriceAgainstTheBilledAmountOfTheRowsThatStateOne_underEveryFilter() {
        CostQuery.Range range = new CostQuery.Range(FIRST, FIRST.plusDays(DAYS - 1));
        for (NamedFilter f : filters()) {
            List<Item> listed = items.stream()
                    .filter(f.keeps())
                    .filter(i -> i.list() != null)
                    .toList();
            var discount = repository.discount(db.dsl(), tenant, range, f.filter());
            assertThat(discount.list())
                    .as(f.name())
                    .isEqualByComparingTo(listed.stream().map(Item::list).reduce(BigDecimal.ZERO, BigDecimal::add));
            assertThat(discount.billed())
                    .as(f.name())
                    .isEqualByComparingTo(listed.stream().map(Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
        }
    }

    @Test
    void provisionalGroups_areThoseTouchingAProvisionalDay() {
        CostQuery.Range range = new CostQuery.Range(FIRST, FIRST.plusDays(DAYS - 1));
        var page = repository.query(
                db.dsl(),
                tenant,
                range,
                filters().get(0).filter(),
                List.of(Dimension.DAY, Dimension.WORKSPACE),
                Order.DATE,
                0,
                100_000);
        LocalDate firstProvisional = FIRST.plusDays(DAYS - 3);
        assertThat(page.rows())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.provisional())
                        .as(r.period() + " " + r.workspaceId())
                        .isEqualTo(!r.period().isBefore(firstProvisional)));
        assertThat(ChronoUnit.DAYS.between(FIRST, firstProvisional)).isEqualTo(DAYS - 3);
    }
}
