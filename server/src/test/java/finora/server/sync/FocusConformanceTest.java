package finora.server.sync;

import static finora.server.sync.SyncTestBed.TODAY;
import static finora.server.sync.SyncTestBed.date;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import finora.api.v1.ExportCostsRequest;
import finora.api.v1.ExportFormat;
import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.sim.CostTruth;
import finora.sim.SimConfig;
import finora.sim.SimKeys;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FOCUS export of the simulator's data against the FOCUS 1.2 column rules, kept as data in
 * {@code focus/focus-1.2-columns.csv} (transcribed from tag v1.2 of the FOCUS_Spec repository):
 * presence by feature level, data types, nullability and allowed values, plus the cross-column
 * rules issue #13 names (SkuId on every Usage row, provider-prefixed tags that do not repeat the
 * SubAccount columns, ListCost = ListUnitPrice × PricingQuantity).
 */
class FocusConformanceTest {
    private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    private static final Set<String> FOCUS_1_3_COLUMNS = Set.of("ServiceProviderName", "HostProviderName");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SyncTestBed bed;
    private static List<String> header;
    private static List<Map<String, String>> rows;
    private static Map<String, Rule> rules;
    private static LocalDate start;

    record Rule(String column, String level, String type, String nulls, Set<String> allowed, boolean applies) {}

    @BeforeAll
    static void exportTheSimulatorsData() throws Exception {
        bed = SyncTestBed.start(SimConfig.defaults().withRowsPerDay(30));
        Connected c = bed.connect(Plan.GROWTH);
        bed.syncDue();
        start = TODAY.minusDays(30);
        StringBuilder csv = new StringBuilder();
        bed.server
                .costs(c.admin())
                .exportCosts(ExportCostsRequest.newBuilder()
                        .setStartDate(date(start))
                        .setEndDate(date(TODAY.minusDays(1)))
                        .setFormat(ExportFormat.EXPORT_FORMAT_FOCUS)
                        .build())
                .forEachRemaining(chunk -> csv.append(chunk.getData().toString(StandardCharsets.UTF_8)));
        List<List<String>> table = parseCsv(csv.toString());
        header = table.get(0);
        rows = new ArrayList<>();
        for (List<String> r : table.subList(1, table.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int k = 0; k < header.size(); k++) {
                row.put(header.get(k), r.get(k));
            }
            rows.add(row);
        }
        rules = loadRules();
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
    }

    @Test
    void rulesFile_listsEveryFocus12Column() {
        assertThat(rules).hasSize(57);
        assertThat(rules.values().stream().filter(r -> r.level().equals("Mandatory")))
                .hasSize(21);
        assertThat(rules.values().stream().filter(r -> r.level().equals("Recommended")))
                .hasSize(4);
        assertThat(rules.values().stream().filter(r -> r.level().equals("Conditional")))
                .hasSize(32);
    }

    @Test
    void header_hasEveryMandatoryAndRecommendedColumn_andTheConditionalOnesThatApply() {
        for (Rule rule : rules.values()) {
            if (!rule.level().equals("Conditional") || rule.applies()) {
                assertThat(header).as(rule.level() + " column").contains(rule.column());
            }
        }
        assertThat(header).containsAll(FOCUS_1_3_COLUMNS);
        assertThat(header)
                .allSatisfy(column -> assertThat(rules.containsKey(column)
                                || FOCUS_1_3_COLUMNS.contains(column)
                                || column.startsWith("x_"))
                        .as("%s is a FOCUS column or an x_ extension", column)
                        .isTrue());
        assertThat(header).doesNotHaveDuplicates();
    }

    @Test
    void everyCell_hasItsColumnsType_nullability_andAllowedValues() {
        assertThat(rows).hasSizeGreaterThan(100);
        for (Map<String, String> row : rows) {
            boolean usage = row.get("ChargeCategory").equals("Usage")
                    && row.get("ChargeClass").isEmpty();
            for (Rule rule : rules.values()) {
                String value = row.get(rule.column());
                if (value == null) {
                    continue; // a column not present (checked above)
                }
                String where = rule.column() + " of " + row;
                if (value.isEmpty()) {
                    assertThat(rule.nulls().equals("never") || (rule.nulls().equals("usage") && usage))
                            .as("null " + where)
                            .isFalse();
                    continue;
                }
                switch (rule.type()) {
                    case "Decimal" ->
                        assertThat(new BigDecimal(value)).as(where).isNotNull();
                    case "DateTime" -> assertThat(value).as(where).matches(DATE_TIME);
                    case "JSON" -> assertThat(json(value).isObject()).as(where).isTrue();
                    default -> assertThat(value).as(where).isNotBlank();
                }
                if (!rule.allowed().isEmpty()) {
                    assertThat(rule.allowed()).as(where).contains(value);
                }
            }
        }
    }

