package finora.admin.spend;

/** What slice of the tenant's spend a budget or an anomaly covers. */
public enum ScopeKind {
    TENANT("All spend"),
    PROVIDER("Provider"),
    WORKSPACE("Workspace"),
    MODEL_FAMILY("Model family");

    private final String label;

    ScopeKind(String label) {
        this.label = label;
    }

    /** For people: "All spend", "Workspace", … */
    public String label() {
        return label;
    }
}
