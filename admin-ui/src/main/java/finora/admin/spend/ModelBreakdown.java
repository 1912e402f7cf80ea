package finora.admin.spend;

import java.util.List;

/** How the model breakdown groups: by model id, or by family and version (e.g. all "Sonnet 4.5" snapshots). */
enum ModelBreakdown {
    MODEL("Model", List.of(CostGrouping.MODEL_FAMILY, CostGrouping.MODEL)),
    VERSION("Family and version", List.of(CostGrouping.MODEL_VERSION));

    private final String label;
    private final List<CostGrouping> groupBy;

    ModelBreakdown(String label, List<CostGrouping> groupBy) {
        this.label = label;
        this.groupBy = groupBy;
    }

    String label() {
        return label;
    }

    List<CostGrouping> groupBy() {
        return groupBy;
    }
}
