package finora.admin.security;

/** What a signed-in user may do; VIEWER users of the server act as {@link #READER}. */
public enum Role {
    /** May read everything of the tenant and change connections and keys. */
    ADMIN,
    /** May read everything of the tenant. */
    READER
}
