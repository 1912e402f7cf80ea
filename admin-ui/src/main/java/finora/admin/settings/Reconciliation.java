package finora.admin.settings;

/** Whether a sync run re-checked days that were already final. */
public enum Reconciliation {
    /** A regular run: days not final yet and the last few closed days. */
    NONE,
    /** The daily deep reconciliation: the last 35 closed days, final or not. */
    DAILY,
    /** The monthly one: every day of the previous calendar month, once after it closed. */
    MONTHLY
}
