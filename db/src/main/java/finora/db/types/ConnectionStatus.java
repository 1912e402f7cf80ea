package finora.db.types;

/** {@code connection.status} (jOOQ maps the column to this enum; the CHECK constraint lists the same names). */
public enum ConnectionStatus {
    /** Syncs run on schedule. */
    ACTIVE,
    /** The provider refused the stored key; syncs stop until the key is updated. */
    NEEDS_ATTENTION,
    /** Removed by the tenant: the credential is deleted, the cost history stays. */
    REMOVED
}
