-- One true ledger (issue #16).
--
-- Cost history belongs to the tenant's (provider, organization): a `ledger`. A connection is the
-- credential that feeds it. Before this migration cost rows hung off the connection, so removing a
-- connection (history kept) and connecting the same organization again made a second, overlapping
-- history and every total doubled. Here each tenant's organization gets one ledger; cost rows,
-- days, restatements, workspace names and rollups move onto it; duplicate histories are folded
-- (for each day the newest fetch wins, whichever connection made it).
--
-- Also: amounts become unconstrained NUMERIC (Anthropic's decimal scale is not documented; 4 to 6
-- decimals of a cent are seen, more must not be rounded), line items gain `speed` (fast mode),
-- rollups gain model version, context window, inference geo and speed (groupable dimensions),
-- restatements say whether they came after the day was FINAL, and sync runs keep Anthropic's
-- request id and error message.
--
-- The old tables are renamed to *_v3, the new ones created, the data copied and folded, the old
-- tables dropped. New constraint and index names differ from the old ones so both exist side by
-- side while the data moves.

CREATE TABLE ledger (
    ledger_id          UUID PRIMARY KEY,
    tenant_id          UUID NOT NULL REFERENCES tenant (tenant_id),
    provider           VARCHAR(500) NOT NULL CONSTRAINT ledger_provider_check CHECK (provider IN ('ANTHROPIC')),
    external_org_id    VARCHAR(500) NOT NULL,
    external_org_name  VARCHAR(500) NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    -- When a sync last re-checked the recent days (the deep reconciliation), and which calendar
    -- month (its first day) was last re-checked whole after it closed.
    deep_checked_at    TIMESTAMPTZ,
    month_checked      DATE,
    CONSTRAINT ledger_org_unique UNIQUE (tenant_id, provider, external_org_id)
);

ALTER TABLE connection ADD COLUMN ledger_id UUID REFERENCES ledger (ledger_id);
-- Failed syncs in a row: the retry delay grows with it (minutes, up to the plan interval).
ALTER TABLE connection ADD COLUMN failed_syncs INTEGER NOT NULL DEFAULT 0;

-- What Anthropic said when a run failed: its request-id header and the (sanitized) error.message.
ALTER TABLE sync_run ADD COLUMN provider_request_id VARCHAR(200);
ALTER TABLE sync_run ADD COLUMN provider_message VARCHAR(500);
-- Whether the run re-checked FINAL days (deep reconciliation: DAILY for the recent days, MONTHLY for a closed month).
ALTER TABLE sync_run ADD COLUMN reconciliation VARCHAR(20) NOT NULL DEFAULT 'NONE'
    CONSTRAINT sync_run_reconciliation_check CHECK (reconciliation IN ('NONE', 'DAILY', 'MONTHLY'));

-- [jooq ignore start]
DROP TRIGGER cost_line_item_rollup_insert ON cost_line_item;
DROP TRIGGER cost_line_item_rollup_update ON cost_line_item;
DROP TRIGGER cost_line_item_rollup_delete ON cost_line_item;
DROP TRIGGER cost_day_changed_insert ON cost_day;
DROP TRIGGER cost_day_changed_update ON cost_day;
DROP TRIGGER cost_day_changed_delete ON cost_day;
DROP FUNCTION cost_rollup_refresh();
DROP FUNCTION cost_changed_notify();

-- One ledger per (tenant, provider, organization); it carries the newest name and the oldest start.
INSERT INTO ledger (ledger_id, tenant_id, provider, external_org_id, external_org_name, created_at)
SELECT gen_random_uuid(), tenant_id, provider, external_org_id,
       (array_agg(external_org_name ORDER BY (status <> 'REMOVED') DESC, created_at DESC))[1],
       min(created_at)
FROM connection
GROUP BY tenant_id, provider, external_org_id;

UPDATE connection c SET ledger_id = l.ledger_id
FROM ledger l
WHERE l.tenant_id = c.tenant_id AND l.provider = c.provider AND l.external_org_id = c.external_org_id;
-- [jooq ignore stop]

ALTER TABLE connection ALTER COLUMN ledger_id SET NOT NULL;
CREATE INDEX connection_ledger_idx ON connection (ledger_id);

ALTER TABLE cost_day RENAME TO cost_day_v3;
ALTER TABLE cost_line_item RENAME TO cost_line_item_v3;
ALTER TABLE cost_restatement RENAME TO cost_restatement_v3;
ALTER TABLE workspace RENAME TO workspace_v3;
ALTER TABLE cost_rollup_detail RENAME TO cost_rollup_detail_v3;
ALTER TABLE cost_rollup_family RENAME TO cost_rollup_family_v3;

CREATE TABLE workspace (
    ledger_id     UUID NOT NULL REFERENCES ledger (ledger_id),
    workspace_id  VARCHAR(500) NOT NULL,
    name          VARCHAR(500) NOT NULL,
    archived_at   TIMESTAMPTZ,
    CONSTRAINT workspace_ledger_pkey PRIMARY KEY (ledger_id, workspace_id)
);

-- A day of a ledger. `fetched_by` is the connection whose sync stored it (for support; the
-- ledger, not the connection, owns the day).
CREATE TABLE cost_day (
    ledger_id   UUID NOT NULL REFERENCES ledger (ledger_id),
    day         DATE NOT NULL,
    total_usd   NUMERIC NOT NULL,
    fetched_at  TIMESTAMPTZ NOT NULL,
    status      VARCHAR(500) NOT NULL CONSTRAINT cost_day_ledger_status_check CHECK (status IN ('PROVISIONAL', 'FINAL')),
    fetched_by  UUID REFERENCES connection (connection_id),
    CONSTRAINT cost_day_ledger_pkey PRIMARY KEY (ledger_id, day)
);

-- One row per (ledger, UTC day, workspace, description, model, cost type, token type, service
-- tier, context window, inference geo, speed). '' stands for "not given"; workspace '' is the
-- Default workspace. Amounts are exact: NUMERIC without a scale keeps whatever Anthropic sent.
CREATE TABLE cost_line_item (
    line_item_id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenant (tenant_id),
    ledger_id       UUID NOT NULL REFERENCES ledger (ledger_id),
    day             DATE NOT NULL,
    workspace_id    VARCHAR(500) NOT NULL,
    description     VARCHAR(500) NOT NULL,
    model           VARCHAR(500) NOT NULL,
    model_family    VARCHAR(500) NOT NULL,
    model_version   VARCHAR(500) NOT NULL,
    cost_type       VARCHAR(500) NOT NULL,
    token_type      VARCHAR(500) NOT NULL,
    service_tier    VARCHAR(500) NOT NULL,
    context_window  VARCHAR(500) NOT NULL,
    inference_geo   VARCHAR(500) NOT NULL,
    speed           VARCHAR(500) NOT NULL DEFAULT '',
    amount_usd      NUMERIC NOT NULL,
    CONSTRAINT cost_line_item_ledger_key UNIQUE (ledger_id, day, workspace_id, description, model, cost_type,
        token_type, service_tier, context_window, inference_geo, speed)
);
CREATE INDEX cost_line_item_ledger_tenant_day_idx ON cost_line_item (tenant_id, day);

-- A re-fetch that changed a day's total. `after_final`: the day was FINAL before (a late
-- correction, found by the deep reconciliation); `connection_id`: whose sync found it.
CREATE TABLE cost_restatement (
    restatement_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ledger_id       UUID NOT NULL REFERENCES ledger (ledger_id),
    day             DATE NOT NULL,
    old_total_usd   NUMERIC NOT NULL,
    new_total_usd   NUMERIC NOT NULL,
    restated_at     TIMESTAMPTZ NOT NULL,
    after_final     BOOLEAN NOT NULL DEFAULT false,
    connection_id   UUID REFERENCES connection (connection_id)
);
CREATE INDEX cost_restatement_ledger_day_idx ON cost_restatement (ledger_id, day);

