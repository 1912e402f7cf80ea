package finora.server.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import finora.api.v1.CostDimension;
import finora.api.v1.CostFilter;
import finora.api.v1.CostOrder;
import finora.api.v1.CostRow;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportFormat;
import finora.api.v1.GetSpendSummaryRequest;
import finora.api.v1.ListTagValuesRequest;
import finora.api.v1.QueryCostsRequest;
import finora.api.v1.QueryCostsResponse;
import finora.api.v1.TagFilter;
import finora.api.v1.TagValue;
import finora.server.auth.Plan;
import finora.server.auth.Role;
import finora.server.grpc.UsdMoney;
import finora.server.testing.GrpcErrors;
import finora.server.testing.TestServer;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CostService through gRPC over seeded rows, checked against a BigDecimal truth computed here. */
class CostGrpcTest {
    private static final LocalDate FIRST = LocalDate.of(2026, 8, 1);
    private static final int DAYS = 116; // through 2026-11-24, the last closed day at the test clock
    private static final LocalDate PROVISIONAL_FROM = LocalDate.of(2026, 11, 23);

    private static TestServer server;
    private static CostSeeder seeder;
    private static TestServer.Tenant acme;
    private static TestServer.Tenant globex;
    private static String reader;
    private static UUID acmeConnection;

