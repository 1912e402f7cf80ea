package finora.server.auth;

/** What a caller may do: ADMIN changes connections and keys, READER only reads. */
public enum Role {
    /** Reads everything of its tenant and changes connections and keys. */
    ADMIN,
    /** Reads everything of its tenant. */
    READER;

    /** The role a user of the admin UI acts with: ADMIN stays ADMIN, VIEWER reads. */
    public static Role ofUserRole(String userRole) {
        return "ADMIN".equals(userRole) ? ADMIN : READER;
    }
}
