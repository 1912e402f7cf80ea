package finora.admin.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SpendChartTest {

    private static final DateRange WEEK = new DateRange(LocalDate.of(2026, 11, 18), LocalDate.of(2026, 11, 24));

    private static CostLine line(int day, String family, String usd) {
        return new CostLine(LocalDate.of(2026, 11, day), family, null, null, null, null, new BigDecimal(usd), false);
    }

    @Test
    void svg_isWellFormedSvg_thatScalesToItsContainer() throws Exception {
        String svg = SpendChart.svg(
                List.of(line(18, "Opus", "12.50"), line(18, "Sonnet", "3.00"), line(20, "", "0.10")), WEEK, Set.of());

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document =
                factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(document.getDocumentElement().getAttribute("width")).isEqualTo("100%");
        assertThat(document.getDocumentElement().getAttribute("aria-label"))
                .isEqualTo("Daily spend by model family, 2026-11-18 to 2026-11-24 (UTC)");
    }

    @Test
    void legend_namesEveryFamily_andCostsWithoutAModel() {
        String svg = SpendChart.svg(
                List.of(line(18, "Opus", "12.50"), line(19, "Mistery", "1.00"), line(20, "", "0.10")), WEEK, Set.of());

        assertThat(svg)
                .contains(">Opus<", ">Mistery<", ">" + SpendChart.NO_MODEL + "<")
                .doesNotContain("'Dialog'")
                .doesNotContain(SpendChart.PROVISIONAL_LEGEND, SpendChart.CORRECTED_LEGEND, "corrected days");
    }

    @Test
    void provisionalDays_areShaded_andCorrectedDaysMarked_eachWithALegendEntry() {
        CostLine provisional =
                new CostLine(LocalDate.of(2026, 11, 24), "Opus", null, null, null, null, new BigDecimal("4.00"), true);

        String plain = SpendChart.svg(List.of(line(18, "Opus", "12.50")), WEEK, Set.of());
        String marked = SpendChart.svg(
                List.of(line(18, "Opus", "12.50"), line(20, "Opus", "3.00"), provisional),
                WEEK,
                Set.of(LocalDate.of(2026, 11, 20), LocalDate.of(2026, 10, 1)));

        assertThat(marked)
                .contains(
                        ">" + SpendChart.PROVISIONAL_LEGEND + "<",
                        ">" + SpendChart.CORRECTED_LEGEND + "<",
                        "aria-label=\"Daily spend by model family, 2026-11-18 to 2026-11-24 (UTC); corrected days: 2026-11-20\"");
        // The marker and the shading are drawn in their own colours.
        assertThat(marked).contains("fill:rgb(17,24,39)", "fill:rgb(253,230,138)");
        assertThat(plain).doesNotContain("rgb(17,24,39)", "rgb(253,230,138)");
    }

    @Test
    void anomalousDays_areMarkedInRed_withALegendEntry_alsoOnACorrectedDay() {
        LocalDate both = LocalDate.of(2026, 11, 20);

        String marked = SpendChart.svg(
                List.of(line(18, "Opus", "12.50"), line(20, "Opus", "3.00")),
                WEEK,
                Set.of(both),
                Set.of(both, LocalDate.of(2026, 11, 18), LocalDate.of(2026, 12, 1)));

        assertThat(marked)
                .contains(
                        ">" + SpendChart.ANOMALY_LEGEND + "<",
                        "fill:rgb(220,38,38)",
                        "corrected days: 2026-11-20; anomalies: 2026-11-18, 2026-11-20");
        assertThat(SpendChart.svg(List.of(line(18, "Opus", "12.50")), WEEK, Set.of()))
                .doesNotContain("rgb(220,38,38)", SpendChart.ANOMALY_LEGEND);
    }

    @Test
    void familyLabel_givesCostsWithoutAModelAName() {
        assertThat(SpendChart.familyLabel("")).isEqualTo(SpendChart.NO_MODEL);
        assertThat(SpendChart.familyLabel("Sonnet")).isEqualTo("Sonnet");
    }

    @Test
    void twoProviders_getASeriesPerProviderAndFamily_oneProviderKeepsThePlainFamilies() {
        CostLine sonnet = new CostLine(
                LocalDate.of(2026, 11, 18),
                "Sonnet",
                null,
                null,
                null,
                null,
                new BigDecimal("12.50"),
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                finora.admin.settings.AiProvider.ANTHROPIC);
        CostLine gpt = new CostLine(
                LocalDate.of(2026, 11, 18),
                "GPT-4o",
                null,
                null,
                null,
                null,
                new BigDecimal("3.00"),
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                finora.admin.settings.AiProvider.OPENAI);

        String both = SpendChart.svg(List.of(sonnet, gpt), WEEK, Set.of());
        assertThat(both)
                .contains(
                        ">Anthropic · Sonnet<",
                        ">OpenAI · GPT-4o<",
                        "aria-label=\"Daily spend by provider and model family, 2026-11-18 to 2026-11-24 (UTC)\"");
        assertThat(both.indexOf(">Anthropic · Sonnet<")).isLessThan(both.indexOf(">OpenAI · GPT-4o<"));

        String anthropicOnly = SpendChart.svg(List.of(sonnet), WEEK, Set.of());
        assertThat(anthropicOnly)
                .contains(">Sonnet<", "aria-label=\"Daily spend by model family, ")
                .doesNotContain("Anthropic ·");
    }
}
