package finora.admin.spend;

import java.time.LocalDate;

/** Date ranges offered by the Spend view; every one ends yesterday (UTC), the last day that can be stored. */
enum RangePreset {
    LAST_7_DAYS("Last 7 days"),
    LAST_30_DAYS("Last 30 days"),
    LAST_90_DAYS("Last 90 days"),
    MONTH_TO_DATE("Month to date"),
    CUSTOM("Custom");

    private final String label;

    RangePreset(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The range ending {@code yesterday}; null for {@link #CUSTOM}. */
    DateRange range(LocalDate yesterday) {
        return switch (this) {
            case LAST_7_DAYS -> new DateRange(yesterday.minusDays(6), yesterday);
            case LAST_30_DAYS -> new DateRange(yesterday.minusDays(29), yesterday);
            case LAST_90_DAYS -> new DateRange(yesterday.minusDays(89), yesterday);
            case MONTH_TO_DATE -> new DateRange(yesterday.withDayOfMonth(1), yesterday);
            case CUSTOM -> null;
        };
    }
}
