package finora.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * A project of a simulated OpenAI organization, as {@code GET /v1/organization/projects} lists it.
 *
 * @param id {@code proj_…}
 * @param name display name; the first project of every organization is its "Default project"
 * @param createdAt creation time; the project has cost only from this UTC day on
 * @param archivedAt archive time or null; an archived project has cost only before this UTC day
 */
public record OpenAiProject(String id, String name, Instant createdAt, Instant archivedAt) {

    /** Checks the components. */
    public OpenAiProject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
