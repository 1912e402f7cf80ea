package finora.admin.settings;

/**
 * Progress of a running sync.
 *
 * @param daysDone UTC days of the window already stored
 * @param daysTotal UTC days in the window
 */
public record SyncProgress(int daysDone, int daysTotal) {

    /** Done share from 0 to 1, for a progress bar. */
    public double fraction() {
        return daysTotal <= 0 ? 0 : Math.min(1.0, (double) daysDone / daysTotal);
    }
}
