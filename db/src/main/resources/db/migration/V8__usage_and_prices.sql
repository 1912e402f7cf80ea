-- Token usage beside cost, and list prices (issue #13). Additive: nothing stored before changes.
--
-- * usage_line_item: what Anthropic's usage report (/v1/organizations/usage_report/messages, daily
--   buckets) counted per ledger, UTC day and the dimensions that set a token's price (workspace,
--   model, service tier, context window, speed) plus API key and inference geo where the source
--   gives them ('' = not given; workspace '' is the Default workspace). `usage_type` is the token
--   type exactly as cost lines name it (uncached_input_tokens, output_tokens, cache_read_input_tokens,
--   cache_creation.ephemeral_5m_input_tokens, cache_creation.ephemeral_1h_input_tokens) or
--   web_search_requests. A day's usage is replaced whole by the sync run that fetched the day, under
--   the same lease, so it follows the cost day's window, finality (cost_day.status) and re-fetches.
-- * usage_restatement: a re-fetch that changed a day's token count (like cost_restatement for USD).
-- * price: list prices per provider, model, token type, service tier, context window and speed,
--   each with the day it took effect (a price applies from its effective_from until the next
--   version of the same key). Kept as data: the seed below, new versions by later migrations.

CREATE TABLE usage_line_item (
    usage_line_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenant (tenant_id),
    ledger_id       UUID NOT NULL REFERENCES ledger (ledger_id),
    day             DATE NOT NULL,
    workspace_id    VARCHAR(500) NOT NULL,
    model           VARCHAR(500) NOT NULL,
    model_family    VARCHAR(500) NOT NULL,
    model_version   VARCHAR(500) NOT NULL,
    service_tier    VARCHAR(500) NOT NULL,
    context_window  VARCHAR(500) NOT NULL,
    speed           VARCHAR(500) NOT NULL,
    inference_geo   VARCHAR(500) NOT NULL DEFAULT '',
    api_key_id      VARCHAR(500) NOT NULL DEFAULT '',
    usage_type      VARCHAR(500) NOT NULL,
    quantity        BIGINT NOT NULL,
    CONSTRAINT usage_line_item_key UNIQUE (ledger_id, day, workspace_id, model, service_tier, context_window, speed,
        inference_geo, api_key_id, usage_type)
);
CREATE INDEX usage_line_item_tenant_day_idx ON usage_line_item (tenant_id, day);

