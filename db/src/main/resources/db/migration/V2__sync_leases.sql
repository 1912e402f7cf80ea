-- Cost sync across replicas (issue #4).

-- Fencing token of the claim that holds a connection's lease. lease_owner says which replica
-- holds it; the token says which claim, so a replica whose lease expired and was taken over can
-- never write again, even if it claims the same connection later. It equals the sync_run_id of
-- the run the claim started.
ALTER TABLE connection ADD COLUMN lease_token UUID;

-- Which replica ran a sync, for operators reading sync_run.
ALTER TABLE sync_run ADD COLUMN replica_id VARCHAR(200);

-- [jooq ignore start]
-- A connection's running sync (progress, takeover of abandoned runs).
CREATE INDEX sync_run_running_idx ON sync_run (connection_id) WHERE outcome = 'RUNNING';
-- [jooq ignore stop]
