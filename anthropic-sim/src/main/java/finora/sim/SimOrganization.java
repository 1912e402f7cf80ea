package finora.sim;

import java.util.Objects;

/**
 * An Anthropic organization known to the simulator, as {@code GET /v1/organizations/me} reports it.
 *
 * @param id   the organization's UUID
 * @param name its display name
 */
public record SimOrganization(String id, String name) {

    /** Checks the components; see the record description. */
    public SimOrganization {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
