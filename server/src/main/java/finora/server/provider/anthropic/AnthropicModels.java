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
    public record CostResult(
            BigDecimal amountCents,
            String currency,
            String workspaceId,
            String description,
            String costType,
            String model,
            String tokenType,
            String serviceTier,
            String contextWindow,
            String inferenceGeo,
            String speed) {}

    /**
     * One UTC day bucket: [start, end). {@code defect} is null when every row could be read, else
     * why the day cannot be stored (e.g. an amount that is not a number); {@code results} is then empty.
     */
    public record CostBucket(Instant start, Instant end, List<CostResult> results, String defect) {}

    /** A page of day buckets; {@code nextPage} is null on the last page. */
    public record CostReportPage(List<CostBucket> buckets, boolean hasMore, String nextPage) {}

    /**
     * Who incurred an analytics row, read leniently: {@code type} as Anthropic wrote it (e.g.
     * {@code user_actor}), the id of a user, service account or API key, and what else it says.
     */
    public record ActorRef(String id, String type, String name, String email, boolean deleted) {}

    /**
     * One row of {@code /v1/organizations/analytics/cost}: bucket bounds, the text value of every
     * dimension present in {@code group} (null ones left out), the actor, and the amounts in cents
     * exactly as sent. {@code amountCents} null: not a number ({@code defect} says so).
     */
    public record AnalyticsRow(
            Instant start,
            Instant end,
            java.util.Map<String, String> group,
            ActorRef actor,
            BigDecimal amountCents,
            BigDecimal listAmountCents,
            String currency,
            String defect) {}

    /** A page of analytics rows; {@code dataRefreshedAt} is the export watermark, null when not sent. */
    public record AnalyticsPage(List<AnalyticsRow> rows, boolean hasMore, String nextPage, Instant dataRefreshedAt) {}

    /**
     * An API key. {@code scopeWorkspaceId} is the workspace of its scope (a real id even for the
     * Default workspace); {@code workspaceId} the deprecated field (null for the Default workspace);
     * {@code principalId} the user or service account it acts for, or null.
     */
    public record ApiKeyInfo(
            String id,
            String name,
            String status,
            String hint,
            String scopeType,
            String scopeWorkspaceId,
            String workspaceId,
            String principalId) {}

    /** A page of API keys; the next starts after {@code lastId}. */
    public record ApiKeyPage(List<ApiKeyInfo> keys, boolean hasMore, String lastId) {}

    /** An organization member. */
    public record User(String id, String name, String email) {}

    /** A page of members; the next starts after {@code lastId}. */
    public record UserPage(List<User> users, boolean hasMore, String lastId) {}

    /**
     * One row of {@code usage_report/messages}: the dimensions grouped by (null when not grouped or
     * not given; a null {@code workspaceId} is the Default workspace) and the counts.
     */
    public record UsageResult(
            String workspaceId,
            String model,
            String serviceTier,
            String contextWindow,
            String speed,
            String inferenceGeo,
            String apiKeyId,
            long uncachedInputTokens,
            long outputTokens,
            long cacheReadInputTokens,
            long cacheCreation5mInputTokens,
            long cacheCreation1hInputTokens,
            long webSearchRequests) {}

    /** One UTC day bucket of usage: [start, end). */
    public record UsageBucket(Instant start, Instant end, List<UsageResult> results) {}

    /** A page of usage day buckets; {@code nextPage} is null on the last page. */
    public record UsagePage(List<UsageBucket> buckets, boolean hasMore, String nextPage) {}
}
