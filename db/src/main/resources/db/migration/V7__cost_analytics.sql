-- Anthropic's Cost Analytics API (issue #11). Additive: new columns default to "not given", so
-- every row stored before reads exactly as it did.
--
-- * cost_line_item / cost_rollup_detail gain the analytics dimensions: API key, actor (user,
--   service account or the key itself) and product; '' means "not given" (days filled by the
--   legacy cost report, or cost the provider does not attribute). `list_amount_usd` is the list
--   price (pre-discount) where the source gives one, else NULL (never guessed).
-- * cost_day records which source filled the day (COST_REPORT or ANALYTICS) and whether the source
--   said the day was complete (`settled`: false while the analytics export watermark is before the
--   day's end; such a day stays PROVISIONAL and is fetched again).
-- * api_key and actor name the ids per ledger, like workspace does.
-- * connection says whether the analytics endpoint answers for its key (the data level).
-- * cost_nowcast holds today's hourly estimate, apart from the closed-day ledger: no trigger, no
--   rollup and no total ever reads it.

ALTER TABLE cost_line_item ADD COLUMN api_key_id VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE cost_line_item ADD COLUMN actor_id VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE cost_line_item ADD COLUMN product VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE cost_line_item ADD COLUMN list_amount_usd NUMERIC;
ALTER TABLE cost_line_item DROP CONSTRAINT cost_line_item_ledger_key;
ALTER TABLE cost_line_item ADD CONSTRAINT cost_line_item_analytics_key UNIQUE (ledger_id, day, workspace_id,
    description, model, cost_type, token_type, service_tier, context_window, inference_geo, speed, api_key_id,
    actor_id, product);

ALTER TABLE cost_rollup_detail ADD COLUMN api_key_id VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE cost_rollup_detail ADD COLUMN actor_id VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE cost_rollup_detail ADD COLUMN product VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE cost_rollup_detail ADD COLUMN list_amount_usd NUMERIC;
ALTER TABLE cost_rollup_detail DROP CONSTRAINT cost_rollup_detail_ledger_key;
ALTER TABLE cost_rollup_detail ADD CONSTRAINT cost_rollup_detail_analytics_key UNIQUE (ledger_id, day, model_family,
    model_version, model, workspace_id, cost_type, token_type, service_tier, context_window, inference_geo, speed,
    api_key_id, actor_id, product);

ALTER TABLE cost_day ADD COLUMN source VARCHAR(20) NOT NULL DEFAULT 'COST_REPORT'
    CONSTRAINT cost_day_source_check CHECK (source IN ('COST_REPORT', 'ANALYTICS'));
ALTER TABLE cost_day ADD COLUMN settled BOOLEAN NOT NULL DEFAULT true;

-- API keys of a ledger's organization, all statuses (historic ids stay readable).
CREATE TABLE api_key (
    ledger_id     UUID NOT NULL REFERENCES ledger (ledger_id),
    api_key_id    VARCHAR(500) NOT NULL,
    name          VARCHAR(500) NOT NULL,
    status        VARCHAR(500) NOT NULL,
    key_hint      VARCHAR(500),
    workspace_id  VARCHAR(500),
    CONSTRAINT api_key_pkey PRIMARY KEY (ledger_id, api_key_id)
);

-- Actors of a ledger's organization: users (from the users list or from cost rows, deleted ones
-- too), service accounts and keys acting for themselves. `label` is what people read.
CREATE TABLE actor (
    ledger_id   UUID NOT NULL REFERENCES ledger (ledger_id),
    actor_id    VARCHAR(500) NOT NULL,
    actor_type  VARCHAR(500) NOT NULL,
    label       VARCHAR(500) NOT NULL,
    email       VARCHAR(500),
    deleted     BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT actor_pkey PRIMARY KEY (ledger_id, actor_id)
);

-- Whether the analytics endpoint answers for the connection's key: UNKNOWN until checked,
-- AVAILABLE, or REFUSED (the legacy cost report is used; `analytics_detail` says why).
ALTER TABLE connection ADD COLUMN analytics_status VARCHAR(20) NOT NULL DEFAULT 'UNKNOWN'
    CONSTRAINT connection_analytics_status_check CHECK (analytics_status IN ('UNKNOWN', 'AVAILABLE', 'REFUSED'));
ALTER TABLE connection ADD COLUMN analytics_checked_at TIMESTAMPTZ;
ALTER TABLE connection ADD COLUMN analytics_detail VARCHAR(500);

-- Today's spend so far ("nowcast"): one row per ledger and UTC hour of the current day, replaced
-- by every fetch; never part of cost_day, the line items or the rollups. Rows of a day the ledger
-- holds as a closed day are deleted when that day is stored.
CREATE TABLE cost_nowcast (
    ledger_id           UUID NOT NULL REFERENCES ledger (ledger_id),
    tenant_id           UUID NOT NULL REFERENCES tenant (tenant_id),
    hour_start          TIMESTAMPTZ NOT NULL,
    amount_usd          NUMERIC NOT NULL,
    list_amount_usd     NUMERIC,
    fetched_at          TIMESTAMPTZ NOT NULL,
    data_refreshed_at   TIMESTAMPTZ,
    CONSTRAINT cost_nowcast_pkey PRIMARY KEY (ledger_id, hour_start)
);
CREATE INDEX cost_nowcast_tenant_idx ON cost_nowcast (tenant_id, hour_start);

-- [jooq ignore start]
-- The rollup trigger again, with the new dimensions and the list price.
CREATE OR REPLACE FUNCTION cost_rollup_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k RECORD;
BEGIN
    FOR k IN SELECT DISTINCT ledger_id, day FROM changed LOOP
        DELETE FROM cost_rollup_detail WHERE ledger_id = k.ledger_id AND day = k.day;
        INSERT INTO cost_rollup_detail (tenant_id, ledger_id, day, model_family, model_version, model, workspace_id,
                cost_type, token_type, service_tier, context_window, inference_geo, speed, api_key_id, actor_id,
                product, amount_usd, list_amount_usd, line_items)
            SELECT tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type, token_type,
                   service_tier, context_window, inference_geo, speed, api_key_id, actor_id, product,
                   sum(amount_usd), sum(list_amount_usd), count(*)
            FROM cost_line_item WHERE ledger_id = k.ledger_id AND day = k.day
            GROUP BY tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type,
                     token_type, service_tier, context_window, inference_geo, speed, api_key_id, actor_id, product;
        DELETE FROM cost_rollup_family WHERE ledger_id = k.ledger_id AND day = k.day;
        INSERT INTO cost_rollup_family (tenant_id, ledger_id, day, model_family, amount_usd)
            SELECT tenant_id, ledger_id, day, model_family, sum(amount_usd)
            FROM cost_line_item WHERE ledger_id = k.ledger_id AND day = k.day
            GROUP BY tenant_id, ledger_id, day, model_family;
    END LOOP;

    PERFORM pg_notify('finora_costs', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM changed) s;
    RETURN NULL;
END;
$$;

-- The nowcast changes answers (GetSpendSummary's today so far): tell the caches.
CREATE FUNCTION cost_nowcast_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('finora_costs', t::text) FROM (SELECT DISTINCT tenant_id AS t FROM changed) s;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cost_nowcast_changed_insert AFTER INSERT ON cost_nowcast
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_nowcast_notify();
CREATE TRIGGER cost_nowcast_changed_delete AFTER DELETE ON cost_nowcast
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_nowcast_notify();
-- [jooq ignore stop]
