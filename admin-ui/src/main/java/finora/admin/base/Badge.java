package finora.admin.base;

import com.vaadin.flow.component.html.Span;
import java.util.Locale;

/**
 * A small Lumo-coloured pill, e.g. a connection's status or a "provisional" day. Styled inline
 * because the pre-compiled frontend bundle has no badge theme import.
 */
public final class Badge {

  /** The Lumo colour family of a badge. */
  public enum Tone {
    SUCCESS, ERROR, PRIMARY, WARNING;

    private String lumo() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private Badge() {}

  /**
   * A badge with class {@code className} and attribute {@code data-tone}, so pages and tests can find it.
   */
  public static Span of(String text, Tone tone, String className) {
    Span badge = new Span(text);
    badge.addClassName(className);
    badge.getElement().setAttribute("data-tone", tone.lumo());
    // Fallbacks for colours older Lumo versions lack (warning arrived late).
    String fallbackText = tone == Tone.WARNING ? ", #8a5a00" : "";
    String fallbackBackground = tone == Tone.WARNING ? ", #fff4e0" : "";
    badge.getStyle()
        .set("display", "inline-block")
        .set("padding", "0 var(--lumo-space-s)")
        .set("border-radius", "var(--lumo-border-radius-l)")
        .set("font-size", "var(--lumo-font-size-xs)")
        .set("font-weight", "500")
        .set("line-height", "1.6")
        .set("white-space", "nowrap")
        .set("color", "var(--lumo-" + tone.lumo() + "-text-color" + fallbackText + ")")
        .set("background-color", "var(--lumo-" + tone.lumo() + "-color-10pct" + fallbackBackground + ")");
    return badge;
  }
}