    @BeforeAll
    static void seed() throws Exception {
        server = TestServer.start();
        acme = server.tenant("acme", Plan.SCALE);
        globex = server.tenant("globex", Plan.SCALE);
        reader = server.token(acme, Role.READER);
        seeder = new CostSeeder(server.database().dsl(), 42);
        acmeConnection = seeder.connection(acme.id(), "org-acme-1", "Acme Org");
        UUID acme2 = seeder.connection(acme.id(), "org-acme-2", "Acme Labs");
        UUID globexConnection = seeder.connection(globex.id(), "org-globex", "Globex");
        seeder.days(acme.id(), acmeConnection, FIRST, DAYS, PROVISIONAL_FROM);
        seeder.days(acme.id(), acme2, FIRST.plusDays(30), DAYS - 30, PROVISIONAL_FROM);
        seeder.days(globex.id(), globexConnection, FIRST, DAYS, PROVISIONAL_FROM);
        seeder.restate(acmeConnection, LocalDate.of(2026, 11, 20));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static com.google.type.Date date(LocalDate d) {
        return finora.server.grpc.ProtoValues.date(d);
    }

    private static BigDecimal usd(com.google.type.Money m) {
        assertThat(m.getCurrencyCode()).isEqualTo("USD");
        return UsdMoney.toBigDecimal(m);
    }

    private static List<CostSeeder.Item> acmeItems(LocalDate start, LocalDate end, Predicate<CostSeeder.Item> filter) {
        return seeder.items.stream()
                .filter(i -> i.tenant().equals(acme.id()))
                .filter(i -> !i.day().isBefore(start) && !i.day().isAfter(end))
                .filter(filter)
                .toList();
    }

    private static List<CostRow> allRows(QueryCostsRequest request) {
        List<CostRow> rows = new ArrayList<>();
        String token = "";
        do {
            QueryCostsResponse page = server.costs(reader)
                    .queryCosts(request.toBuilder().setPageToken(token).build());
            rows.addAll(page.getRowsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return rows;
    }

    static Stream<Arguments> groupings() {
        return Stream.of(
                Arguments.of(List.of()),
                Arguments.of(List.of(CostDimension.COST_DIMENSION_DAY)),
                Arguments.of(List.of(CostDimension.COST_DIMENSION_WEEK)),
                Arguments.of(List.of(CostDimension.COST_DIMENSION_MONTH, CostDimension.COST_DIMENSION_MODEL_FAMILY)),
                Arguments.of(List.of(CostDimension.COST_DIMENSION_DAY, CostDimension.COST_DIMENSION_MODEL_FAMILY)),
                Arguments.of(List.of(CostDimension.COST_DIMENSION_MODEL)),
                Arguments.of(List.of(CostDimension.COST_DIMENSION_WORKSPACE, CostDimension.COST_DIMENSION_PROVIDER)),
                Arguments.of(List.of(
                        CostDimension.COST_DIMENSION_COST_TYPE,
                        CostDimension.COST_DIMENSION_TOKEN_TYPE,
                        CostDimension.COST_DIMENSION_SERVICE_TIER)),
                Arguments.of(List.of(
                        CostDimension.COST_DIMENSION_WEEK,
                        CostDimension.COST_DIMENSION_WORKSPACE,
                        CostDimension.COST_DIMENSION_MODEL)));
    }

    /** The key a row has for the given dimensions, from the proto row or from a seeded item. */
    private static String key(List<CostDimension> dims, CostRow r) {
        return dims.stream()
                .map(d -> switch (d) {
                    case COST_DIMENSION_DAY, COST_DIMENSION_WEEK, COST_DIMENSION_MONTH ->
                        LocalDate.of(
                                        r.getPeriodStart().getYear(),
                                        r.getPeriodStart().getMonth(),
                                        r.getPeriodStart().getDay())
                                .toString();
                    case COST_DIMENSION_PROVIDER -> r.getProvider().name();
                    case COST_DIMENSION_MODEL_FAMILY -> r.getModelFamily();
                    case COST_DIMENSION_MODEL -> r.getModel();
                    case COST_DIMENSION_WORKSPACE -> r.getWorkspaceId();
                    case COST_DIMENSION_COST_TYPE -> r.getCostType();
                    case COST_DIMENSION_TOKEN_TYPE -> r.getTokenType();
                    case COST_DIMENSION_SERVICE_TIER -> r.getServiceTier();
                    default -> throw new IllegalArgumentException();
                })
                .collect(Collectors.joining("|"));
    }

    private static String key(List<CostDimension> dims, CostSeeder.Item i) {
        return dims.stream()
                .map(d -> switch (d) {
                    case COST_DIMENSION_DAY -> i.day().toString();
                    case COST_DIMENSION_WEEK ->
                        i.day().minusDays(i.day().getDayOfWeek().getValue() - 1).toString();
                    case COST_DIMENSION_MONTH -> i.day().withDayOfMonth(1).toString();
                    case COST_DIMENSION_PROVIDER -> "PROVIDER_ANTHROPIC";
                    case COST_DIMENSION_MODEL_FAMILY -> i.family();
                    case COST_DIMENSION_MODEL -> i.model();
                    case COST_DIMENSION_WORKSPACE -> i.workspaceId().isEmpty() ? "default" : i.workspaceId();
                    case COST_DIMENSION_COST_TYPE -> i.costType();
                    case COST_DIMENSION_TOKEN_TYPE -> i.tokenType();
                    case COST_DIMENSION_SERVICE_TIER -> i.serviceTier();
                    default -> throw new IllegalArgumentException();
                })
                .collect(Collectors.joining("|"));
    }

    @ParameterizedTest
    @MethodSource("groupings")
    void queryCosts_sumsEqualTheTruthForEveryGrouping(List<CostDimension> dims) {
        LocalDate start = LocalDate.of(2026, 8, 20);
        LocalDate end = LocalDate.of(2026, 11, 24);
        var request = QueryCostsRequest.newBuilder()
                .setStartDate(date(start))
                .setEndDate(date(end))
                .addAllGroupBy(dims)
                .setPageSize(37)
                .build();
        List<CostRow> rows = allRows(request);
        Map<String, BigDecimal> truth = acmeItems(start, end, i -> true).stream()
                .collect(Collectors.groupingBy(
                        i -> key(dims, i),
                        Collectors.reducing(BigDecimal.ZERO, CostSeeder.Item::amount, BigDecimal::add)));
        Map<String, BigDecimal> actual = new HashMap<>();
        rows.forEach(r -> assertThat(actual.put(key(dims, r), usd(r.getAmount())))
                .as("row once")
                .isNull());
        assertThat(actual.keySet()).isEqualTo(truth.keySet());
        truth.forEach((k, v) -> assertThat(actual.get(k)).as(k).isEqualByComparingTo(v));
        BigDecimal total = truth.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(usd(server.costs(reader).queryCosts(request).getTotal())).isEqualByComparingTo(total);
    }

    @Test
    void queryCosts_filtersCombineWithAnd() {
        LocalDate start = LocalDate.of(2026, 9, 1);
        LocalDate end = LocalDate.of(2026, 9, 30);
        var response = server.costs(reader)
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .addGroupBy(CostDimension.COST_DIMENSION_MODEL)
                        .setFilter(CostFilter.newBuilder()
                                .addModelFamilies("Sonnet")
                                .addModelFamilies("Opus")
                                .addTags(TagFilter.newBuilder()
                                        .setKey("workspace")
                                        .addValues("default")
                                        .addValues("wrkspc_prod")))
                        .build());
        BigDecimal truth = acmeItems(
                        start,
                        end,
                        i -> Set.of("Sonnet", "Opus").contains(i.family())
                                && Set.of("", "wrkspc_prod").contains(i.workspaceId()))
                .stream()
                .map(CostSeeder.Item::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(usd(response.getTotal())).isEqualByComparingTo(truth);
        assertThat(response.getRowsList())
                .extracting(CostRow::getModel)
                .containsExactlyInAnyOrder("claude-sonnet-4-5-20250929", "claude-opus-4-6");

        var byModel = server.costs(reader)
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .setFilter(CostFilter.newBuilder().addModels("claude-fable-5"))
                        .build());
        assertThat(usd(byModel.getTotal()))
                .isEqualByComparingTo(acmeItems(start, end, i -> i.model().equals("claude-fable-5")).stream()
                        .map(CostSeeder.Item::amount)
                        .reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void paging_returnsEveryRowExactlyOnce_inTheAskedOrder() {
        var request = QueryCostsRequest.newBuilder()
                .setStartDate(date(FIRST))
                .setEndDate(date(FIRST.plusDays(40)))
                .addGroupBy(CostDimension.COST_DIMENSION_DAY)
                .addGroupBy(CostDimension.COST_DIMENSION_MODEL)
                .setOrderBy(CostOrder.COST_ORDER_AMOUNT_DESC)
                .setPageSize(13)
                .build();
        var first = server.costs(reader).queryCosts(request);
        List<CostRow> rows = allRows(request);
        assertThat(rows).hasSize(first.getTotalRows());
        Set<String> keys = new HashSet<>();
        rows.forEach(r -> assertThat(keys.add(key(request.getGroupByList(), r))).isTrue());
        List<BigDecimal> amounts = rows.stream().map(r -> usd(r.getAmount())).toList();
        assertThat(amounts).isSortedAccordingTo((a, b) -> b.compareTo(a));
        BigDecimal sum = amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo(usd(first.getTotal()));
    }

    @Test
    void invalidRangesAndTokens_areInvalidRange() {
        var ok = QueryCostsRequest.newBuilder()
                .setStartDate(date(FIRST))
                .setEndDate(date(FIRST.plusDays(3)))
                .addGroupBy(CostDimension.COST_DIMENSION_DAY)
                .setPageSize(1)
                .build();
        String token = server.costs(reader).queryCosts(ok).getNextPageToken();
        List<QueryCostsRequest> bad = List.of(
                ok.toBuilder().setEndDate(date(FIRST.minusDays(1))).build(),
                ok.toBuilder().setEndDate(date(FIRST.plusDays(731))).build(),
                ok.toBuilder().clearStartDate().build(),
                ok.toBuilder()
                        .setEndDate(com.google.type.Date.newBuilder()
                                .setYear(2026)
                                .setMonth(2)
                                .setDay(30))
                        .build(),
                ok.toBuilder().setPageToken("garbage").build(),
                ok.toBuilder()
                        .setPageToken(token)
                        .setEndDate(date(FIRST.plusDays(4)))
                        .build());
        for (QueryCostsRequest request : bad) {
            assertThatThrownBy(() -> server.costs(reader).queryCosts(request))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                        assertThat(GrpcErrors.reason(e)).isEqualTo("INVALID_RANGE");
                    });
        }
        // The same token belongs to no other tenant either.
        String globexReader = server.token(globex, Role.READER);
        assertThatThrownBy(() -> server.costs(globexReader)
                        .queryCosts(ok.toBuilder().setPageToken(token).build()))
                .isInstanceOf(StatusRuntimeException.class);
        // 731 days is the longest accepted range.
        server.costs(reader)
                .queryCosts(ok.toBuilder().setEndDate(date(FIRST.plusDays(730))).build());
    }

    @Test
    void anotherTenantsData_neverAppears() {
        String globexReader = server.token(globex, Role.READER);
        var request = QueryCostsRequest.newBuilder()
                .setStartDate(date(FIRST))
                .setEndDate(date(FIRST.plusDays(200)))
                .build();
        BigDecimal globexTruth = seeder.items.stream()
                .filter(i -> i.tenant().equals(globex.id()))
                .map(CostSeeder.Item::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(usd(server.costs(globexReader).queryCosts(request).getTotal()))
                .isEqualByComparingTo(globexTruth);
        var empty = server.tenant("empty-" + UUID.randomUUID(), Plan.TRIAL);
        var none = server.costs(server.token(empty, Role.READER)).queryCosts(request);
        assertThat(none.getRowsList())
                .singleElement()
                .satisfies(r -> assertThat(usd(r.getAmount())).isZero());
        assertThat(none.hasCompleteThrough()).isFalse();
        assertThat(server.costs(server.token(empty, Role.READER))
                        .listTagValues(ListTagValuesRequest.newBuilder()
                                .setKey("workspace")
                                .build())
                        .getValuesList())
                .isEmpty();
    }

    @Test
    void freshness_andProvisionalDaysAreReported() {
        var response = server.costs(reader)
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(LocalDate.of(2026, 11, 20)))
                        .setEndDate(date(LocalDate.of(2026, 11, 24)))
                        .addGroupBy(CostDimension.COST_DIMENSION_DAY)
                        .build());
        assertThat(response.getCompleteThrough()).isEqualTo(date(LocalDate.of(2026, 11, 24)));
        assertThat(response.getFinalThrough()).isEqualTo(date(LocalDate.of(2026, 11, 22)));
        assertThat(response.getRowsList())
                .extracting(r -> r.getPeriodStart().getDay() + ":" + r.getProvisional())
                .containsExactly("20:false", "21:false", "22:false", "23:true", "24:true");
    }

    @Test
    void summary_comparesWithThePreviousPeriod_andProjectsTheMonth() {
        LocalDate start = LocalDate.of(2026, 11, 1);
        LocalDate end = LocalDate.of(2026, 11, 24);
        var s = server.costs(reader)
                .getSpendSummary(GetSpendSummaryRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .build());
        BigDecimal total = sum(acmeItems(start, end, i -> true));
        BigDecimal previous = sum(acmeItems(start.minusDays(24), start.minusDays(1), i -> true));
        assertThat(usd(s.getTotal())).isEqualByComparingTo(total);
        assertThat(usd(s.getPreviousTotal())).isEqualByComparingTo(previous);
        assertThat(s.getChangePercent())
                .isEqualTo(total.subtract(previous)
                        .multiply(BigDecimal.valueOf(100))
                        .divide(previous, 1, RoundingMode.HALF_UP)
                        .toPlainString());
        assertThat(usd(s.getMonthToDate())).isEqualByComparingTo(total);
        assertThat(usd(s.getMonthEndProjection()))
                .isEqualByComparingTo(
                        total.multiply(BigDecimal.valueOf(30)).divide(BigDecimal.valueOf(24), 2, RoundingMode.HALF_UP));

        Map<String, BigDecimal> byModel = acmeItems(start, end, i -> !i.model().isEmpty()).stream()
                .collect(Collectors.groupingBy(
                        CostSeeder.Item::model,
                        Collectors.reducing(BigDecimal.ZERO, CostSeeder.Item::amount, BigDecimal::add)));
        String topModel = byModel.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        assertThat(s.getTopModelsList()).hasSize(4);
        assertThat(s.getTopModels(0).getKey()).isEqualTo(topModel);
        assertThat(usd(s.getTopModels(0).getAmount())).isEqualByComparingTo(byModel.get(topModel));
        assertThat(s.getTopWorkspacesList())
                .extracting(w -> w.getDisplayName())
                .containsExactlyInAnyOrder("Default", "Production", "Research, \"R&D\"");
    }

    @Test
    void cachedAnswers_giveWayToCommittedChanges() throws Exception {
        var tenant = server.tenant("cache-" + UUID.randomUUID(), Plan.SCALE);
        String token = server.token(tenant, Role.READER);
        CostSeeder own = new CostSeeder(server.database().dsl(), 7);
        UUID connection = own.connection(tenant.id(), "org-cache", "Cache Org");
        own.days(tenant.id(), connection, LocalDate.of(2026, 10, 1), 5, PROVISIONAL_FROM);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!server.app().costCache().live() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.app().costCache().live()).as("listening for changes").isTrue();
        var request = QueryCostsRequest.newBuilder()
                .setStartDate(date(LocalDate.of(2026, 10, 1)))
                .setEndDate(date(LocalDate.of(2026, 10, 31)))
                .addGroupBy(CostDimension.COST_DIMENSION_DAY)
                .build();
        BigDecimal before = usd(server.costs(token).queryCosts(request).getTotal());
        assertThat(usd(server.costs(token).queryCosts(request).getTotal())).isEqualByComparingTo(before);

        own.days(tenant.id(), connection, LocalDate.of(2026, 10, 10), 1, PROVISIONAL_FROM);
        BigDecimal expected = sum(own.items);
        BigDecimal after = before;
        while (after.compareTo(expected) != 0 && System.nanoTime() < deadline) {
            after = usd(server.costs(token).queryCosts(request).getTotal());
            Thread.sleep(20);
        }
        assertThat(after).isEqualByComparingTo(expected).isNotEqualByComparingTo(before);
    }

