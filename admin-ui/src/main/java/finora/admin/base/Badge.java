package finora.admin.base;

import com.vaadin.flow.component.html.Span;
import java.util.Locale;

/**
 * A small Lumo-coloured pill, e.g. a connection's status or a "provisional" day, styled by the
 * {@code .badge} rules of the app's stylesheet (the pre-compiled frontend bundle has no badge theme import).
 */
public final class Badge {

    /** The Lumo colour family of a badge. */
    public enum Tone {
        SUCCESS,
        ERROR,
        PRIMARY,
        WARNING;

        private String lumo() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Badge() {}

    /**
     * A badge with classes {@code badge} and {@code className} and attribute {@code data-tone}, so the
     * stylesheet colours it and pages and tests can find it.
     */
    public static Span of(String text, Tone tone, String className) {
        Span badge = new Span(text);
        badge.addClassNames("badge", className);
        badge.getElement().setAttribute("data-tone", tone.lumo());
        return badge;
    }

    /** As {@link #of}, with a tooltip that says what the badge means. */
    public static Span titled(String text, Tone tone, String className, String title) {
        Span badge = of(text, tone, className);
        badge.getElement().setAttribute("title", title);
        return badge;
    }
}
