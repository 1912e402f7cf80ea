package finora.admin.settings;

/** Outcome of a connection's last finished sync. */
public enum SyncResult {
    /** No sync has finished yet. */
    NONE,
    /** Every day of the window was stored. */
    SUCCEEDED,
    /** The run stopped; stored days stay and the next run repairs the rest. */
    FAILED
}
