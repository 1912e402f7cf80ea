package finora.admin.settings;

/** The body a webhook receives. */
public enum WebhookFormat {
    /** Finora's event JSON, signed. */
    JSON("JSON"),
    /** Slack incoming-webhook body ({@code text} and {@code blocks}); Slack-compatible receivers too. */
    SLACK("Slack");

    private final String label;

    WebhookFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
