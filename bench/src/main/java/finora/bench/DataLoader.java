package finora.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads generated costs with PostgreSQL COPY: per tenant one connection with {@code days} closed days
 * of {@code itemsPerDay} line items each (and the matching cost_day rows), ending yesterday.
 */
final class DataLoader {
    static final String[][] MODELS = {
        {"claude-sonnet-4-5-20250929", "Sonnet", "4.5"},
        {"claude-opus-4-6", "Opus", "4.6"},
        {"claude-haiku-4-5-20251001", "Haiku", "4.5"},
        {"claude-3-5-haiku-20241022", "Haiku", "3.5"},
        {"claude-sonnet-5", "Sonnet", "5"},
        {"claude-fable-5", "Fable", "5"},
    };
    static final String[] WORKSPACES = {"", "wrkspc_bench_1", "wrkspc_bench_2", "wrkspc_bench_3", "wrkspc_bench_4"};
    static final String[] TOKEN_TYPES = {
        "uncached_input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation.ephemeral_5m_input_tokens",
        "cache_creation.ephemeral_1h_input_tokens"
    };

    /** What was loaded for one tenant; {@code total} is the exact sum of its line items. */
    record Loaded(
            UUID tenantId, UUID connectionId, LocalDate firstDay, LocalDate lastDay, long rows, BigDecimal total) {}

    private DataLoader() {}

    static Loaded load(DataSource dataSource, UUID tenantId, LocalDate yesterday, int days, int itemsPerDay, long seed)
            throws SQLException, IOException {
        UUID connectionId = UUID.randomUUID();
        LocalDate first = yesterday.minusDays(days - 1L);
        Random random = new Random(seed);
        try (Connection c = dataSource.getConnection()) {
            // The organization's ledger (cost history) gets the connection's id: one id for both.
            try (var st = c.prepareStatement("insert into ledger (ledger_id, tenant_id, provider, external_org_id, "
                    + "external_org_name, created_at) values (?, ?, 'ANTHROPIC', ?, ?, now())")) {
                st.setObject(1, connectionId);
                st.setObject(2, tenantId);
                st.setString(3, "org-" + tenantId);
                st.setString(4, "Bench org " + tenantId.toString().substring(0, 8));
                st.executeUpdate();
            }
            try (var st = c.prepareStatement("insert into connection (connection_id, ledger_id, tenant_id, provider, "
                    + "external_org_id, external_org_name, status, created_at) values (?, ?, ?, 'ANTHROPIC', ?, ?, "
                    + "'ACTIVE', now())")) {
                st.setObject(1, connectionId);
                st.setObject(2, connectionId);
                st.setObject(3, tenantId);
                st.setString(4, "org-" + tenantId);
                st.setString(5, "Bench org " + tenantId.toString().substring(0, 8));
                st.executeUpdate();
            }
            try (var st =
                    c.prepareStatement("insert into workspace (ledger_id, workspace_id, name) values (?, ?, ?)")) {
                for (int w = 1; w < 5; w++) {
                    st.setObject(1, connectionId);
                    st.setString(2, "wrkspc_bench_" + w);
                    st.setString(3, "Workspace " + w);
                    st.addBatch();
                }
                st.executeBatch();
            }
            try (var st = c.prepareStatement(
                    "insert into api_key (ledger_id, api_key_id, name, status) " + "values (?, ?, ?, 'active')")) {
                for (int k = 0; k < 7; k++) {
                    st.setObject(1, connectionId);
                    st.setString(2, "apikey_bench_" + k);
                    st.setString(3, "Key " + k);
                    st.addBatch();
                }
                st.executeBatch();
            }
            try (var st = c.prepareStatement(
                    "insert into actor (ledger_id, actor_id, actor_type, label) " + "values (?, ?, 'user', ?)")) {
                for (int k = 0; k < 11; k++) {
                    st.setObject(1, connectionId);
                    st.setString(2, "user_bench_" + k);
                    st.setString(3, "user" + k + "@bench.example");
                    st.addBatch();
                }
                st.executeBatch();
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder items = new StringBuilder(1 << 20);
            StringBuilder daysCsv = new StringBuilder();
            BigDecimal total = BigDecimal.ZERO;
            long rows = 0;
            OffsetDateTime fetched = yesterday.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
            for (int d = 0; d < days; d++) {
                LocalDate day = first.plusDays(d);
                BigDecimal dayTotal = BigDecimal.ZERO;
                for (int k = 0; k < itemsPerDay; k++) {
                    String[] m = MODELS[k % MODELS.length];
                    // "" (quoted) is the Default workspace; an unquoted empty CSV field would be NULL
                    String ws = (k / MODELS.length) % 5 == 0 ? "\"\"" : "wrkspc_bench_" + ((k / MODELS.length) % 5);
                    String tokenType = TOKEN_TYPES[(k / 30) % TOKEN_TYPES.length];
                    String tier = (k / 150) % 2 == 0 ? "standard" : "batch";
                    // Analytics dimensions, spread like a real organization's: a few API keys, more users,
                    // two products; with them nearly every line item is its own detail-rollup row.
                    String apiKey = "apikey_bench_" + (k % 7);
                    String actor = "user_bench_" + (k % 11);
                    String product = k % 3 == 0 ? "claude_code" : "api";
                    BigDecimal amount = BigDecimal.valueOf(random.nextInt(10_000_000), 8); // USD, 8 decimals
                    dayTotal = dayTotal.add(amount);
                    items.append(tenantId)
                            .append(',')
                            .append(connectionId)
                            .append(',')
                            .append(day)
                            .append(',')
                            .append(ws)
                            .append(",item-")
                            .append(k)
                            .append(',')
                            .append(m[0])
                            .append(',')
                            .append(m[1])
                            .append(',')
                            .append(m[2])
                            .append(",tokens,")
                            .append(tokenType)
                            .append(',')
                            .append(tier)
                            .append(",0-200k,global,")
                            .append(amount.toPlainString())
                            .append(',')
                            .append(apiKey)
                            .append(',')
                            .append(actor)
                            .append(',')
                            .append(product)
                            .append('\n');
                    rows++;
                }
                total = total.add(dayTotal);
                daysCsv.append(connectionId)
                        .append(',')
                        .append(day)
                        .append(',')
                        .append(dayTotal.toPlainString())
                        .append(',')
                        .append(fetched)
                        .append(',')
                        .append(day.isBefore(yesterday.minusDays(2)) ? "FINAL" : "PROVISIONAL")
                        .append('\n');
                if (items.length() > (8 << 20)) {
                    copyItems(copy, new StringReader(items.toString()));
                    items.setLength(0);
                }
            }
            copyItems(copy, new StringReader(items.toString()));
            copy.copyIn(
                    "COPY cost_day (ledger_id, day, total_usd, fetched_at, status) FROM STDIN WITH (FORMAT csv)",
                    new StringReader(daysCsv.toString()));
            try (var st = c.createStatement()) {
                st.execute("ANALYZE cost_line_item");
                st.execute("ANALYZE cost_day");
            }
            return new Loaded(tenantId, connectionId, first, yesterday, rows, total);
        }
    }

    private static void copyItems(CopyManager copy, Reader csv) throws SQLException, IOException {
        copy.copyIn(
                "COPY cost_line_item (tenant_id, ledger_id, day, workspace_id, description, model, "
                        + "model_family, model_version, cost_type, token_type, service_tier, context_window, inference_geo, "
                        + "amount_usd, api_key_id, actor_id, product) FROM STDIN WITH (FORMAT csv)",
                csv);
    }
}
