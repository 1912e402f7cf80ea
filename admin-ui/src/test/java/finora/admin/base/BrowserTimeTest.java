package finora.admin.base;

import static org.assertj.core.api.Assertions.assertThat;

import finora.admin.MockVaadinExtension;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BrowserTimeTest {

    @RegisterExtension
    final MockVaadinExtension ui = new MockVaadinExtension();

    private static final Instant MORNING_UTC = Instant.parse("2026-11-25T09:01:00Z");
    private static final Instant NIGHT_UTC = Instant.parse("2026-11-25T03:30:00Z");

    @Test
    void localTime_hasTheUtcTimeBeside_andTheUtcDateWhereTheDayDiffers() {
        assertThat(BrowserTime.format(MORNING_UTC, ZoneId.of("Europe/Berlin"), BrowserTime.SHORT))
                .isEqualTo("Nov 25, 10:01 (09:01 UTC)");
        assertThat(BrowserTime.format(NIGHT_UTC, ZoneId.of("America/New_York"), BrowserTime.SHORT))
                .isEqualTo("Nov 24, 22:30 (Nov 25, 03:30 UTC)");
        assertThat(BrowserTime.format(NIGHT_UTC, ZoneId.of("Asia/Tokyo"), BrowserTime.ISO))
                .isEqualTo("2026-11-25 12:30 (03:30 UTC)");
    }

    @Test
    void inUtc_orAZoneAtUtcThatMoment_theTimeIsGivenOnce() {
        assertThat(BrowserTime.format(MORNING_UTC, ZoneOffset.UTC, BrowserTime.SHORT))
                .isEqualTo("Nov 25, 09:01 UTC");
        assertThat(BrowserTime.format(MORNING_UTC, ZoneId.of("Europe/London"), BrowserTime.SHORT))
                .isEqualTo("Nov 25, 09:01 UTC");
    }

    @Test
    void zone_isTheBrowsers_andUtcWhenItToldNoneOrAnUnknownOne() {
        assertThat(BrowserTime.zone()).isEqualTo(ZoneOffset.UTC);

        ui.browserTimeZone(ZoneId.of("Asia/Tokyo"));
        assertThat(BrowserTime.zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(BrowserTime.format(MORNING_UTC, BrowserTime.SHORT)).isEqualTo("Nov 25, 18:01 (09:01 UTC)");

        ui.browserTimeZone("Mars/Olympus_Mons");
        assertThat(BrowserTime.zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(BrowserTime.format(MORNING_UTC, BrowserTime.SHORT)).isEqualTo("Nov 25, 09:01 UTC");
    }
}
