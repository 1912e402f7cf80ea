package finora.admin.settings;

/** An AI provider Finora can connect to; the server's catalog says which ones it offers. */
public enum AiProvider {
    /** Anthropic API platform organizations, connected with an Admin API key. */
    ANTHROPIC,
    /** OpenAI API platform organizations, connected with an Admin API key (sk-admin-…). */
    OPENAI;

    /** The name people read. */
    public String displayName() {
        return this == OPENAI ? "OpenAI" : "Anthropic";
    }
}