    @Test
    void everyUsageRow_hasSkuIdAndQuantities_includingWebSearchAndCodeExecution() {
        assertThat(rows).extracting(r -> r.get("x_CostType")).contains("web_search", "code_execution");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("SkuId")).isNotEmpty();
            assertThat(r.get("PricingQuantity")).isNotEmpty();
            assertThat(r.get("PricingUnit")).isIn("Tokens", "Requests", "Hours");
            assertThat(r.get("ConsumedQuantity")).isEqualTo(r.get("PricingQuantity"));
            assertThat(r.get("ChargeFrequency")).isEqualTo("Usage-Based");
            assertThat(r.get("ServiceSubcategory")).isEqualTo("Generative AI");
        });
    }

    @Test
    void listCost_isListUnitPriceTimesPricingQuantity_andBilledAtListPriceForTheSimulator() {
        for (Map<String, String> r : rows) {
            BigDecimal list = new BigDecimal(r.get("ListUnitPrice")).multiply(new BigDecimal(r.get("PricingQuantity")));
            assertThat(new BigDecimal(r.get("ListCost"))).as(r.toString()).isEqualByComparingTo(list);
            if (r.get("x_QuantitySource").equals("usage_report")) {
                // Billed ≈ list (the simulator bills list prices; fractions of a cent are rounding).
                assertThat(new BigDecimal(r.get("BilledCost")).subtract(list).abs())
                        .isLessThan(new BigDecimal("0.0001").max(list.multiply(new BigDecimal("0.001"))));
            }
        }
    }

    @Test
    void tags_carryTheProviderPrefix_andDoNotRepeatTheSubAccount() {
        for (Map<String, String> r : rows) {
            if (r.get("Tags").isEmpty()) {
                continue;
            }
            json(r.get("Tags")).properties().forEach(tag -> {
                assertThat(tag.getKey()).startsWith("anthropic/");
                assertThat(tag.getValue().asText()).isNotIn(r.get("SubAccountId"), r.get("SubAccountName"));
            });
        }
        for (Map<String, String> r : rows) {
            if (!r.get("SkuPriceDetails").isEmpty()) {
                json(r.get("SkuPriceDetails"))
                        .properties()
                        .forEach(p -> assertThat(p.getKey()).startsWith("x_"));
            }
        }
    }

    @Test
    void consumedTokens_equalTheSimulatorsUsage_byModel() {
        CostTruth truth = bed.sim.truth(SimKeys.ORG_A_ID, start, TODAY);
        Map<String, Long> expected = new HashMap<>();
        truth.tokensByModelAndTokenType()
                .forEach((model, byType) -> byType.values().forEach(n -> expected.merge(model, n, Long::sum)));
        Map<String, Long> exported = new HashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (Map<String, String> r : rows) {
            if (r.get("x_CostType").equals("tokens")) {
                exported.merge(r.get("SkuId"), new BigDecimal(r.get("ConsumedQuantity")).longValueExact(), Long::sum);
                lines.merge(r.get("SkuId"), 1, Integer::sum);
            }
        }
        assertThat(exported.keySet()).isEqualTo(expected.keySet());
        // Tokens shared among cost lines in proportion to cost are whole: at most half a token off per line.
        exported.forEach((model, n) ->
                assertThat(Math.abs(n - expected.get(model))).as(model).isLessThanOrEqualTo(lines.get(model)));
    }

    private static Map<String, Rule> loadRules() throws IOException {
        Map<String, Rule> result = new LinkedHashMap<>();
        try (InputStream in = FocusConformanceTest.class.getResourceAsStream("/focus/focus-1.2-columns.csv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .skip(1)
                    .toList();
            for (String line : lines) {
                String[] f = line.split(",", -1);
                Set<String> allowed = f[4].isEmpty() ? Set.of() : Set.of(f[4].split("\\|"));
                result.put(f[0], new Rule(f[0], f[1], f[2], f[3], allowed, f[5].equals("yes")));
            }
        }
        return result;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks; records end with CRLF. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (ch == '\r') {
                continue;
            } else if (ch == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else {
                field.append(ch);
            }
        }
        return records;
    }
}
