package finora.server.sync;

import static finora.db.jooq.Tables.CONNECTION;

import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.PostgresFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Times the 2-year (730-day) ENTERPRISE backfill of one connection against anthropic-sim with its
 * default data (40 rows a day), on a fresh database each time, the way the scheduler runs it, and
 * prints its rows/s next to the ingest ceiling: {@code COPY} of the same rows into the same tables
 * (rollup triggers included), as a ratio.
 *
 * <p>Run after {@code ./mvnw -pl db,server verify -DskipTests} (the database classes come from
 * {@code db/target/classes}, so the migrations of this checkout are the ones measured):
 * <pre>{@code
 * ./mvnw -q -pl server dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "server/target/test-classes:server/target/classes:$(sed 's#[^:]*finora-db-[^:]*\.jar#db/target/classes#' \
 *     server/target/cp.txt)" finora.server.sync.BackfillBenchmark 5
 * }</pre>
 * With {@code -Dfinora.test.durable=true} the database commits durably ({@code fsync} and
 * {@code synchronous_commit} on), as the server's embedded database does.
 * {@code CostSyncTest.enterpriseBackfill_of730Days_matchesTheSimulator_andPrintsItsDuration} prints one such
 * measurement on every test run.
 */
public final class BackfillBenchmark {
    private BackfillBenchmark() {}

    /** Runs {@code args[0]} (default 3) backfills after one warm-up and prints each and the median. */
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        measure(); // warm-up: JIT, connection pool, PostgreSQL caches
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            millis.add(measure());
        }
        Collections.sort(millis);
        System.out.printf(
                "Median of %d: %d ms (%s PostgreSQL, %d CPUs)%n",
                runs,
                millis.get(runs / 2),
                PostgresFixture.kind(),
                Runtime.getRuntime().availableProcessors());
        System.exit(0);
    }

    private static long measure() throws Exception {
        try (SyncTestBed bed = SyncTestBed.start()) {
            Connected c = bed.connect(Plan.ENTERPRISE);
            long start = System.nanoTime();
            bed.syncDue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            var run = bed.lastRun(c.id());
            double syncRate = run.getRowsWritten() * 1000.0 / ms;
            Copied copied = copyCeiling(bed, c);
            double copyRate = copied.rows() * 1000.0 / copied.millis();
            System.out.printf(
                    "730 days: %s, %d line items, %d pages in %d ms: sync %.0f rows/s; COPY of the same "
                            + "%d rows and %d days into the same tables (rollup triggers included) %d ms, %.0f rows/s; "
                            + "sync/COPY %.0f %%%n",
                    run.getOutcome(),
                    run.getRowsWritten(),
                    run.getPages(),
                    ms,
                    syncRate,
                    copied.rows(),
                    copied.days(),
                    copied.millis(),
                    copyRate,
                    syncRate / copyRate * 100);
            return ms;
        }
    }

    /** What the ingest ceiling loaded, and how long it took. */
    record Copied(long rows, long days, long millis) {}

    /**
     * The ingest ceiling: the rows the sync just stored, written again with PostgreSQL {@code COPY} into
     * the same tables (cost_line_item with its rollup triggers, and cost_day) for a second tenant and
     * ledger of the same database: one statement per table, no provider, no HTTP, no per-day transactions.
     */
    static Copied copyCeiling(SyncTestBed bed, Connected c) throws Exception {
        UUID ledger = bed.dsl
                .select(CONNECTION.LEDGER_ID)
                .from(CONNECTION)
                .where(CONNECTION.CONNECTION_ID.eq(c.id()))
                .fetchSingle(CONNECTION.LEDGER_ID);
        UUID tenant = UUID.randomUUID();
        UUID copyLedger = UUID.randomUUID();
        try (Connection conn = bed.server.database().dataSource().getConnection()) {
            try (var st = conn.createStatement()) {
                st.execute("insert into tenant (tenant_id, name, plan, created_at) values ('" + tenant + "', 'copy-"
                        + tenant + "', 'ENTERPRISE', now())");
                st.execute("insert into ledger (ledger_id, tenant_id, provider, external_org_id, external_org_name, "
                        + "created_at) values ('" + copyLedger + "', '" + tenant + "', 'ANTHROPIC', 'org-copy', "
                        + "'Copy', now())");
            }
            CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
            String items = "tenant_id, ledger_id, day, workspace_id, description, model, model_family, model_version, "
                    + "cost_type, token_type, service_tier, context_window, inference_geo, speed, amount_usd, "
                    + "api_key_id, actor_id, product, list_amount_usd";
            String days = "ledger_id, day, total_usd, fetched_at, status, source, settled";
            ByteArrayOutputStream itemCsv = new ByteArrayOutputStream();
            long rows = copy.copyOut(
                    "COPY (select '" + tenant + "'::uuid, '" + copyLedger + "'::uuid, "
                            + items.substring(items.indexOf("day")) + " from cost_line_item where ledger_id = '"
                            + ledger
                            + "' order by line_item_id) TO STDOUT WITH (FORMAT csv)",
                    itemCsv);
            ByteArrayOutputStream dayCsv = new ByteArrayOutputStream();
            long dayRows = copy.copyOut(
                    "COPY (select '" + copyLedger + "'::uuid, "
                            + days.substring(days.indexOf("day")) + " from cost_day where ledger_id = '" + ledger
                            + "') TO STDOUT WITH (FORMAT csv)",
                    dayCsv);
            long start = System.nanoTime();
            copy.copyIn(
                    "COPY cost_line_item (" + items + ") FROM STDIN WITH (FORMAT csv)",
                    new ByteArrayInputStream(itemCsv.toByteArray()));
            copy.copyIn(
                    "COPY cost_day (" + days + ") FROM STDIN WITH (FORMAT csv)",
                    new ByteArrayInputStream(dayCsv.toByteArray()));
            return new Copied(rows, dayRows, Math.max(1, (System.nanoTime() - start) / 1_000_000));
        }
    }
}
