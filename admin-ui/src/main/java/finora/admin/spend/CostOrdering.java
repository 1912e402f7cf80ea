package finora.admin.spend;

/** Order of cost rows. */
public enum CostOrdering {
    /** By period ascending, then amount descending. */
    DATE,
    /** Largest amount first. */
    AMOUNT_DESC,
    /** Smallest amount first. */
    AMOUNT_ASC
}
