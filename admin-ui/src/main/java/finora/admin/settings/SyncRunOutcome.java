package finora.admin.settings;

/** Outcome of one sync run. */
public enum SyncRunOutcome {
    /** Still running. */
    RUNNING,
    /** Every day of the window was stored. */
    SUCCEEDED,
    /** The run stopped; stored days stay and the next run repairs the rest. */
    FAILED
}
