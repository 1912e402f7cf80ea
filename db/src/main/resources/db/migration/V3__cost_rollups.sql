-- Rollups of cost_line_item for fast, exact QueryCosts. They are maintained by statement-level
-- triggers on cost_line_item, so whoever writes line items (sync, COPY, tests) can never leave
-- them out of step: each statement recomputes the (connection, day) pairs it touched from the
-- raw rows, inside the same transaction. Sums stay NUMERIC, so rollups are as exact as the rows.

-- Every dimension QueryCosts can group or filter by (description, context window and inference geo
-- are folded in).
CREATE TABLE cost_rollup_detail (
    tenant_id      UUID NOT NULL,
    connection_id  UUID NOT NULL REFERENCES connection (connection_id),
    day            DATE NOT NULL,
    model_family   VARCHAR(500) NOT NULL,
    model          VARCHAR(500) NOT NULL,
    workspace_id   VARCHAR(500) NOT NULL,
    cost_type      VARCHAR(500) NOT NULL,
    token_type     VARCHAR(500) NOT NULL,
    service_tier   VARCHAR(500) NOT NULL,
    amount_usd     NUMERIC(20, 8) NOT NULL,
    line_items     INTEGER NOT NULL,
    CONSTRAINT cost_rollup_detail_key UNIQUE (connection_id, day, model_family, model, workspace_id, cost_type,
        token_type, service_tier)
);
CREATE INDEX cost_rollup_detail_tenant_day_idx ON cost_rollup_detail (tenant_id, day);

-- Day x model family only: what the daily chart and most dashboards ask for.
CREATE TABLE cost_rollup_family (
    tenant_id      UUID NOT NULL,
    connection_id  UUID NOT NULL REFERENCES connection (connection_id),
    day            DATE NOT NULL,
    model_family   VARCHAR(500) NOT NULL,
    amount_usd     NUMERIC(20, 8) NOT NULL,
    CONSTRAINT cost_rollup_family_key UNIQUE (connection_id, day, model_family)
);
CREATE INDEX cost_rollup_family_tenant_day_idx ON cost_rollup_family (tenant_id, day);

-- [jooq ignore start]
CREATE FUNCTION cost_rollup_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k RECORD;
BEGIN
    -- One (connection, day) at a time with plain parameters: every statement is an index lookup
    -- with a cached plan, whatever the size of the table or of the statement that fired.
    FOR k IN SELECT DISTINCT connection_id, day FROM changed LOOP
        DELETE FROM cost_rollup_detail WHERE connection_id = k.connection_id AND day = k.day;
        INSERT INTO cost_rollup_detail (tenant_id, connection_id, day, model_family, model, workspace_id,
                cost_type, token_type, service_tier, amount_usd, line_items)
            SELECT tenant_id, connection_id, day, model_family, model, workspace_id, cost_type, token_type,
                   service_tier, sum(amount_usd), count(*)
            FROM cost_line_item WHERE connection_id = k.connection_id AND day = k.day
            GROUP BY tenant_id, connection_id, day, model_family, model, workspace_id, cost_type, token_type,
                     service_tier;
        DELETE FROM cost_rollup_family WHERE connection_id = k.connection_id AND day = k.day;
        INSERT INTO cost_rollup_family (tenant_id, connection_id, day, model_family, amount_usd)
            SELECT tenant_id, connection_id, day, model_family, sum(amount_usd)
            FROM cost_line_item WHERE connection_id = k.connection_id AND day = k.day
            GROUP BY tenant_id, connection_id, day, model_family;
    END LOOP;

    -- Tell every replica's query cache (delivered at commit).
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

-- Day status (PROVISIONAL → FINAL) and connection status change answers too: tell the caches.
CREATE FUNCTION cost_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('finora_costs', t::text)
        FROM (SELECT DISTINCT c.tenant_id AS t FROM changed ch JOIN connection c USING (connection_id)) s;
    RETURN NULL;
END;
$$;
CREATE TRIGGER cost_day_changed_insert AFTER INSERT ON cost_day
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
CREATE TRIGGER cost_day_changed_update AFTER UPDATE ON cost_day
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
CREATE TRIGGER cost_day_changed_delete AFTER DELETE ON cost_day
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cost_changed_notify();
-- Only status changes (a removed connection leaves the freshness figures); lease renewals do not.
CREATE FUNCTION connection_status_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('finora_costs', NEW.tenant_id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER connection_status_changed AFTER UPDATE OF status ON connection
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION connection_status_notify();
-- [jooq ignore stop]