-- Rollups (see V3): now per ledger, with every dimension QueryCosts groups or filters by.
CREATE TABLE cost_rollup_detail (
    tenant_id       UUID NOT NULL,
    ledger_id       UUID NOT NULL REFERENCES ledger (ledger_id),
    day             DATE NOT NULL,
    model_family    VARCHAR(500) NOT NULL,
    model_version   VARCHAR(500) NOT NULL,
    model           VARCHAR(500) NOT NULL,
    workspace_id    VARCHAR(500) NOT NULL,
    cost_type       VARCHAR(500) NOT NULL,
    token_type      VARCHAR(500) NOT NULL,
    service_tier    VARCHAR(500) NOT NULL,
    context_window  VARCHAR(500) NOT NULL,
    inference_geo   VARCHAR(500) NOT NULL,
    speed           VARCHAR(500) NOT NULL,
    amount_usd      NUMERIC NOT NULL,
    line_items      INTEGER NOT NULL,
    CONSTRAINT cost_rollup_detail_ledger_key UNIQUE (ledger_id, day, model_family, model_version, model, workspace_id,
        cost_type, token_type, service_tier, context_window, inference_geo, speed)
);
CREATE INDEX cost_rollup_detail_ledger_tenant_day_idx ON cost_rollup_detail (tenant_id, day);

CREATE TABLE cost_rollup_family (
    tenant_id     UUID NOT NULL,
    ledger_id     UUID NOT NULL REFERENCES ledger (ledger_id),
    day           DATE NOT NULL,
    model_family  VARCHAR(500) NOT NULL,
    amount_usd    NUMERIC NOT NULL,
    CONSTRAINT cost_rollup_family_ledger_key UNIQUE (ledger_id, day, model_family)
);
CREATE INDEX cost_rollup_family_ledger_tenant_day_idx ON cost_rollup_family (tenant_id, day);

