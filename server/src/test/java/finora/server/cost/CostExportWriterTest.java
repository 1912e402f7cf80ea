package finora.server.cost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CostExportWriterTest {
    @Test
    void formulaLikeTextCells_areNeutralised_numbersAreNot() {
        assertThat(CostExportWriter.neutralise("=HYPERLINK(\"http://evil\",\"x\")"))
                .isEqualTo("'=HYPERLINK(\"http://evil\",\"x\")");
        assertThat(CostExportWriter.neutralise("+cmd|' /C calc'!A0")).startsWith("'+");
        assertThat(CostExportWriter.neutralise("-2+3")).isEqualTo("'-2+3");
        assertThat(CostExportWriter.neutralise("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CostExportWriter.neutralise("\tx")).isEqualTo("'\tx");
        assertThat(CostExportWriter.neutralise("-12.345")).isEqualTo("-12.345");
        assertThat(CostExportWriter.neutralise("Claude Opus 4.5 usage")).isEqualTo("Claude Opus 4.5 usage");
        assertThat(CostExportWriter.neutralise("")).isEmpty();
    }
}
