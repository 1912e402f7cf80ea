package finora.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The benchmark end to end with tiny numbers: it loads, serves, measures, prints, and stays exact. */
class CostBenchmarkSmokeTest {

    @Test
    void tinyRun_printsEveryScenarioBesideTheCeiling_andQueryCostsIsExact() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CostBenchmark bench = new CostBenchmark(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code = new CommandLine(bench)
                .execute(
                        "--tenants",
                        "2",
                        "--days",
                        "60",
                        "--items-per-day",
                        "30",
                        "--query-days",
                        "40",
                        "--threads",
                        "2",
                        "--seconds",
                        "1",
                        "--warmup",
                        "0");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(bench.report().exact()).isTrue();
        assertThat(bench.report().rowsLoaded()).isEqualTo(2 * 60 * 30);
        assertThat(bench.report().lines()).hasSize(5).allSatisfy(l -> {
            assertThat(l.max().calls()).isPositive();
            assertThat(l.max().errors()).isZero();
            assertThat(l.half().errors()).isZero();
        });
        assertThat(out)
                .contains(
                        "the ceiling",
                        "QueryCosts 40d day x family, cached repeat",
                        "QueryCosts distinct ~40d, cache miss",
                        "Spend page (summary + 6 QueryCosts)",
                        "naive GROUP BY",
                        "% ceil",
                        "of the transport ceiling's QPS (goal >= 25 %)");
    }
}
