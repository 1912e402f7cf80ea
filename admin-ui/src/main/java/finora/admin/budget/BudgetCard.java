package finora.admin.budget;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import finora.admin.base.Badge;
import finora.admin.spend.Usd;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One budget: name, period and scope; spent of the amount as a bar with a tick per threshold (the
 * forecast at period end shaded beyond it); the forecast; and per threshold the day it was crossed
 * or is forecast to be crossed, and whether its alert went out. Admins get Edit and delete.
 */
class BudgetCard extends Composite<Div> {

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.US);
    static final DateTimeFormatter LONG_DAY = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.US);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** What the admin buttons do; null for a read-only card. */
    record Actions(Consumer<Budget> edit, Consumer<Budget> delete) {}

    BudgetCard(Budget budget, Actions actions) {
        Div card = getContent();
        card.addClassName("budget");
        card.getElement().setAttribute("data-budget-id", budget.id());

        H3 name = new H3(budget.spec().name());
        name.addClassName("budget-name");
        Span period = Badge.of(budget.spec().period().label(), Badge.Tone.PRIMARY, "budget-period");
        Span scope = Badge.of(budget.spec().scope().label(), Badge.Tone.PRIMARY, "budget-scope");
        HorizontalLayout title = new HorizontalLayout(name, period, scope);
        title.setAlignItems(FlexComponent.Alignment.CENTER);
        title.setWidthFull();
        title.addClassName("wrap");
        if (actions != null) {
            Button edit = new Button("Edit", e -> actions.edit().accept(budget));
            edit.addClassName("edit-budget");
            Button delete =
                    new Button(VaadinIcon.TRASH.create(), e -> actions.delete().accept(budget));
            delete.addClassName("delete-budget");
            delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
            delete.setAriaLabel("Delete " + budget.spec().name());
            delete.setTooltipText("Delete");
            edit.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            delete.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            Div spacer = new Div();
            title.add(spacer, edit, delete);
            title.setFlexGrow(1, spacer);
        }
        card.add(title, spentLine(budget), bar(budget), forecastLine(budget), thresholds(budget));
    }

    /** "$850.12 of $1,000.00 spent (85.0 %) · November 2026 (Nov 1 – Nov 30), through Nov 24". */
    static Component spentLine(Budget budget) {
        Budget.Status s = budget.status();
        Span spent = new Span(
                Usd.format(s.spent()) + " of " + Usd.format(budget.spec().amount()) + " spent ("
                        + s.spentPercent().toPlainString() + " %)");
        spent.addClassName("budget-spent");
        spent.addClassName("strong");
        String through = s.spentThrough() == null
                ? "no day of this period is stored yet"
                : "through " + DAY.format(s.spentThrough())
                        + (s.includesEstimate() ? ", including today's estimate" : "");
        Span when = new Span(" · " + period(s) + ", " + through);
        when.addClassName("budget-through");
        when.addClassName("quiet");
        Div line = new Div(spent, when);
        line.addClassName("budget-line");
        return line;
    }

    private static String period(Budget.Status s) {
        if (s.periodStart() == null || s.periodEnd() == null) {
            return "current period";
        }
        return DAY.format(s.periodStart()) + " – " + LONG_DAY.format(s.periodEnd());
    }

    /**
     * The bar: spent in a solid colour, the rest of the forecast lighter, a tick and label per
     * threshold. Its scale reaches the highest threshold (at least 100 %), so every tick fits.
     */
    static Component bar(Budget budget) {
        Budget.Status s = budget.status();
        int scale = Math.max(
                100,
                budget.status().thresholds().stream()
                        .mapToInt(Budget.Threshold::percent)
                        .max()
                        .orElse(100));
        double spentShare = share(s.spentPercent(), scale);
        double forecastShare = Math.max(spentShare, share(s.forecastPercent(), scale));
        String tone = s.spentPercent().compareTo(HUNDRED) >= 0
                ? "error"
                : s.thresholds().stream().anyMatch(Budget.Threshold::crossed) ? "warning" : "success";

        Div track = new Div();
        track.addClassName("budget-bar");
        track.getElement().setAttribute("data-tone", tone);
        track.getElement().setAttribute("role", "progressbar");
        track.getElement().setAttribute("aria-valuemin", "0");
        track.getElement().setAttribute("aria-valuemax", "100");
        track.getElement().setAttribute("aria-valuenow", s.spentPercent().toPlainString());
        track.getElement()
                .setAttribute(
                        "aria-label",
                        budget.spec().name() + ": " + s.spentPercent().toPlainString() + " % spent, forecast "
                                + s.forecastPercent().toPlainString() + " % at period end");
        Div forecast = new Div();
        forecast.addClassName("budget-bar-forecast");
        forecast.getStyle().set("width", pct(forecastShare));
        Div fill = new Div();
        fill.addClassName("budget-bar-fill");
        fill.getStyle().set("width", pct(spentShare));
        track.add(forecast, fill);

        Div labels = new Div();
        labels.addClassName("budget-ticks");
        for (Budget.Threshold t : s.thresholds()) {
            String left = pct(t.percent() / (double) scale);
            Div tick = new Div();
            tick.addClassName("budget-tick");
            tick.getStyle().set("left", left);
            if (t.crossed()) {
                tick.addClassName("budget-tick-crossed");
            }
            track.add(tick);
            Span label = new Span(t.percent() + " %" + (t.fired() ? " ✓" : ""));
            label.addClassName("budget-tick-label");
            label.getStyle().set("left", left);
            if (t.crossed()) {
                label.addClassName("budget-tick-reached");
            }
            labels.add(label);
        }
        Div box = new Div(track, labels);
        box.addClassName("budget-progress");
        return box;
    }

    private static double share(BigDecimal percent, int scale) {
        return Math.min(1.0, Math.max(0.0, percent.doubleValue() / scale)); // only positions the bar
    }

    private static String pct(double share) {
        return BigDecimal.valueOf(share * 100).setScale(2, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    /** "Forecast at period end: $1,062.65 (106.3 %), at $35.42 a day (mean of the last 7 closed days)". */
    static Component forecastLine(Budget budget) {
        Budget.Status s = budget.status();
        Div line = new Div(new Span("Forecast at period end"
                + (s.periodEnd() == null ? "" : " (" + DAY.format(s.periodEnd()) + ")")
                + ": " + Usd.format(s.forecast()) + " (" + s.forecastPercent().toPlainString() + " %), at "
                + Usd.format(s.dailyRunRate()) + " a day (mean of the last 7 closed days)"));
        line.addClassName("budget-forecast");
        if (s.forecastPercent().compareTo(HUNDRED) > 0) {
            line.addClassName("error-text");
        }
        line.addClassName("small");
        return line;
    }

    /** Per threshold: its amount, when it was or will be crossed, and whether its alert was sent. */
    static Component thresholds(Budget budget) {
        Div list = new Div();
        list.addClassName("budget-thresholds");
        for (Budget.Threshold t : budget.status().thresholds()) {
            Span item = new Span(t.percent() + " % (" + Usd.format(t.amount()) + "): " + when(t));
            item.addClassName("budget-threshold");
            item.getElement().setAttribute("data-percent", String.valueOf(t.percent()));
            if (t.fired()) {
                Span fired = Badge.of("alert sent", Badge.Tone.SUCCESS, "threshold-fired");
                fired.addClassName("badge-after");
                item.add(fired);
            }
            list.add(item);
        }
        return list;
    }

    static String when(Budget.Threshold t) {
        if (t.crossed()) {
            return "crossed " + (t.crossedDate() == null ? "" : DAY.format(t.crossedDate()));
        }
        LocalDate forecast = t.forecastDate();
        return forecast == null ? "not forecast this period" : "forecast " + DAY.format(forecast);
    }
}
