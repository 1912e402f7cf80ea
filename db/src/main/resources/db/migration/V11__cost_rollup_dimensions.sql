-- Narrow rollups for fast cache-missing QueryCosts (issue #15).
--
-- cost_rollup_family answers time x model family; everything else read cost_rollup_detail, which
-- keeps every dimension at once. With the analytics dimensions (API key, actor, product) nearly every
-- line item is its own detail row, so a 365-day "by workspace" or "by model" read ~365,000 rows: barely
-- faster than the raw line items. Here each groupable dimension gets a compact per-day aggregate of its
-- own, by model family: one row per (ledger, day, dimension, family[, version], value). A question
-- that involves model family, time and at most one other dimension (grouped or filtered) reads only
-- that dimension's rows: tens a day instead of thousands. Questions over two or more other dimensions
-- still read the detail rollup.
--
-- Filled by the same statement-level trigger as the other rollups (same transaction, NUMERIC sums):
-- it can never be out of step with the line items, and the cache notification is unchanged.
CREATE TABLE cost_rollup_dim (
    tenant_id          UUID NOT NULL,
    ledger_id          UUID NOT NULL REFERENCES ledger (ledger_id),
    day                DATE NOT NULL,
    -- model (value = model id, with its version), workspace, api_key, actor, product, cost_type,
    -- token_type, service_tier, context_window, inference_geo, speed
    dimension          VARCHAR(20) NOT NULL,
    model_family       VARCHAR(500) NOT NULL,
    -- the model's version for dimension 'model', '' otherwise
    model_version      VARCHAR(500) NOT NULL,
    value              VARCHAR(500) NOT NULL,
    amount_usd         NUMERIC NOT NULL,
    -- list price of the rows that state one (NULL: none does), and their billed amount
    list_amount_usd    NUMERIC,
    listed_amount_usd  NUMERIC NOT NULL,
    CONSTRAINT cost_rollup_dim_key UNIQUE (ledger_id, day, dimension, model_family, model_version, value)
);
-- Reads are "this tenant, this dimension, these days": the index keeps one dimension's rows together.
CREATE INDEX cost_rollup_dim_tenant_idx ON cost_rollup_dim (tenant_id, dimension, day);

-- The detail rollup keeps the billed amount of its rows that state a list price too: summing
-- amount_usd over detail rows whose list price is not NULL is not exact when one detail row folds line
-- items with and without a list price (the discount's "billed" side).
ALTER TABLE cost_rollup_detail ADD COLUMN listed_amount_usd NUMERIC NOT NULL DEFAULT 0;

-- [jooq ignore start]
CREATE OR REPLACE FUNCTION cost_rollup_dim_rows(p_ledger UUID, p_day DATE) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cost_rollup_dim (tenant_id, ledger_id, day, dimension, model_family, model_version, value,
            amount_usd, list_amount_usd, listed_amount_usd)
    SELECT tenant_id, ledger_id, day,
           CASE WHEN grouping(model) = 0 THEN 'model'
                WHEN grouping(workspace_id) = 0 THEN 'workspace'
                WHEN grouping(api_key_id) = 0 THEN 'api_key'
                WHEN grouping(actor_id) = 0 THEN 'actor'
                WHEN grouping(product) = 0 THEN 'product'
                WHEN grouping(cost_type) = 0 THEN 'cost_type'
                WHEN grouping(token_type) = 0 THEN 'token_type'
                WHEN grouping(service_tier) = 0 THEN 'service_tier'
                WHEN grouping(context_window) = 0 THEN 'context_window'
                WHEN grouping(inference_geo) = 0 THEN 'inference_geo'
                ELSE 'speed' END,
           model_family,
           CASE WHEN grouping(model) = 0 THEN model_version ELSE '' END,
           coalesce(model, workspace_id, api_key_id, actor_id, product, cost_type, token_type, service_tier,
                    context_window, inference_geo, speed),
           sum(amount_usd), sum(list_amount_usd),
           coalesce(sum(amount_usd) FILTER (WHERE list_amount_usd IS NOT NULL), 0)
    FROM cost_line_item WHERE ledger_id = p_ledger AND day = p_day
    GROUP BY tenant_id, ledger_id, day, model_family, GROUPING SETS ((model_version, model), (workspace_id),
        (api_key_id), (actor_id), (product), (cost_type), (token_type), (service_tier), (context_window),
        (inference_geo), (speed));
$$;

-- The rollup trigger of V7 plus the narrow rollups.
CREATE OR REPLACE FUNCTION cost_rollup_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k RECORD;
BEGIN
    FOR k IN SELECT DISTINCT ledger_id, day FROM changed LOOP
        DELETE FROM cost_rollup_detail WHERE ledger_id = k.ledger_id AND day = k.day;
        INSERT INTO cost_rollup_detail (tenant_id, ledger_id, day, model_family, model_version, model, workspace_id,
                cost_type, token_type, service_tier, context_window, inference_geo, speed, api_key_id, actor_id,
                product, amount_usd, list_amount_usd, listed_amount_usd, line_items)
            SELECT tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type, token_type,
                   service_tier, context_window, inference_geo, speed, api_key_id, actor_id, product,
                   sum(amount_usd), sum(list_amount_usd),
                   coalesce(sum(amount_usd) FILTER (WHERE list_amount_usd IS NOT NULL), 0), count(*)
            FROM cost_line_item WHERE ledger_id = k.ledger_id AND day = k.day
            GROUP BY tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type,
                     token_type, service_tier, context_window, inference_geo, speed, api_key_id, actor_id, product;
        DELETE FROM cost_rollup_family WHERE ledger_id = k.ledger_id AND day = k.day;
        INSERT INTO cost_rollup_family (tenant_id, ledger_id, day, model_family, amount_usd)
            SELECT tenant_id, ledger_id, day, model_family, sum(amount_usd)
            FROM cost_line_item WHERE ledger_id = k.ledger_id AND day = k.day
            GROUP BY tenant_id, ledger_id, day, model_family;
        DELETE FROM cost_rollup_dim WHERE ledger_id = k.ledger_id AND day = k.day;
        PERFORM cost_rollup_dim_rows(k.ledger_id, k.day);
    END LOOP;

    PERFORM pg_notify('finora_costs', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM changed) s;
    RETURN NULL;
END;
$$;

-- The history stored before this migration, in one pass per rollup.
DELETE FROM cost_rollup_detail;
INSERT INTO cost_rollup_detail (tenant_id, ledger_id, day, model_family, model_version, model, workspace_id,
        cost_type, token_type, service_tier, context_window, inference_geo, speed, api_key_id, actor_id,
        product, amount_usd, list_amount_usd, listed_amount_usd, line_items)
SELECT tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type, token_type,
       service_tier, context_window, inference_geo, speed, api_key_id, actor_id, product,
       sum(amount_usd), sum(list_amount_usd),
       coalesce(sum(amount_usd) FILTER (WHERE list_amount_usd IS NOT NULL), 0), count(*)
FROM cost_line_item
GROUP BY tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type,
         token_type, service_tier, context_window, inference_geo, speed, api_key_id, actor_id, product;

INSERT INTO cost_rollup_dim (tenant_id, ledger_id, day, dimension, model_family, model_version, value,
        amount_usd, list_amount_usd, listed_amount_usd)
SELECT tenant_id, ledger_id, day,
       CASE WHEN grouping(model) = 0 THEN 'model'
            WHEN grouping(workspace_id) = 0 THEN 'workspace'
            WHEN grouping(api_key_id) = 0 THEN 'api_key'
            WHEN grouping(actor_id) = 0 THEN 'actor'
            WHEN grouping(product) = 0 THEN 'product'
            WHEN grouping(cost_type) = 0 THEN 'cost_type'
            WHEN grouping(token_type) = 0 THEN 'token_type'
            WHEN grouping(service_tier) = 0 THEN 'service_tier'
            WHEN grouping(context_window) = 0 THEN 'context_window'
            WHEN grouping(inference_geo) = 0 THEN 'inference_geo'
            ELSE 'speed' END,
       model_family,
       CASE WHEN grouping(model) = 0 THEN model_version ELSE '' END,
       coalesce(model, workspace_id, api_key_id, actor_id, product, cost_type, token_type, service_tier,
                context_window, inference_geo, speed),
       sum(amount_usd), sum(list_amount_usd),
       coalesce(sum(amount_usd) FILTER (WHERE list_amount_usd IS NOT NULL), 0)
FROM cost_line_item
GROUP BY tenant_id, ledger_id, day, model_family, GROUPING SETS ((model_version, model), (workspace_id),
    (api_key_id), (actor_id), (product), (cost_type), (token_type), (service_tier), (context_window),
    (inference_geo), (speed));
-- [jooq ignore stop]
