package finora.admin.spend;

/** A dimension to group costs by. */
public enum CostGrouping {
    /** UTC calendar day. */
    DAY,
    /** ISO week (Monday, UTC). */
    WEEK,
    /** UTC calendar month. */
    MONTH,
    /** Model family: Opus, Sonnet, Haiku, or the raw family name; empty for costs without a model. */
    MODEL_FAMILY,
    /** Model version within its family, e.g. "4.5"; rows carry the family too. */
    MODEL_VERSION,
    /** Model id. */
    MODEL,
    /** Provider workspace. */
    WORKSPACE,
    /** Cost type: tokens, web_search, code_execution, ... */
    COST_TYPE,
    /** Token type, e.g. output_tokens. */
    TOKEN_TYPE,
    /** Service tier: standard, batch. */
    SERVICE_TIER,
    /** Anthropic API key; known only for days the Cost Analytics API filled. */
    API_KEY,
    /** Actor: the user, service account or API key that incurred the cost; known only for analytics days. */
    ACTOR,
    /** Product as Anthropic names it, e.g. "api", "claude_code". */
    PRODUCT,
    /** Provider: Anthropic, OpenAI. */
    PROVIDER
}
