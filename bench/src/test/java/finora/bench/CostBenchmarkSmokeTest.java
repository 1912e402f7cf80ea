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
    void tinyRun_printsTheTable_andQueryCostsIsExact() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CostBenchmark bench = new CostBenchmark(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code = new CommandLine(bench).execute("--tenants", "2", "--days", "20", "--items-per-day", "30",
                "--query-days", "10", "--threads", "2", "--seconds", "1", "--warmup", "0");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(bench.report().exact()).isTrue();
        assertThat(bench.report().rowsLoaded()).isEqualTo(2 * 20 * 30);
        assertThat(bench.report().lines()).hasSize(6).allSatisfy(l -> {
            assertThat(l.max().calls()).isPositive();
            assertThat(l.max().errors()).isZero();
            assertThat(l.half().errors()).isZero();
        });
        assertThat(out).contains("empty unary RPC", "QueryCosts 10d day x family", "naive GROUP BY",
                "platform threads", "of the transport ceiling", "Virtual threads against platform threads");
    }
}
