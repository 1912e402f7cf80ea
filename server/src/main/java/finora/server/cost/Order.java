package finora.server.cost;

/** How groups of costs are ordered (the Java side of {@code finora.v1.CostOrder}). */
enum Order {
    /** By period, then by amount, largest first (the default). */
    DATE,
    /** By amount, largest first. */
    AMOUNT_DESC,
    /** By amount, smallest first. */
    AMOUNT_ASC
}
