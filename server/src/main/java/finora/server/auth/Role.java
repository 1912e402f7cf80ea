package finora.server.auth;

/** What a caller may do: ADMIN changes settings (connections, keys, budgets, channels), READER only reads. */
public enum Role {
    /** Reads everything of its tenant and changes connections, keys, budgets and notification channels. */
    ADMIN,
    /** Reads everything of its tenant. */
    READER;

    /** The role a user of the admin UI acts with: ADMIN stays ADMIN, VIEWER reads. */
    public static Role ofUserRole(String userRole) {
        return "ADMIN".equals(userRole) ? ADMIN : READER;
    }
}
