-- Finora Spend core schema. Strings are bounded VARCHARs (also keeps jOOQ's DDL interpreter happy).
-- All timestamps are UTC (timestamptz); money is NUMERIC, never float.

CREATE TABLE tenant (
    tenant_id   UUID PRIMARY KEY,
    name        VARCHAR(500) NOT NULL,
    plan        VARCHAR(500) NOT NULL CONSTRAINT tenant_plan_check CHECK (plan IN ('TRIAL', 'GROWTH', 'SCALE', 'ENTERPRISE')),
    created_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT tenant_name_unique UNIQUE (name)
);

CREATE TABLE app_user (
    user_id        UUID PRIMARY KEY,
    tenant_id      UUID NOT NULL REFERENCES tenant (tenant_id),
    email          VARCHAR(500) NOT NULL,
    password_hash  VARCHAR(500) NOT NULL,
    role           VARCHAR(500) NOT NULL CONSTRAINT app_user_role_check CHECK (role IN ('ADMIN', 'VIEWER')),
    created_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT app_user_email_unique UNIQUE (email)
);

-- Bearer tokens: API tokens (kind API) and admin-UI sessions (kind SESSION). Only SHA-256 of the
-- token is stored (hex).
CREATE TABLE api_token (
    token_id      UUID PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES tenant (tenant_id),
    user_id       UUID REFERENCES app_user (user_id),
    name          VARCHAR(500) NOT NULL,
    kind          VARCHAR(500) NOT NULL CONSTRAINT api_token_kind_check CHECK (kind IN ('API', 'SESSION')),
    role          VARCHAR(500) NOT NULL CONSTRAINT api_token_role_check CHECK (role IN ('ADMIN', 'READER')),
    token_sha256  VARCHAR(64) NOT NULL, -- lowercase hex
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    CONSTRAINT api_token_hash_unique UNIQUE (token_sha256)
);
CREATE INDEX api_token_tenant_idx ON api_token (tenant_id);

CREATE TABLE connection (
    connection_id          UUID PRIMARY KEY,
    tenant_id              UUID NOT NULL REFERENCES tenant (tenant_id),
    provider               VARCHAR(500) NOT NULL CONSTRAINT connection_provider_check CHECK (provider IN ('ANTHROPIC')),
    external_org_id        VARCHAR(500) NOT NULL,
    external_org_name      VARCHAR(500) NOT NULL,
    status                 VARCHAR(500) NOT NULL CONSTRAINT connection_status_check CHECK (status IN ('ACTIVE', 'NEEDS_ATTENTION', 'REMOVED')),
    status_reason          VARCHAR(500),
    status_detail          VARCHAR(500),
    key_hint               VARCHAR(500),
    created_at             TIMESTAMPTZ NOT NULL,
    credential_updated_at  TIMESTAMPTZ,
    removed_at             TIMESTAMPTZ,
    next_sync_at           TIMESTAMPTZ,
    lease_owner            VARCHAR(500),
    lease_expires_at       TIMESTAMPTZ,
    last_sync_started_at   TIMESTAMPTZ,
    last_sync_ended_at     TIMESTAMPTZ,
    last_sync_outcome      VARCHAR(500) CONSTRAINT connection_outcome_check CHECK (last_sync_outcome IN ('SUCCEEDED', 'FAILED')),
    refresh_requested_at   TIMESTAMPTZ,
    version                BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX connection_tenant_idx ON connection (tenant_id);
-- [jooq ignore start]
-- One live connection per organization and tenant; a removed one may be connected again.
CREATE UNIQUE INDEX connection_live_org_unique ON connection (tenant_id, provider, external_org_id)
    WHERE status <> 'REMOVED';
-- The scheduler's scan: due, live connections.
CREATE INDEX connection_due_idx ON connection (next_sync_at) WHERE status = 'ACTIVE';
-- [jooq ignore stop]

-- The encrypted key of a connection; deleted, row and all, when the connection is removed.
CREATE TABLE credential (
    connection_id  UUID PRIMARY KEY REFERENCES connection (connection_id) ON DELETE CASCADE,
    ciphertext     BYTEA NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE workspace (
    connection_id  UUID NOT NULL REFERENCES connection (connection_id),
    workspace_id   VARCHAR(500) NOT NULL,
    name           VARCHAR(500) NOT NULL,
    archived_at    TIMESTAMPTZ,
    PRIMARY KEY (connection_id, workspace_id)
);

CREATE TABLE cost_day (
    connection_id  UUID NOT NULL REFERENCES connection (connection_id),
    day            DATE NOT NULL,
    total_usd      NUMERIC(20, 8) NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    status         VARCHAR(500) NOT NULL CONSTRAINT cost_day_status_check CHECK (status IN ('PROVISIONAL', 'FINAL')),
    PRIMARY KEY (connection_id, day)
);

-- One row per (connection, UTC day, workspace, description, model, cost type, token type,
-- service tier, context window, inference geo). Empty string stands for "not given" so the
-- natural key can be a plain unique constraint; workspace_id '' is the Default workspace.
CREATE TABLE cost_line_item (
    line_item_id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenant (tenant_id),
    connection_id   UUID NOT NULL REFERENCES connection (connection_id),
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
    amount_usd      NUMERIC(20, 8) NOT NULL,
    CONSTRAINT cost_line_item_natural_key UNIQUE (connection_id, day, workspace_id, description, model,
        cost_type, token_type, service_tier, context_window, inference_geo)
);
CREATE INDEX cost_line_item_tenant_day_idx ON cost_line_item (tenant_id, day);

CREATE TABLE cost_restatement (
    restatement_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id   UUID NOT NULL REFERENCES connection (connection_id),
    day             DATE NOT NULL,
    old_total_usd   NUMERIC(20, 8) NOT NULL,
    new_total_usd   NUMERIC(20, 8) NOT NULL,
    restated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX cost_restatement_connection_idx ON cost_restatement (connection_id, day);

CREATE TABLE sync_run (
    sync_run_id    UUID PRIMARY KEY,
    connection_id  UUID NOT NULL REFERENCES connection (connection_id),
    trigger        VARCHAR(500) NOT NULL CONSTRAINT sync_run_trigger_check CHECK (trigger IN ('SCHEDULE', 'MANUAL', 'CONNECT')),
    window_start   DATE NOT NULL,
    window_end     DATE NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    ended_at       TIMESTAMPTZ,
    pages          INTEGER NOT NULL DEFAULT 0,
    rows_written   BIGINT NOT NULL DEFAULT 0,
    days_done      INTEGER NOT NULL DEFAULT 0,
    days_total     INTEGER NOT NULL,
    outcome        VARCHAR(500) NOT NULL CONSTRAINT sync_run_outcome_check CHECK (outcome IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    error_reason   VARCHAR(500),
    error_detail   VARCHAR(500),
    CONSTRAINT sync_run_window_check CHECK (window_end >= window_start)
);
CREATE INDEX sync_run_connection_idx ON sync_run (connection_id, started_at DESC);

CREATE TABLE audit_event (
    audit_event_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenant (tenant_id),
    actor           VARCHAR(500) NOT NULL,
    action          VARCHAR(500) NOT NULL,
    target          VARCHAR(500),
    detail          VARCHAR(500),
    occurred_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_event_tenant_idx ON audit_event (tenant_id, occurred_at DESC);
