-- OpenAI as a second provider (issue #17).
--
-- Connections and ledgers may now belong to OpenAI organizations. Only the provider checks widen;
-- every other column already fits: OpenAI projects are stored as workspaces (the one "project /
-- workspace" dimension), line items as descriptions, amounts as unconstrained NUMERIC.

ALTER TABLE connection DROP CONSTRAINT connection_provider_check;
ALTER TABLE connection ADD CONSTRAINT connection_provider_check CHECK (provider IN ('ANTHROPIC', 'OPENAI'));

ALTER TABLE ledger DROP CONSTRAINT ledger_provider_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_provider_check CHECK (provider IN ('ANTHROPIC', 'OPENAI'));
