package finora.admin.settings;

/** State of a connected provider account. */
public enum ConnectionState {
    /** Syncing on its plan's schedule. */
    ACTIVE,
    /** The provider refused the key: syncs are stopped until the key is updated. */
    NEEDS_ATTENTION
}
