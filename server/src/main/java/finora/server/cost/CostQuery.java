package finora.server.cost;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a spend query asks, as plain Java values: the UTC day range and the filters (checked by
 * {@link CostRequest#of}).
 *
 * @param range the inclusive UTC days asked for
 * @param filter what to keep
 */
record CostQuery(Range range, Filter filter) {

    /** An inclusive UTC day range. */
    record Range(LocalDate start, LocalDate end) {
        long days() {
            return ChronoUnit.DAYS.between(start, end) + 1;
        }
    }

    /**
     * Filters; empty lists mean no restriction; workspace ids use '' for the Default workspace, API
     * key, actor and product '' for cost without one; providers are stored names ({@code ANTHROPIC},
     * {@code OPENAI}); {@code noProvider} means only providers that are not known were asked for.
     */
    record Filter(
            List<String> modelFamilies,
            List<String> models,
            List<String> workspaceIds,
            boolean noProvider,
            List<String> apiKeyIds,
            List<String> actorIds,
            List<String> products,
            List<String> providers) {

        Filter(List<String> modelFamilies, List<String> models, List<String> workspaceIds, boolean noProvider) {
            this(modelFamilies, models, workspaceIds, noProvider, List.of(), List.of(), List.of(), List.of());
        }
    }
}
