package finora.admin.base;

import com.vaadin.flow.component.UI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times as the person at the browser reads them: in the browser's time zone, with the UTC time beside
 * it, because Finora keeps spend by UTC day (a sync at 23:30 in New York already belongs to the next UTC
 * day). Where the browser's zone is UTC, or it told none (or one Java does not know), times show in UTC
 * alone, as before.
 */
public final class BrowserTime {

    /** "Nov 25, 09:01". */
    public static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM d, HH:mm", Locale.US);
    /** "2026-11-20 04:10". */
    public static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.US);

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.US);

    private BrowserTime() {}

    /** The time zone of the browser showing the current UI; UTC outside a UI or when it told none. */
    public static ZoneId zone() {
        UI ui = UI.getCurrent();
        if (ui == null) {
            return ZoneOffset.UTC;
        }
        String id = ui.getPage().getExtendedClientDetails().getTimeZoneId();
        if (id == null || id.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }

    /** {@code time} in the current browser's zone with UTC beside it; see {@link #format(Instant, ZoneId, DateTimeFormatter)}. */
    public static String format(Instant time, DateTimeFormatter pattern) {
        return format(time, zone(), pattern);
    }

    /**
     * "Nov 25, 10:01 (09:01 UTC)" in the browser's zone, with the UTC date too where it differs: "Nov 25,
     * 01:30 (Nov 24, 23:30 UTC)"; "Nov 25, 09:01 UTC" where the zone is UTC at that moment.
     */
    public static String format(Instant time, ZoneId zone, DateTimeFormatter pattern) {
        ZonedDateTime utc = time.atZone(ZoneOffset.UTC);
        if (zone.getRules().getOffset(time).getTotalSeconds() == 0) {
            return pattern.format(utc) + " UTC";
        }
        ZonedDateTime local = time.atZone(zone);
        String besides = local.toLocalDate().equals(utc.toLocalDate()) ? HOUR.format(utc) : pattern.format(utc);
        return pattern.format(local) + " (" + besides + " UTC)";
    }
}
