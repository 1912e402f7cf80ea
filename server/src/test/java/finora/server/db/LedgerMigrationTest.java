package finora.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import finora.server.testing.PostgresFixture;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migration V4 on a database written under V3 that holds the bug it fixes: an organization removed
 * and connected again, whose two connections both stored overlapping days (every total doubled).
 */
class LedgerMigrationTest {
    private static final UUID TENANT = UUID.randomUUID();
    private static final UUID OTHER_TENANT = UUID.randomUUID();
    private static final UUID OLD = UUID.randomUUID();
    private static final UUID NEW = UUID.randomUUID();
    private static final UUID OTHER = UUID.randomUUID();
    private static final LocalDate NOV = LocalDate.of(2026, 11, 1);

    private PostgresFixture.TestDatabase db;
    private DSLContext dsl;

    @BeforeEach
    void v3WithDuplicateHistories() {
        db = PostgresFixture.newDatabase("3");
        dsl = db.dsl();
        tenant(TENANT, "acme");
        tenant(OTHER_TENANT, "globex");
        connection(OLD, TENANT, "REMOVED", "2026-10-01");
        connection(NEW, TENANT, "ACTIVE", "2026-11-10");
        connection(OTHER, OTHER_TENANT, "ACTIVE", "2026-10-01"); // the same organization, another tenant
        // The removed connection stored Nov 1-5 and Nov 8 (fetched Nov 8), and re-fetched Nov 7 late (Nov 20).
        for (int d = 0; d < 5; d++) {
            day(OLD, TENANT, NOV.plusDays(d), "10.00", "2026-11-08");
        }
        day(OLD, TENANT, NOV.plusDays(7), "10.00", "2026-11-08");
        day(OLD, TENANT, NOV.plusDays(6), "70.00", "2026-11-20");
        // The new one backfilled Nov 3-7 again (fetched Nov 12).
        for (int d = 2; d < 7; d++) {
            day(NEW, TENANT, NOV.plusDays(d), "20.12345678", "2026-11-12");
        }
        day(OTHER, OTHER_TENANT, NOV.plusDays(2), "5.00", "2026-11-08");
        dsl.execute(
                "insert into workspace (connection_id, workspace_id, name) values (?, 'wrkspc_a', 'Old name'), "
                        + "(?, 'wrkspc_a', 'New name')",
                OLD,
                NEW);
        dsl.execute(
                "insert into cost_restatement (connection_id, day, old_total_usd, new_total_usd, restated_at) "
                        + "values (?, date '2026-11-02', 9, 10, timestamptz '2026-11-04 00:00Z')",
                OLD);
    }

    @AfterEach
    void drop() {
        db.close();
    }

