package finora.admin.grpc;

import java.util.List;

/**
 * Which costs to count; an empty list means no restriction, and the lists combine with AND.
 *
 * @param modelFamilies model families such as "Opus" or "Sonnet"
 * @param models model ids such as claude-sonnet-4-5-20250929
 * @param workspaceIds workspace ids ("default" is the Default workspace)
 */
public record CostFilters(List<String> modelFamilies, List<String> models, List<String> workspaceIds) {

  /** No filter: every cost of the tenant. */
  public static final CostFilters NONE = new CostFilters(List.of(), List.of(), List.of());

  public CostFilters {
    modelFamilies = List.copyOf(modelFamilies);
    models = List.copyOf(models);
    workspaceIds = List.copyOf(workspaceIds);
  }
}
