package finora.admin.spend;

/** The range and filters the Spend page last loaded: what the model breakdown re-reads and a download exports. */
record SpendSelection(DateRange range, CostFilters filters) {}