-- [jooq ignore start]
-- Usage changes answers (QueryCosts quantities, GetSpendSummary tokens): tell the caches (V7's function).
CREATE TRIGGER usage_line_item_changed_insert AFTER INSERT ON usage_line_item
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_nowcast_notify();
CREATE TRIGGER usage_line_item_changed_delete AFTER DELETE ON usage_line_item
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_nowcast_notify();
-- [jooq ignore stop]

CREATE TABLE usage_restatement (
    restatement_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ledger_id       UUID NOT NULL REFERENCES ledger (ledger_id),
    day             DATE NOT NULL,
    old_quantity    BIGINT NOT NULL,
    new_quantity    BIGINT NOT NULL,
    restated_at     TIMESTAMPTZ NOT NULL,
    after_final     BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX usage_restatement_ledger_day_idx ON usage_restatement (ledger_id, day);

-- `price_id` is FOCUS's SkuPriceId: stable per version, e.g.
-- anthropic/claude-sonnet-4-5-20250929/output_tokens/standard/0-200k/standard@2025-09-29.
CREATE TABLE price (
    price_id          VARCHAR(500) PRIMARY KEY,
    provider          VARCHAR(500) NOT NULL,
    model             VARCHAR(500) NOT NULL,
    token_type        VARCHAR(500) NOT NULL,
    service_tier      VARCHAR(500) NOT NULL,
    context_window    VARCHAR(500) NOT NULL,
    speed             VARCHAR(500) NOT NULL,
    -- USD per million units of `pricing_unit` (Tokens, Requests or Hours).
    usd_per_million   NUMERIC(24, 12) NOT NULL CONSTRAINT price_positive_check CHECK (usd_per_million >= 0),
    pricing_unit      VARCHAR(50) NOT NULL DEFAULT 'Tokens',
    effective_from    DATE NOT NULL,
    source            VARCHAR(500) NOT NULL,
    CONSTRAINT price_version_key UNIQUE (provider, model, token_type, service_tier, context_window, speed,
        effective_from)
);

-- [jooq ignore start]
-- Anthropic's published list prices (https://platform.claude.com/docs/en/about-claude/pricing),
-- USD per million tokens, standard tier, prompts up to 200k tokens, effective from the model's
-- release. The other rows follow Anthropic's published rules: cache reads 0.1 x input, 5-minute
-- cache writes 1.25 x input, 1-hour cache writes 2 x input; Batch API 50 %; long context
-- (200k-1M input tokens) 2 x input and 1.5 x output; fast mode 6 x. Models without a published
-- price (claude-sonnet-5, claude-fable-5: the simulator's) carry the simulator's list prices.
INSERT INTO price (price_id, provider, model, token_type, service_tier, context_window, speed, usd_per_million,
        effective_from, source)
SELECT 'anthropic/' || m.model || '/' || t.token_type || '/' || s.tier || '/' || c.cw || '/' || f.speed || '@'
           || m.effective_from,
       'ANTHROPIC', m.model, t.token_type, s.tier, c.cw, f.speed,
       (CASE WHEN t.token_type = 'output_tokens' THEN m.output ELSE m.input END)
           * t.factor * s.factor * f.factor
           * (CASE WHEN c.cw = '200k-1M' THEN (CASE WHEN t.token_type = 'output_tokens' THEN 1.5 ELSE 2 END) ELSE 1 END),
       m.effective_from::date, m.source
FROM (VALUES
        ('claude-sonnet-4-5-20250929', 3.00, 15.00, '2025-09-29', 'anthropic-pricing'),
        ('claude-opus-4-6', 5.00, 25.00, '2026-02-05', 'anthropic-pricing'),
        ('claude-haiku-4-5-20251001', 1.00, 5.00, '2025-10-15', 'anthropic-pricing'),
        ('claude-3-5-haiku-20241022', 0.80, 4.00, '2024-11-04', 'anthropic-pricing'),
        ('claude-sonnet-5', 3.00, 15.00, '2026-01-01', 'simulator'),
        ('claude-fable-5', 2.00, 10.00, '2026-01-01', 'simulator')
     ) AS m (model, input, output, effective_from, source)
CROSS JOIN (VALUES
        ('uncached_input_tokens', 1.0),
        ('output_tokens', 1.0),
        ('cache_read_input_tokens', 0.1),
        ('cache_creation.ephemeral_5m_input_tokens', 1.25),
        ('cache_creation.ephemeral_1h_input_tokens', 2.0)
     ) AS t (token_type, factor)
CROSS JOIN (VALUES ('standard', 1.0), ('batch', 0.5)) AS s (tier, factor)
CROSS JOIN (VALUES ('0-200k'), ('200k-1M')) AS c (cw)
CROSS JOIN (VALUES ('standard', 1.0), ('fast', 6.0)) AS f (speed, factor);

-- Per request or per hour, without model, tier or window: web search $10 per 1,000 searches; code
-- execution $0.05 per container hour; managed agent sessions $0.08 per session hour (the
-- simulator's price: no published one in the stored sources).
INSERT INTO price (price_id, provider, model, token_type, service_tier, context_window, speed, usd_per_million,
        pricing_unit, effective_from, source)
VALUES ('anthropic/web_search@2025-05-07', 'ANTHROPIC', '', 'web_search_requests', '', '', '', 10000, 'Requests',
        '2025-05-07', 'anthropic-pricing'),
       ('anthropic/code_execution@2025-05-22', 'ANTHROPIC', '', 'code_execution_hours', '', '', '', 50000, 'Hours',
        '2025-05-22', 'anthropic-pricing'),
       ('anthropic/session_usage@2026-01-01', 'ANTHROPIC', '', 'session_hours', '', '', '', 80000, 'Hours',
        '2026-01-01', 'simulator');
-- [jooq ignore stop]
