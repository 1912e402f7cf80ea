-- Budgets, anomaly alerts and notification channels (issue #12). Money is NUMERIC (USD), days are
-- UTC calendar days, timestamps UTC. Cost data is only read (through the per-ledger rollups of V4,
-- by tenant), never written here. Spend read from the ledger (spent, actual) is unscaled NUMERIC
-- like the ledger's amounts, so it is stored exactly; amounts Finora computes or a user enters
-- (budget amount, expected, bounds) keep 8 decimals.

-- A spending limit per calendar month or quarter, for the whole tenant or one scope.
CREATE TABLE budget (
    budget_id    UUID PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenant (tenant_id),
    name         VARCHAR(200) NOT NULL,
    period       VARCHAR(20) NOT NULL CONSTRAINT budget_period_check CHECK (period IN ('MONTHLY', 'QUARTERLY')),
    amount_usd   NUMERIC(20, 8) NOT NULL CONSTRAINT budget_amount_check CHECK (amount_usd > 0),
    -- TENANT (value ''), PROVIDER (value 'ANTHROPIC'), WORKSPACE (workspace id, '' = Default), MODEL_FAMILY (family name)
    scope_kind   VARCHAR(20) NOT NULL CONSTRAINT budget_scope_check
                     CHECK (scope_kind IN ('TENANT', 'PROVIDER', 'WORKSPACE', 'MODEL_FAMILY')),
    scope_value  VARCHAR(500) NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX budget_tenant_idx ON budget (tenant_id);

-- Alert thresholds of a budget in percent of its amount (e.g. 50, 80, 100).
CREATE TABLE budget_threshold (
    budget_id  UUID NOT NULL REFERENCES budget (budget_id) ON DELETE CASCADE,
    percent    INTEGER NOT NULL CONSTRAINT budget_threshold_percent_check CHECK (percent BETWEEN 1 AND 1000),
    PRIMARY KEY (budget_id, percent)
);

-- A threshold that fired in one period. The key makes "once per threshold and period" a fact of the
-- database: a second evaluation (another sync, another replica, a restated day) inserts nothing.
CREATE TABLE budget_alert (
    budget_id     UUID NOT NULL REFERENCES budget (budget_id) ON DELETE CASCADE,
    period_start  DATE NOT NULL,
    percent       INTEGER NOT NULL,
    spent_usd     NUMERIC NOT NULL,
    fired_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (budget_id, period_start, percent)
);

-- A day whose spend in a scope rose far above its weekday baseline. One row per (tenant, scope, day):
-- a day is detected once; a later restatement updates the numbers and sets `restated`, never a second row.
CREATE TABLE anomaly (
    anomaly_id     UUID PRIMARY KEY,
    tenant_id      UUID NOT NULL REFERENCES tenant (tenant_id),
    scope_kind     VARCHAR(20) NOT NULL CONSTRAINT anomaly_scope_check
                       CHECK (scope_kind IN ('TENANT', 'PROVIDER', 'WORKSPACE', 'MODEL_FAMILY')),
    scope_value    VARCHAR(500) NOT NULL,
    day            DATE NOT NULL,
    expected_usd   NUMERIC(20, 8) NOT NULL,
    upper_usd      NUMERIC(20, 8) NOT NULL,
    actual_usd     NUMERIC NOT NULL,
    baseline_days  INTEGER NOT NULL,
    detected_at    TIMESTAMPTZ NOT NULL,
    restated       BOOLEAN NOT NULL,
    restated_at    TIMESTAMPTZ,
    CONSTRAINT anomaly_scope_day_unique UNIQUE (tenant_id, scope_kind, scope_value, day)
);
CREATE INDEX anomaly_tenant_day_idx ON anomaly (tenant_id, day);

-- What explains an anomaly: dimension values whose spend rose most against their own baseline.
CREATE TABLE anomaly_driver (
    anomaly_id    UUID NOT NULL REFERENCES anomaly (anomaly_id) ON DELETE CASCADE,
    rank          INTEGER NOT NULL,
    dimension     VARCHAR(20) NOT NULL CONSTRAINT anomaly_driver_dimension_check
                      CHECK (dimension IN ('WORKSPACE', 'MODEL', 'TOKEN_TYPE')),
    value         VARCHAR(500) NOT NULL,
    display_name  VARCHAR(500) NOT NULL,
    expected_usd  NUMERIC(20, 8) NOT NULL,
    actual_usd    NUMERIC(20, 8) NOT NULL,
    PRIMARY KEY (anomaly_id, rank)
);

-- Where alerts go. The webhook URL (it is often a bearer secret, e.g. Slack's), the signing secret
-- and an SMTP password live only inside `secrets_ciphertext` (Tink AEAD bound to tenant and channel);
-- `target_hint` is what may be shown (scheme and host, or the recipients).
CREATE TABLE notification_channel (
    channel_id          UUID PRIMARY KEY,
    tenant_id           UUID NOT NULL REFERENCES tenant (tenant_id),
    name                VARCHAR(200) NOT NULL,
    kind                VARCHAR(20) NOT NULL CONSTRAINT notification_channel_kind_check CHECK (kind IN ('WEBHOOK', 'EMAIL')),
    webhook_format      VARCHAR(20) CONSTRAINT notification_channel_format_check CHECK (webhook_format IN ('JSON', 'SLACK')),
    target_hint         VARCHAR(500) NOT NULL,
    email_recipients    VARCHAR(4000),
    smtp_host           VARCHAR(255),
    smtp_port           INTEGER,
    smtp_username       VARCHAR(320),
    smtp_security       VARCHAR(20) CONSTRAINT notification_channel_security_check CHECK (smtp_security IN ('STARTTLS', 'SSL', 'NONE')),
    has_signing_secret  BOOLEAN NOT NULL,
    has_smtp_password   BOOLEAN NOT NULL,
    secrets_ciphertext  BYTEA NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    created_by          VARCHAR(500) NOT NULL
);
CREATE INDEX notification_channel_tenant_idx ON notification_channel (tenant_id);

-- Something worth telling the tenant. `dedupe_key` names the fact (a threshold in a period, an
-- anomaly, a connection episode): the unique key means each fact is announced once, whichever
-- replica or sync notices it first.
CREATE TABLE notification_event (
    event_id     UUID PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenant (tenant_id),
    dedupe_key   VARCHAR(300) NOT NULL,
    type         VARCHAR(40) NOT NULL CONSTRAINT notification_event_type_check CHECK (type IN
                     ('BUDGET_THRESHOLD', 'ANOMALY', 'CONNECTION_NEEDS_ATTENTION', 'CONNECTION_STALE', 'TEST')),
    summary      VARCHAR(1000) NOT NULL,
    payload      TEXT NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT notification_event_dedupe_unique UNIQUE (tenant_id, dedupe_key)
);

-- The delivery log: one row per event and channel, updated after every attempt.
CREATE TABLE notification_delivery (
    delivery_id       UUID PRIMARY KEY,
    event_id          UUID NOT NULL REFERENCES notification_event (event_id) ON DELETE CASCADE,
    channel_id        UUID NOT NULL REFERENCES notification_channel (channel_id) ON DELETE CASCADE,
    tenant_id         UUID NOT NULL,
    status            VARCHAR(20) NOT NULL CONSTRAINT notification_delivery_status_check
                          CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts          INTEGER NOT NULL,
    last_http_status  INTEGER,
    last_error        VARCHAR(500),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    delivered_at      TIMESTAMPTZ,
    CONSTRAINT notification_delivery_unique UNIQUE (event_id, channel_id)
);
CREATE INDEX notification_delivery_tenant_idx ON notification_delivery (tenant_id, created_at DESC);
