-- Takeover in seconds (issue #15). A replica renews its row here every few seconds; a lease whose
-- holder's row expired (or is gone) is free, so a crashed replica's connections are taken over in
-- seconds instead of when their 5-minute leases run out. Writes stay fenced by connection.lease_token.

-- One row per running scheduler (a process start is a new session, even under the same replica id).
-- Times come from the database's clock, so clock skew between replicas cannot make a live one look dead.
CREATE TABLE sync_replica (
    session_id   UUID         PRIMARY KEY,
    replica_id   VARCHAR(200) NOT NULL,
    started_at   TIMESTAMPTZ  NOT NULL,
    heartbeat_at TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL
);

-- The session whose claim holds the lease. NULL (leases written before this migration): the lease
-- lasts until lease_expires_at, as before.
ALTER TABLE connection ADD COLUMN lease_session UUID;
