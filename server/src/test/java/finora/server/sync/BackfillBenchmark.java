package finora.server.sync;

import finora.server.auth.Plan;
import finora.server.sync.SyncTestBed.Connected;
import finora.server.testing.PostgresFixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times the 2-year (730-day) ENTERPRISE backfill of one connection against anthropic-sim with its
 * default data (40 rows a day), on a fresh database each time, the way the scheduler runs it.
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
        System.out.printf("Median of %d: %d ms (%s PostgreSQL, %d CPUs)%n", runs, millis.get(runs / 2),
                PostgresFixture.kind(), Runtime.getRuntime().availableProcessors());
        System.exit(0);
    }

    private static long measure() throws Exception {
        try (SyncTestBed bed = SyncTestBed.start()) {
            Connected c = bed.connect(Plan.ENTERPRISE);
            long start = System.nanoTime();
            bed.syncDue();
            long ms = (System.nanoTime() - start) / 1_000_000;
            var run = bed.lastRun(c.id());
            System.out.printf("730 days: %s, %d line items, %d pages in %d ms (%.0f rows/s)%n", run.getOutcome(),
                    run.getRowsWritten(), run.getPages(), ms, run.getRowsWritten() * 1000.0 / ms);
            return ms;
        }
    }
}