    @Test
    void listTagValues_namesTheWorkspaces() {
        var values = server.costs(reader)
                .listTagValues(
                        ListTagValuesRequest.newBuilder().setKey("workspace").build());
        assertThat(values.getValuesList())
                .extracting(TagValue::getValue)
                .containsExactlyInAnyOrder("default", "wrkspc_prod", "wrkspc_research");
        assertThatThrownBy(() -> server.costs(reader)
                        .listTagValues(
                                ListTagValuesRequest.newBuilder().setKey("team").build()))
                .isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void csvExport_rowCountAndTotalEqualTheQuery() {
        LocalDate start = LocalDate.of(2026, 9, 1);
        LocalDate end = LocalDate.of(2026, 11, 24);
        List<String> lines = export(ExportFormat.EXPORT_FORMAT_CSV, start, end);
        assertThat(lines.get(0)).isEqualTo(String.join(",", CostExportWriter.CSV_HEADER));
        List<CostSeeder.Item> truth = acmeItems(start, end, i -> true);
        assertThat(lines).hasSize(truth.size() + 1);
        var query = server.costs(reader)
                .queryCosts(QueryCostsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .build());
        BigDecimal exported = lines.stream()
                .skip(1)
                .map(l -> parseCsv(l).get(14))
                .map(BigDecimal::new)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(exported).isEqualByComparingTo(usd(query.getTotal()));
    }

    @Test
    void focusExport_headerAndARowColumnByColumn() {
        LocalDate day = LocalDate.of(2026, 11, 20);
        List<String> lines = export(ExportFormat.EXPORT_FORMAT_FOCUS, day, day);
        List<String> header = parseCsv(lines.get(0));
        assertThat(header).containsExactlyElementsOf(CostExportWriter.FOCUS_HEADER);
        CostSeeder.Item item = acmeItems(
                        day,
                        day,
                        i -> i.ledger().equals(acmeConnection)
                                && i.workspaceId().equals("wrkspc_research")
                                && i.model().equals("claude-opus-4-6"))
                .get(0);
        Map<String, String> row = lines.stream()
                .skip(1)
                .map(CostGrpcTest::parseCsv)
                .map(r -> {
                    Map<String, String> m = new java.util.LinkedHashMap<>();
                    for (int k = 0; k < header.size(); k++) {
                        m.put(header.get(k), r.get(k));
                    }
                    return m;
                })
                .filter(r -> r.get("SubAccountId").equals("wrkspc_research")
                        && r.get("SkuId").equals("claude-opus-4-6")
                        && r.get("BillingAccountId").equals("org-acme-1")
                        && r.get("x_TokenType").equals(item.tokenType())
                        && r.get("x_ServiceTier").equals(item.serviceTier()))
                .findFirst()
                .orElseThrow();
        assertThat(new BigDecimal(row.get("BilledCost"))).isEqualByComparingTo(item.amount());
        assertThat(row.get("EffectiveCost")).isEqualTo(row.get("BilledCost"));
        assertThat(row.get("ContractedCost")).isEqualTo(row.get("BilledCost"));
        assertThat(row)
                .containsEntry("BillingCurrency", "USD")
                .containsEntry("ChargePeriodStart", "2026-11-20T00:00:00Z")
                .containsEntry("ChargePeriodEnd", "2026-11-21T00:00:00Z")
                .containsEntry("BillingPeriodStart", "2026-11-01T00:00:00Z")
                .containsEntry("BillingPeriodEnd", "2026-12-01T00:00:00Z")
                .containsEntry("ChargeCategory", "Usage")
                .containsEntry("ChargeClass", "Correction")
                .containsEntry("ChargeDescription", "claude-opus-4-6 " + item.tokenType() + " " + item.serviceTier())
                .containsEntry("ChargeFrequency", "Usage-Based")
                .containsEntry("ProviderName", "Anthropic")
                .containsEntry("ServiceProviderName", "Anthropic")
                .containsEntry("HostProviderName", "Anthropic")
                .containsEntry("ServiceName", "Claude API")
                .containsEntry("ServiceCategory", "AI and Machine Learning")
                .containsEntry("ServiceSubcategory", "Generative AI")
                .containsEntry("BillingAccountName", "Acme Org")
                .containsEntry("SubAccountName", "Research, \"R&D\"")
                .containsEntry("x_ModelFamily", "Opus")
                .containsEntry("x_ModelVersion", "4.6")
                .containsEntry("x_CostType", "tokens")
                .containsEntry("x_Finalized", "true")
                .containsEntry("x_ContextWindow", "0-200k")
                .containsEntry("x_InferenceGeo", "global");
        // No workspace tags: the SubAccount columns say it; provider tags would carry the anthropic/ prefix.
        assertThat(row.get("Tags")).doesNotContain("workspace");
        // Seeded lines have no usage: the quantity is the cost at the list price of the price table.
        assertThat(row.get("SkuPriceId")).startsWith("anthropic/claude-opus-4-6/" + item.tokenType() + "/");
        assertThat(row.get("x_QuantitySource")).isEqualTo("derived_from_cost");
        assertThat(new BigDecimal(row.get("ListUnitPrice")).multiply(new BigDecimal(row.get("PricingQuantity"))))
                .isEqualByComparingTo(row.get("ListCost"));
    }

    private static List<String> export(ExportFormat format, LocalDate start, LocalDate end) {
        StringBuilder all = new StringBuilder();
        int[] chunks = {0};
        int[] rows = {0};
        server.costs(reader)
                .exportCosts(ExportCostsRequest.newBuilder()
                        .setFormat(format)
                        .setStartDate(date(start))
                        .setEndDate(date(end))
                        .build())
                .forEachRemaining(c -> {
                    all.append(c.getData().toString(StandardCharsets.UTF_8));
                    chunks[0]++;
                    rows[0] += c.getRows();
                });
        List<String> lines = List.of(all.toString().split("\r\n"));
        assertThat(rows[0]).isEqualTo(lines.size() - 1);
        return lines;
    }

    /** RFC 4180 line parser for the assertions. */
    private static List<String> parseCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (quoted) {
                if (c == '"' && k + 1 < line.length() && line.charAt(k + 1) == '"') {
                    cur.append('"');
                    k++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static BigDecimal sum(List<CostSeeder.Item> items) {
        return items.stream().map(CostSeeder.Item::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