-- [jooq ignore start]
-- The V3 triggers again, per ledger: each statement on cost_line_item recomputes exactly the
-- (ledger, day) pairs it touched, in the same transaction, with NUMERIC sums.
CREATE FUNCTION cost_rollup_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k RECORD;
BEGIN
    FOR k IN SELECT DISTINCT ledger_id, day FROM changed LOOP
        DELETE FROM cost_rollup_detail WHERE ledger_id = k.ledger_id AND day = k.day;
        INSERT INTO cost_rollup_detail (tenant_id, ledger_id, day, model_family, model_version, model, workspace_id,
                cost_type, token_type, service_tier, context_window, inference_geo, speed, amount_usd, line_items)
            SELECT tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type, token_type,
                   service_tier, context_window, inference_geo, speed, sum(amount_usd), count(*)
            FROM cost_line_item WHERE ledger_id = k.ledger_id AND day = k.day
            GROUP BY tenant_id, ledger_id, day, model_family, model_version, model, workspace_id, cost_type,
                     token_type, service_tier, context_window, inference_geo, speed;
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

CREATE TRIGGER cost_line_item_rollup_insert AFTER INSERT ON cost_line_item
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_rollup_refresh();
CREATE TRIGGER cost_line_item_rollup_update AFTER UPDATE ON cost_line_item
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_rollup_refresh();
CREATE TRIGGER cost_line_item_rollup_delete AFTER DELETE ON cost_line_item
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_rollup_refresh();

-- Day status and restatements change answers too (freshness, ListRestatements): tell the caches.
CREATE FUNCTION cost_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('finora_costs', t::text)
        FROM (SELECT DISTINCT l.tenant_id AS t FROM changed ch JOIN ledger l USING (ledger_id)) s;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cost_day_changed_insert AFTER INSERT ON cost_day
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
CREATE TRIGGER cost_day_changed_update AFTER UPDATE ON cost_day
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
CREATE TRIGGER cost_day_changed_delete AFTER DELETE ON cost_day
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
CREATE TRIGGER cost_restatement_changed_insert AFTER INSERT ON cost_restatement
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
-- [jooq ignore stop]

-- [jooq ignore start]
-- The data moves in with the triggers in place: they fill the rollups as the line items arrive.
-- For each (ledger, day) the newest fetch wins: the connection whose cost_day row was fetched
-- last (line items without a day row count as oldest; ties go to the newer connection).
CREATE TEMPORARY TABLE day_winner ON COMMIT DROP AS
SELECT DISTINCT ON (ledger_id, day) ledger_id, day, connection_id
FROM (
    SELECT c.ledger_id, d.day, d.connection_id, d.fetched_at, c.created_at
    FROM cost_day_v3 d JOIN connection c USING (connection_id)
    UNION ALL
    SELECT DISTINCT c.ledger_id, i.day, i.connection_id, NULL::timestamptz, c.created_at
    FROM cost_line_item_v3 i JOIN connection c USING (connection_id)
) candidate
ORDER BY ledger_id, day, fetched_at DESC NULLS LAST, created_at DESC, connection_id DESC;

INSERT INTO cost_day (ledger_id, day, total_usd, fetched_at, status, fetched_by)
SELECT w.ledger_id, w.day, d.total_usd, d.fetched_at, d.status, d.connection_id
FROM day_winner w JOIN cost_day_v3 d ON d.connection_id = w.connection_id AND d.day = w.day;

INSERT INTO cost_line_item (tenant_id, ledger_id, day, workspace_id, description, model, model_family, model_version,
        cost_type, token_type, service_tier, context_window, inference_geo, speed, amount_usd)
SELECT i.tenant_id, w.ledger_id, i.day, i.workspace_id, i.description, i.model, i.model_family, i.model_version,
       i.cost_type, i.token_type, i.service_tier, i.context_window, i.inference_geo, '', i.amount_usd
FROM day_winner w JOIN cost_line_item_v3 i ON i.connection_id = w.connection_id AND i.day = w.day
ORDER BY i.line_item_id;

-- Every restatement stays: each was a real change seen by a fetch.
INSERT INTO cost_restatement (ledger_id, day, old_total_usd, new_total_usd, restated_at, after_final, connection_id)
SELECT c.ledger_id, r.day, r.old_total_usd, r.new_total_usd, r.restated_at, false, r.connection_id
FROM cost_restatement_v3 r JOIN connection c USING (connection_id)
ORDER BY r.restatement_id;

-- Workspace names: the live (else the newest) connection's.
INSERT INTO workspace (ledger_id, workspace_id, name, archived_at)
SELECT DISTINCT ON (c.ledger_id, w.workspace_id) c.ledger_id, w.workspace_id, w.name, w.archived_at
FROM workspace_v3 w JOIN connection c USING (connection_id)
ORDER BY c.ledger_id, w.workspace_id, (c.status <> 'REMOVED') DESC, c.created_at DESC;

-- [jooq ignore stop]

DROP TABLE cost_rollup_family_v3;
DROP TABLE cost_rollup_detail_v3;
DROP TABLE cost_restatement_v3;
DROP TABLE cost_line_item_v3;
DROP TABLE cost_day_v3;
DROP TABLE workspace_v3;

