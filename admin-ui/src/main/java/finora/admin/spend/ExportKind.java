package finora.admin.spend;

/** File format of a cost export. */
public enum ExportKind {
    /** One CSV row per stored line item. */
    CSV,
    /** FOCUS 1.2 columns, CSV encoded. */
    FOCUS
}
