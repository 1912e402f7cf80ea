package finora.server.provider;

/**
 * Workspace identity, spelled in one place. A provider's default workspace has no id: the database
 * stores it as {@value #STORED_DEFAULT} (the empty string), the API calls it {@value #WIRE_DEFAULT}
 * (in filters, rows and budget scopes) and people read {@value #DEFAULT_NAME}.
 */
public final class WorkspaceId {
    /** The default workspace's id in the database. */
    public static final String STORED_DEFAULT = "";
    /** The default workspace's id on the wire. */
    public static final String WIRE_DEFAULT = "default";
    /** The default workspace's name. */
    public static final String DEFAULT_NAME = "Default";

    private WorkspaceId() {}

    /** The id as the API shows it. */
    public static String toWire(String stored) {
        return isDefault(stored) ? WIRE_DEFAULT : stored;
    }

    /** The id as the database stores it. */
    public static String fromWire(String wire) {
        return WIRE_DEFAULT.equals(wire) ? STORED_DEFAULT : wire;
    }

    /** Whether a stored id is the default workspace's. */
    public static boolean isDefault(String stored) {
        return stored.isEmpty();
    }

    /** What to show for a stored id: its known name, else "Default" for the default workspace, else the id. */
    public static String name(String stored, String knownName) {
        if (knownName != null) {
            return knownName;
        }
        return isDefault(stored) ? DEFAULT_NAME : stored;
    }
}
