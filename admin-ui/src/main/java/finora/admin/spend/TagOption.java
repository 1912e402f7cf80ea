package finora.admin.spend;

/**
 * A value a tag takes, e.g. a workspace.
 *
 * @param value what goes into a filter (workspace id, "default" for the Default workspace)
 * @param displayName name for people
 */
public record TagOption(String value, String displayName) {}
