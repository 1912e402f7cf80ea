package finora.admin.spend;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Optional;

/**
 * The headline cards: total of the range, change against the period before, month-end projection,
 * the discount (list price against billed, where Anthropic states list prices) and, apart from them
 * all, today's provisional estimate.
 */
class SpendCards extends Composite<FlexLayout> {

    static final String DISCOUNT_NOTE = "Covers only days from Anthropic's Cost Analytics API, which states list "
            + "prices; days from the legacy cost report are left out.";

    private final Card total = new Card("card-total", "Total");
    private final Card change = new Card("card-change", "Change vs previous period");
    private final Card projection = new Card("card-projection", "Month-end projection");
    private final Card discount = new Card("card-discount", "Discount (list price − billed)");
    private final Card tokens = new Card("card-tokens", "Tokens");
    private final Card cache = new Card("card-cache", "Cache efficiency");
    private final TodayCard today = new TodayCard();

    SpendCards() {
        FlexLayout layout = getContent();
        layout.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        layout.addClassName("spend-cards");
        discount.setVisible(false);
        tokens.setVisible(false);
        cache.setVisible(false);
        layout.add(total, tokens, change, projection, discount, cache, today);
    }

    void show(SpendSummary summary, DateRange range) {
        total.show(Usd.format(summary.total()), range.start() + " to " + range.end() + " (" + range.days() + " days)");
        String previous = "the previous " + range.days() + " days";
        summary.change()
                .ifPresentOrElse(
                        percent -> change.show(
                                (percent.signum() > 0 ? "+" : "") + percent.toPlainString() + "%",
                                "against " + Usd.format(summary.previousTotal()) + " in " + previous),
                        () -> change.show("—", "No spend in " + previous));
        String month = range.end().getMonth().getDisplayName(TextStyle.FULL, Locale.US) + " "
                + range.end().getYear();
        projection.show(
                Usd.format(summary.monthEndProjection()),
                summary.monthEndProjection().signum() == 0
                                && summary.monthToDate().signum() == 0
                        ? "No complete day of " + month + " yet"
                        : month + " so far: " + Usd.format(summary.monthToDate()) + " (linear run rate)");
        discount.setVisible(summary.discounted().isPresent());
        summary.discounted()
                .ifPresent(d -> discount.show(
                        Usd.format(d.saved()),
                        "List price " + Usd.format(d.listAmount()) + " − billed " + Usd.format(d.billedAmount()) + ". "
                                + DISCOUNT_NOTE));
        showTokens(summary.tokens().orElse(null));
    }

    /** Tokens beside the dollars, and what the prompt cache did; both hide without usage. */
    private void showTokens(TokenUsage usage) {
        tokens.setVisible(usage != null);
        cache.setVisible(usage != null);
        if (usage == null) {
            return;
        }
        String perMillion = usage.costPerMillionTokens()
                .map(v -> Usd.format(v) + " per million tokens")
                .orElse("");
        String batch = usage.batchShare()
                .map(v -> v.toPlainString() + "% on the Batch API")
                .orElse("");
        tokens.show(
                TokenCount.format(usage.totalTokens()),
                String.join(
                        " · ",
                        java.util.stream.Stream.of(
                                        perMillion,
                                        "in " + TokenCount.format(usage.inputTokens()) + ", out "
                                                + TokenCount.format(usage.outputTokens()),
                                        batch)
                                .filter(x -> !x.isEmpty())
                                .toList()));
        cache.show(
                usage.cacheHitRate().map(v -> v.toPlainString() + "% hit rate").orElse("—"),
                "Saved " + Usd.format(usage.cacheSavings()) + " at list prices · read "
                        + TokenCount.format(usage.cacheReadTokens()) + ", written "
                        + TokenCount.format(usage.cacheWriteTokens()));
    }

    String tokensText() {
        return tokens.value.getText();
    }

    String tokensDetail() {
        return tokens.context.getText();
    }

    String cacheText() {
        return cache.value.getText();
    }

    String cacheDetail() {
        return cache.context.getText();
    }

    boolean tokensShown() {
        return tokens.isVisible();
    }

    /** Today's estimate, or none: the card hides. */
    void showToday(Optional<TodaySoFar> estimate) {
        today.show(estimate);
    }

    /** The browser's time zone, to give today's through-time in local time too. */
    void browserZone(ZoneId zone) {
        today.browserZone(zone);
    }

    String discountText() {
        return discount.value.getText();
    }

    String discountDetail() {
        return discount.context.getText();
    }

    boolean discountShown() {
        return discount.isVisible();
    }

    TodayCard today() {
        return today;
    }

    String totalText() {
        return total.value.getText();
    }

    String changeText() {
        return change.value.getText();
    }

    String projectionText() {
        return projection.value.getText();
    }

    /** One card: a label, a big number and a line of context. */
    private static final class Card extends Div {
        private final Span value = new Span();
        private final Span context = new Span();

        Card(String id, String label) {
            setId(id);
            Span title = new Span(label);
            title.addClassName("quiet-small");
            value.addClassName("card-value");
            context.addClassName("quiet-tiny");
            addClassName("spend-card");
            add(title, value, context);
        }

        void show(String text, String detail) {
            value.setText(text);
            context.setText(detail);
        }
    }
}
