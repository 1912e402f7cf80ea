package finora.admin.spend;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.SimpleDateFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYDrawableAnnotation;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickMarkPosition;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeTableXYDataset;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The daily spend chart, stacked by model family (by provider and model family when the costs shown come
 * from more than one provider), drawn on the server: JFreeChart lays it out and
 * Batik's SVG generator records the drawing as SVG markup for the page. No frontend bundle needed.
 * Provisional days (Anthropic may still change them) are shaded, corrected days (a re-fetch
 * changed their total) carry a marker above their bar, and so do anomalous days (spend far above the
 * usual for the weekday); the legend explains each.
 */
final class SpendChart {

    static final int WIDTH = 960;
    static final int HEIGHT = 320;
    /** Label of costs without a model: web search and code execution. */
    static final String NO_MODEL = "Tools (no model)";

    static final String PROVISIONAL_LEGEND = "Provisional day (may still change)";
    static final String CORRECTED_LEGEND = "Corrected day (see Corrections)";
    static final String ANOMALY_LEGEND = "Anomaly (see Anomalies)";

    private static final Font TICK_FONT = new Font("SansSerif", Font.PLAIN, 11);
    private static final Font LEGEND_FONT = new Font("SansSerif", Font.PLAIN, 12);
    private static final String SVG_NS = "http://www.w3.org/2000/svg";
    private static final TimeZone UTC = TimeZone.getTimeZone(ZoneOffset.UTC);
    private static final Map<String, Color> FAMILY_COLORS = Map.of(
            "Opus",
            new Color(0x7c3aed),
            "Sonnet",
            new Color(0x2563eb),
            "Haiku",
            new Color(0x16a34a),
            NO_MODEL,
            new Color(0x9ca3af));
    private static final List<Color> OTHER_COLORS = List.of(
            new Color(0xea580c), new Color(0xdb2777), new Color(0x0891b2), new Color(0xca8a04), new Color(0x4b5563));
    private static final Color PROVISIONAL_SHADE = new Color(0xfde68a);
    private static final Color CORRECTED_MARK = new Color(0x111827);
    private static final Color ANOMALY_MARK = new Color(0xdc2626);
    private static final long DAY_MILLIS = 86_400_000L;

    private SpendChart() {}

    /** What the legend calls a model family; costs without a model get a name of their own. */
    static String familyLabel(String family) {
        return family == null || family.isEmpty() ? NO_MODEL : family;
    }

    /**
     * SVG markup ({@code <svg …>…</svg>}, scaling to its container's width) of the daily spend.
     *
     * @param dayFamilyRows rows grouped by day and model family
     * @param range the days on the axis; days without rows show as zero
     * @param correctedDays days whose total a re-fetch changed, to mark
     */
    static String svg(List<CostLine> dayFamilyRows, DateRange range, Set<LocalDate> correctedDays) {
        return svg(dayFamilyRows, range, correctedDays, Set.of());
    }

