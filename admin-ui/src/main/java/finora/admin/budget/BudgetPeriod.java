package finora.admin.budget;

/** How long a budget period is: a calendar month or quarter in UTC. */
public enum BudgetPeriod {
    MONTHLY("Monthly"),
    QUARTERLY("Quarterly");

    private final String label;

    BudgetPeriod(String label) {
        this.label = label;
    }

    /** For people: "Monthly", "Quarterly". */
    public String label() {
        return label;
    }
}