    @Test
    void foldsDuplicateHistories_newestFetchOfEachDayWins_andTenantsStaySeparate() {
        BigDecimal before = sum("select sum(amount_usd) from cost_line_item where tenant_id = ?", TENANT);
        assertThat(before).as("V3 double counts").isEqualByComparingTo("230.6172839");

        Database.migrate(db.dataSource());

        assertThat(value(Long.class, "select count(*) from ledger")).isEqualTo(2L);
        UUID ledger = value(UUID.class, "select ledger_id from connection where connection_id = ?", OLD);
        assertThat(value(UUID.class, "select ledger_id from connection where connection_id = ?", NEW))
                .isEqualTo(ledger);
        UUID otherLedger = value(UUID.class, "select ledger_id from connection where connection_id = ?", OTHER);
        assertThat(otherLedger).isNotEqualTo(ledger);

        Map<LocalDate, BigDecimal> expected = new TreeMap<>();
        expected.put(NOV, new BigDecimal("10"));
        expected.put(NOV.plusDays(1), new BigDecimal("10"));
        for (int d = 2; d < 6; d++) {
            expected.put(NOV.plusDays(d), new BigDecimal("20.12345678"));
        }
        expected.put(NOV.plusDays(6), new BigDecimal("70")); // the removed connection's fetch was newer
        expected.put(NOV.plusDays(7), new BigDecimal("10")); // only the removed connection had it
        expected.replaceAll((d, v) -> v.stripTrailingZeros());
        assertThat(days("select day, total_usd from cost_day where ledger_id = ?", ledger))
                .isEqualTo(expected);
        assertThat(days("select day, sum(amount_usd) from cost_line_item where ledger_id = ? group by day", ledger))
                .as("line items")
                .isEqualTo(expected);
        assertThat(days("select day, sum(amount_usd) from cost_rollup_detail where ledger_id = ? group by day", ledger))
                .as("detail rollup")
                .isEqualTo(expected);
        assertThat(days("select day, sum(amount_usd) from cost_rollup_family where ledger_id = ? group by day", ledger))
                .as("family rollup")
                .isEqualTo(expected);
        assertThat(sum("select sum(amount_usd) from cost_line_item where tenant_id = ?", TENANT))
                .isEqualByComparingTo("180.49382712");
        assertThat(sum("select sum(amount_usd) from cost_rollup_family where tenant_id = ?", OTHER_TENANT))
                .isEqualByComparingTo("5");
        assertThat(value(
                        String.class,
                        "select name from workspace where ledger_id = ? and workspace_id = 'wrkspc_a'",
                        ledger))
                .as("the live connection's name")
                .isEqualTo("New name");
        assertThat(value(
                        Long.class,
                        "select count(*) from cost_restatement where ledger_id = ? and not after_final",
                        ledger))
                .isEqualTo(1L);
        assertThat(value(
                        UUID.class,
                        "select fetched_by from cost_day where ledger_id = ? and day = ?",
                        ledger,
                        NOV.plusDays(6)))
                .isEqualTo(OLD);

        // The triggers keep the rollups exact afterwards, per ledger.
        dsl.execute("delete from cost_line_item where ledger_id = ? and day = ?", ledger, NOV);
        assertThat(sum("select sum(amount_usd) from cost_rollup_family where tenant_id = ?", TENANT))
                .isEqualByComparingTo("170.49382712");
    }

    private void tenant(UUID id, String name) {
        dsl.execute("insert into tenant (tenant_id, name, plan, created_at) values (?, ?, 'GROWTH', now())", id, name);
    }

    private void connection(UUID id, UUID tenant, String status, String created) {
        dsl.execute(
                "insert into connection (connection_id, tenant_id, provider, external_org_id, external_org_name, "
                        + "status, created_at) values (?, ?, 'ANTHROPIC', 'org-x', 'Org X', ?, cast(? as timestamptz))",
                id,
                tenant,
                status,
                created + "T00:00:00Z");
    }

    private void day(UUID connection, UUID tenant, LocalDate day, String total, String fetched) {
        dsl.execute(
                "insert into cost_day (connection_id, day, total_usd, fetched_at, status) "
                        + "values (?, ?, cast(? as numeric), cast(? as timestamptz), 'FINAL')",
                connection,
                day,
                total,
                fetched + "T00:00:00Z");
        dsl.execute(
                "insert into cost_line_item (tenant_id, connection_id, day, workspace_id, description, model, "
                        + "model_family, model_version, cost_type, token_type, service_tier, context_window, inference_geo, "
                        + "amount_usd) values (?, ?, ?, 'wrkspc_a', 'd', 'claude-opus-4-6', 'Opus', '4.6', 'tokens', "
                        + "'output_tokens', 'standard', '0-200k', 'global', cast(? as numeric))",
                tenant,
                connection,
                day,
                total);
    }

    private BigDecimal sum(String sql, UUID id) {
        return value(BigDecimal.class, sql, id);
    }

    private <T> T value(Class<T> type, String sql, Object... bindings) {
        return dsl.fetchSingle(sql, bindings).get(0, type);
    }

    private Map<LocalDate, BigDecimal> days(String sql, UUID ledger) {
        Map<LocalDate, BigDecimal> days = new TreeMap<>();
        dsl.fetch(sql, ledger)
                .forEach(r -> days.put(
                        r.get(0, LocalDate.class), r.get(1, BigDecimal.class).stripTrailingZeros()));
        return days;
    }
}
