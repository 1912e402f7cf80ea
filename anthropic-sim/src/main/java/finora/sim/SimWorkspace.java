package finora.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * A workspace of a simulated organization, as {@code GET /v1/organizations/workspaces} lists it.
 *
 * @param id           {@code wrkspc_…} id
 * @param name         display name (1–40 characters)
 * @param createdAt    creation time; the workspace has cost only from this UTC day on
 * @param archivedAt   archive time, or null when active; an archived workspace has cost only before this UTC day
 * @param displayColor hex colour such as {@code #6C5BB9}
 */
public record SimWorkspace(String id, String name, Instant createdAt, Instant archivedAt, String displayColor) {

    /** Checks the components; see the record description. */
    public SimWorkspace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(displayColor, "displayColor");
    }

    /** Whether the workspace is archived. */
    public boolean archived() {
        return archivedAt != null;
    }
}
