package finora.admin.spend;

import finora.admin.settings.AiProvider;
import java.util.Objects;

/**
 * A slice of the tenant's spend.
 *
 * @param kind which kind of slice
 * @param provider the provider, for {@link ScopeKind#PROVIDER} only (else null)
 * @param value workspace id ("default" for the Default workspace) or model family name; empty otherwise
 * @param displayName the server's name for the slice (e.g. the workspace's name); empty on input
 */
public record SpendScope(ScopeKind kind, AiProvider provider, String value, String displayName) {

    /** All spend of the tenant. */
    public static final SpendScope TENANT = new SpendScope(ScopeKind.TENANT, null, "", "");

    public SpendScope {
        Objects.requireNonNull(kind);
        value = value == null ? "" : value;
        displayName = displayName == null ? "" : displayName;
    }

    /** For people: "All spend", "Anthropic", "Workspace Research", "Model family Opus". */
    public String label() {
        String name = displayName.isBlank() ? value : displayName;
        return switch (kind) {
            case TENANT -> kind.label();
            case PROVIDER -> provider == null ? kind.label() : provider.displayName();
            case WORKSPACE, MODEL_FAMILY -> kind.label() + " " + name;
        };
    }
}
