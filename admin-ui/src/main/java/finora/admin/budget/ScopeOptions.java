package finora.admin.budget;

import finora.admin.settings.ProviderOption;
import finora.admin.spend.TagOption;
import java.util.List;

/**
 * What the scope pickers offer: the server's providers, the tenant's workspaces (ListTagValues) and
 * the model families with spend in the last year.
 */
record ScopeOptions(List<ProviderOption> providers, List<TagOption> workspaces, List<String> modelFamilies) {

    ScopeOptions {
        providers = List.copyOf(providers);
        workspaces = List.copyOf(workspaces);
        modelFamilies = List.copyOf(modelFamilies);
    }
}
