package finora.admin.grpc;

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
  SERVICE_TIER
}
