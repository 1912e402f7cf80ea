package finora.server.auth;

import java.time.Duration;

/** A tenant's plan: its refresh cycle and its backfill depth (DESIGN.md §3). */
public enum Plan {
    /** Refresh every 24 h, backfill 7 days. */
    TRIAL(Duration.ofHours(24), 7),
    /** Refresh every 24 h, backfill 90 days. */
    GROWTH(Duration.ofHours(24), 90),
    /** Refresh every hour, backfill 365 days. */
    SCALE(Duration.ofHours(1), 365),
    /** Refresh every 15 minutes, backfill 730 days. */
    ENTERPRISE(Duration.ofMinutes(15), 730);

    private final Duration refreshInterval;
    private final int backfillDays;

    Plan(Duration refreshInterval, int backfillDays) {
        this.refreshInterval = refreshInterval;
        this.backfillDays = backfillDays;
    }

    /** Time from the end of one sync to the next. */
    public Duration refreshInterval() {
        return refreshInterval;
    }

    /** Closed days the first sync fetches. */
    public int backfillDays() {
        return backfillDays;
    }
}
