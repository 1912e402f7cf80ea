package finora.admin.spend;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import finora.admin.base.Badge;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * Today's spend so far (the "nowcast"): a provisional estimate from Anthropic's hourly data, drawn
 * apart from the headline cards (dashed, with a badge) because it is in none of their numbers. Says
 * up to which hour it reaches in UTC, and in the browser's time when that differs.
 */
class TodayCard extends Div {

    static final String TITLE = "Today so far (provisional)";
    static final String APART = "Not in the total or the chart; the closed day replaces it tomorrow. "
            + "All connected organizations, filters do not apply.";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.US);

    private final Span value = new Span();
    private final Span through = new Span();
    private final Span local = new Span();
    private final Span hours = new Span();
    private final Span apart = new Span(APART);
    private Instant throughTime;
    private ZoneId browserZone;

    TodayCard() {
        setId("card-today");
        Span title = new Span(TITLE);
        title.addClassName("quiet-small");
        Span badge = Badge.of("estimate", Badge.Tone.WARNING, "today-badge");

        value.addClassName("card-value");
        through.setId("today-through");
        local.setId("today-local");
        Div when = new Div(through, local, hours);
        Div note = new Div(apart);
        for (Div line : new Div[] {when, note}) {
            line.addClassName("quiet-tiny");
        }
        addClassNames("spend-card", "today-card");
        add(new Div(title, badge), value, when, note);
        setVisible(false);
    }

    void show(Optional<TodaySoFar> estimate) {
        setVisible(estimate.isPresent());
        estimate.ifPresent(e -> {
            value.setText(Usd.format(e.amount()));
            throughTime = e.throughTime();
            through.setText("00:00–" + HOUR.format(e.throughTime().atOffset(ZoneOffset.UTC)) + " UTC");
            hours.setText(", " + e.hours().size() + (e.hours().size() == 1 ? " hour" : " hours")
                    + e.fetched()
                            .map(f -> "; fetched " + HOUR.format(f.atOffset(ZoneOffset.UTC)) + " UTC")
                            .orElse(""));
            showLocal();
        });
    }

    /** The browser's zone: the through-time is given in it as well, unless it reads the same as UTC. */
    void browserZone(ZoneId zone) {
        browserZone = zone;
        showLocal();
    }

    private void showLocal() {
        boolean differs = browserZone != null
                && throughTime != null
                && browserZone.getRules().getOffset(throughTime).getTotalSeconds() != 0;
        local.setText(differs ? " (" + HOUR.format(throughTime.atZone(browserZone)) + " your time)" : "");
    }

    String valueText() {
        return value.getText();
    }

    /** What the card says about the hours it covers, e.g. "00:00–10:00 UTC (11:00 your time), 10 hours; fetched …". */
    String throughText() {
        return through.getText() + local.getText() + hours.getText();
    }

    String apartText() {
        return apart.getText();
    }
}
