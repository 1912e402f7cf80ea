package finora.server.provider.anthropic;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The Admin API's answers as plain Java values; the JSON stays inside this package. */
public final class AnthropicModels {
    private AnthropicModels() {}

    /** {@code GET /v1/organizations/me}. */
    public record Organization(String id, String name) {}

    /** One workspace; {@code archivedAt} is null unless archived. */
    public record Workspace(String id, String name, Instant archivedAt) {}

    /** A page of workspaces; the next page starts after {@code lastId}. */
    public record WorkspacePage(List<Workspace> workspaces, boolean hasMore, String lastId) {}

    /**
     * One cost row. {@code amountCents} is exact, at whatever scale Anthropic sent (cents as a
     * decimal string); fields not given are null; a null {@code workspaceId} is the Default
     * workspace; {@code speed} is {@code standard} or {@code fast} (sent with the fast-mode beta).
     * Cost types are an open set ({@code tokens}, {@code web_search}, {@code session_usage}, ...).
     */
    public record CostResult(BigDecimal amountCents, String currency, String workspaceId, String description,
            String costType, String model, String tokenType, String serviceTier, String contextWindow,
            String inferenceGeo, String speed) {}

    /**
     * One UTC day bucket: [start, end). {@code defect} is null when every row could be read, else
     * why the day cannot be stored (e.g. an amount that is not a number); {@code results} is then empty.
     */
    public record CostBucket(Instant start, Instant end, List<CostResult> results, String defect) {}

    /** A page of day buckets; {@code nextPage} is null on the last page. */
    public record CostReportPage(List<CostBucket> buckets, boolean hasMore, String nextPage) {}
}
