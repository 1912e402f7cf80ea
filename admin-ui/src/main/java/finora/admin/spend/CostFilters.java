package finora.admin.spend;

import finora.admin.settings.AiProvider;
import java.util.List;

/**
 * Which costs to count; an empty list means no restriction, and the lists combine with AND.
 *
 * @param modelFamilies model families such as "Opus" or "Sonnet"
 * @param models model ids such as claude-sonnet-4-5-20250929
 * @param workspaceIds workspace ids ("default" is the Default workspace)
 * @param apiKeyIds API key ids ({@value CostClient#UNATTRIBUTED} for cost without one)
 * @param actorIds actor ids: users, service accounts, keys acting for themselves ({@value CostClient#UNATTRIBUTED})
 * @param products products such as "api" or "claude_code" ({@value CostClient#UNATTRIBUTED})
 * @param providers providers such as OpenAI (empty: all)
 */
public record CostFilters(
        List<String> modelFamilies,
        List<String> models,
        List<String> workspaceIds,
        List<String> apiKeyIds,
        List<String> actorIds,
        List<String> products,
        List<AiProvider> providers) {

    /** No filter: every cost of the tenant. */
    public static final CostFilters NONE = new CostFilters(List.of(), List.of(), List.of());

    public CostFilters {
        modelFamilies = List.copyOf(modelFamilies);
        models = List.copyOf(models);
        workspaceIds = List.copyOf(workspaceIds);
        apiKeyIds = List.copyOf(apiKeyIds);
        actorIds = List.copyOf(actorIds);
        products = List.copyOf(products);
        providers = List.copyOf(providers);
    }

    /** Filters of every provider. */
    public CostFilters(
            List<String> modelFamilies,
            List<String> models,
            List<String> workspaceIds,
            List<String> apiKeyIds,
            List<String> actorIds,
            List<String> products) {
        this(modelFamilies, models, workspaceIds, apiKeyIds, actorIds, products, List.of());
    }

    /** Filters by model and workspace only, not by API key, actor or product. */
    public CostFilters(List<String> modelFamilies, List<String> models, List<String> workspaceIds) {
        this(modelFamilies, models, workspaceIds, List.of(), List.of(), List.of());
    }
}