    /**
     * As {@link #svg(List, DateRange, Set)}, with a red diamond above each anomalous day (above a
     * correction's marker when the day has both).
     *
     * @param anomalyDays days whose spend rose far above the usual for their weekday, to mark
     */
    static String svg(
            List<CostLine> dayFamilyRows, DateRange range, Set<LocalDate> correctedDays, Set<LocalDate> anomalyDays) {
        TimeTableXYDataset dataset = new TimeTableXYDataset(UTC, Locale.US);
        Map<LocalDate, Map<String, Double>> byDay = new LinkedHashMap<>();
        Map<LocalDate, Double> dayTotals = new LinkedHashMap<>();
        TreeSet<LocalDate> provisionalDays = new TreeSet<>();
        // With more than one provider in the rows, each series says whose family it is ("OpenAI · GPT-4o").
        boolean byProvider = dayFamilyRows.stream()
                        .map(CostLine::provider)
                        .filter(p -> p != null)
                        .distinct()
                        .count()
                > 1;
        Map<String, String> familyOf = new LinkedHashMap<>();
        Map<String, Integer> providerOf = new LinkedHashMap<>();
        TreeSet<String> families = new TreeSet<>(java.util.Comparator.<String>comparingInt(providerOf::get)
                .thenComparingInt(l -> order(familyOf.get(l)))
                .thenComparing(l -> l));
        for (CostLine row : dayFamilyRows) {
            String family = familyLabel(row.modelFamily());
            if (byProvider && row.provider() != null) {
                String seriesLabel = row.provider().displayName() + " · " + family;
                familyOf.put(seriesLabel, family);
                providerOf.put(seriesLabel, row.provider().ordinal());
                family = seriesLabel;
            } else {
                familyOf.put(family, family);
                providerOf.put(family, -1);
            }
            families.add(family);
            // Doubles only position the bars; every number shown as money comes from exact decimals.
            byDay.computeIfAbsent(row.period(), d -> new LinkedHashMap<>())
                    .merge(family, row.amount().doubleValue(), Double::sum);
            dayTotals.merge(row.period(), row.amount().doubleValue(), Double::sum);
            if (row.provisional()) {
                provisionalDays.add(row.period());
            }
        }
        TreeSet<LocalDate> corrected = correctedDays.stream()
                .filter(d -> !d.isBefore(range.start()) && !d.isAfter(range.end()))
                .collect(Collectors.toCollection(TreeSet::new));
        TreeSet<LocalDate> anomalous = anomalyDays.stream()
                .filter(d -> !d.isBefore(range.start()) && !d.isAfter(range.end()))
                .collect(Collectors.toCollection(TreeSet::new));
        for (LocalDate day = range.start(); !day.isAfter(range.end()); day = day.plusDays(1)) {
            Day period = new Day(day.getDayOfMonth(), day.getMonthValue(), day.getYear());
            Map<String, Double> amounts = byDay.getOrDefault(day, Map.of());
            for (String family : families) {
                dataset.add(period, amounts.getOrDefault(family, 0.0), family, false);
            }
        }

        DateAxis days = new DateAxis();
        days.setTimeZone(UTC);
        days.setStandardTickUnits(dayTickUnits());
        days.setTickMarkPosition(DateTickMarkPosition.MIDDLE); // a day's label sits under its bar
        days.setLowerMargin(0.01);
        days.setUpperMargin(0.01);
        days.setTickLabelFont(TICK_FONT);
        // No rotated axis label: Batik would draw it as outlines; the heading above the chart says "USD per day".
        NumberAxis usd = new NumberAxis();
        usd.setNumberFormatOverride(new DecimalFormat("$#,##0.##"));
        usd.setTickLabelFont(TICK_FONT);
        if (!corrected.isEmpty() || !anomalous.isEmpty()) {
            usd.setUpperMargin(corrected.isEmpty() || anomalous.isEmpty() ? 0.12 : 0.2); // room for the markers
        }

        StackedXYBarRenderer bars = new StackedXYBarRenderer(0.15);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(false);
        List<String> series = new ArrayList<>(families);
        int other = 0;
        for (int i = 0; i < series.size(); i++) {
            Paint paint = FAMILY_COLORS.get(familyOf.get(series.get(i)));
            bars.setSeriesPaint(i, paint != null ? paint : OTHER_COLORS.get(other++ % OTHER_COLORS.size()));
        }

        XYPlot plot = new XYPlot(dataset, days, usd, bars);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(new Color(0xe5e7eb));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlinesVisible(false);
        for (LocalDate first : provisionalDays) {
            if (provisionalDays.contains(first.minusDays(1))) {
                continue; // shaded with the run of days it belongs to
            }
            LocalDate last = first;
            while (provisionalDays.contains(last.plusDays(1))) {
                last = last.plusDays(1);
            }
            IntervalMarker shade = new IntervalMarker(startMillis(first), startMillis(last) + DAY_MILLIS);
            shade.setPaint(PROVISIONAL_SHADE);
            shade.setOutlinePaint(null);
            shade.setAlpha(0.55f);
            plot.addDomainMarker(shade, Layer.BACKGROUND);
        }
        for (LocalDate day : corrected) {
            plot.addAnnotation(new XYDrawableAnnotation(
                    startMillis(day) + DAY_MILLIS / 2.0, dayTotals.getOrDefault(day, 0.0), 14, 30, (g, area) -> {
                        // The annotation is centred on the bar's top: the marker sits in the upper half, above the bar.
                        g.setPaint(CORRECTED_MARK);
                        g.fill(downTriangle(area.getCenterX(), area.getCenterY() - 4, 12, 10));
                    }));
        }
        for (LocalDate day : anomalous) {
            double lift = corrected.contains(day) ? 12 : 0; // above the correction's triangle
            plot.addAnnotation(new XYDrawableAnnotation(
                    startMillis(day) + DAY_MILLIS / 2.0, dayTotals.getOrDefault(day, 0.0), 14, 60, (g, area) -> {
                        g.setPaint(ANOMALY_MARK);
                        g.fill(diamond(area.getCenterX(), area.getCenterY() - 10 - lift, 12));
                    }));
        }
        LegendItemCollection legendItems = new LegendItemCollection();
        legendItems.addAll(plot.getLegendItems());
        if (!provisionalDays.isEmpty()) {
            legendItems.add(legendItem(PROVISIONAL_LEGEND, new Rectangle2D.Double(-6, -6, 12, 12), PROVISIONAL_SHADE));
        }
        if (!corrected.isEmpty()) {
            legendItems.add(legendItem(CORRECTED_LEGEND, downTriangle(0, 5, 12, 10), CORRECTED_MARK));
        }
        if (!anomalous.isEmpty()) {
            legendItems.add(legendItem(ANOMALY_LEGEND, diamond(0, 0, 12), ANOMALY_MARK));
        }
        plot.setFixedLegendItems(legendItems);

        JFreeChart chart = new JFreeChart(null, new Font("SansSerif", Font.PLAIN, 12), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        LegendTitle legend = chart.getLegend();
        legend.setItemFont(LEGEND_FONT);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(BlockBorder.NONE);
        String label = (byProvider ? "Daily spend by provider and model family, " : "Daily spend by model family, ")
                + range.start() + " to " + range.end() + " (UTC)";
        if (!corrected.isEmpty()) {
            label += "; corrected days: "
                    + corrected.stream().map(LocalDate::toString).collect(Collectors.joining(", "));
        }
        if (!anomalous.isEmpty()) {
            label += "; anomalies: "
                    + anomalous.stream().map(LocalDate::toString).collect(Collectors.joining(", "));
        }
        return render(chart, label);
    }

    private static long startMillis(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** A triangle pointing down whose tip is at ({@code x}, {@code tipY}). */
    private static Shape downTriangle(double x, double tipY, double width, double height) {
        Path2D.Double triangle = new Path2D.Double();
        triangle.moveTo(x - width / 2, tipY - height);
        triangle.lineTo(x + width / 2, tipY - height);
        triangle.lineTo(x, tipY);
        triangle.closePath();
        return triangle;
    }

    /** A diamond of {@code size} centred on ({@code x}, {@code y}). */
    private static Shape diamond(double x, double y, double size) {
        Path2D.Double diamond = new Path2D.Double();
        diamond.moveTo(x, y - size / 2);
        diamond.lineTo(x + size / 2, y);
        diamond.lineTo(x, y + size / 2);
        diamond.lineTo(x - size / 2, y);
        diamond.closePath();
        return diamond;
    }

    private static LegendItem legendItem(String label, Shape shape, Paint paint) {
        LegendItem item = new LegendItem(label, null, null, null, shape, paint);
        item.setLabelFont(LEGEND_FONT);
        return item;
    }

    private static int order(String family) {
        return switch (family) {
            case "Opus" -> 0;
            case "Sonnet" -> 1;
            case "Haiku" -> 2;
            case NO_MODEL -> 9;
            default -> 5;
        };
    }

    /** Ticks on whole UTC days, weeks or months only: never "Nov 18" twice for noon and midnight. */
    private static TickUnits dayTickUnits() {
        TickUnits units = new TickUnits();
        units.add(new DateTickUnit(DateTickUnitType.DAY, 1, dateFormat("MMM d")));
        units.add(new DateTickUnit(DateTickUnitType.DAY, 2, dateFormat("MMM d")));
        units.add(new DateTickUnit(DateTickUnitType.DAY, 7, dateFormat("MMM d")));
        units.add(new DateTickUnit(DateTickUnitType.DAY, 14, dateFormat("MMM d")));
        units.add(new DateTickUnit(DateTickUnitType.MONTH, 1, dateFormat("MMM yyyy")));
        units.add(new DateTickUnit(DateTickUnitType.MONTH, 3, dateFormat("MMM yyyy")));
        return units;
    }

    private static SimpleDateFormat dateFormat(String pattern) {
        SimpleDateFormat format = new SimpleDateFormat(pattern, Locale.US);
        format.setTimeZone(UTC);
        return format;
    }

    private static String render(JFreeChart chart, String label) {
        Document document;
        try {
            document = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .getDOMImplementation()
                    .createDocument(SVG_NS, "svg", null);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        SVGGeneratorContext context = SVGGeneratorContext.createDefault(document);
        context.setComment(null);
        context.setEmbeddedFontsOn(false);
        SVGGraphics2D graphics = new SVGGraphics2D(context, false);
        graphics.setSVGCanvasSize(new Dimension(WIDTH, HEIGHT));
        chart.draw(graphics, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));

        Element root = graphics.getRoot();
        root.setAttribute("viewBox", "0 0 " + WIDTH + " " + HEIGHT);
        root.setAttribute("width", "100%");
        root.removeAttribute("height");
        root.setAttribute("role", "img");
        root.setAttribute("aria-label", label);
        root.setAttribute("font-family", "sans-serif"); // Java's logical 'Dialog' means nothing to a browser
        StringWriter out = new StringWriter();
        try {
            graphics.stream(root, out, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            graphics.dispose();
        }
        String markup = out.toString();
        return markup.substring(markup.indexOf("<svg"));
    }
}
