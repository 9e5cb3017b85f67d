-- The transparency log over all audit events (see src/audit/log.rs and docs/evidence.md): one
-- append-only Merkle tree (RFC 6962 shape), its signed checkpoints, and cosignatures.

-- The transaction that wrote an event, so that a checkpoint takes in exactly the events of
-- transactions that have ended since the one before (not evidence: outside the event's hash).
ALTER TABLE audit_events
    ADD COLUMN written_by_xact bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX audit_events_written_by_xact_idx ON audit_events (written_by_xact);

-- Leaf n of the tree is the event `event_id` (its record hash is over the event's hash).
CREATE TABLE audit_log_leaves (
    leaf_index  bigint PRIMARY KEY CHECK (leaf_index >= 0),
    event_id    bigint NOT NULL UNIQUE REFERENCES audit_events (id)
);

-- The tree's stored hashes in the layout of Go's sumdb/tlog (stored_hash_index): every
-- record hash and every complete subtree's hash, so a root or a proof reads O(log n) rows.
CREATE TABLE audit_log_hashes (
    stored_index  bigint PRIMARY KEY CHECK (stored_index >= 0),
    hash          bytea NOT NULL CHECK (length(hash) = 32)
);

-- Every checkpoint: the signed note as written, and the transaction horizon it took in (every
-- transaction below it had ended, so its events are in the tree).
CREATE TABLE audit_checkpoints (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size          bigint NOT NULL CHECK (size >= 0),
    root          bytea NOT NULL CHECK (length(root) = 32),
    note          text NOT NULL,
    through_xact  bigint NOT NULL,
    created_at    timestamptz NOT NULL
);

-- A witness's signature of a checkpoint (a signed-note signature line over the same text).
CREATE TABLE audit_checkpoint_cosignatures (
    checkpoint_id  bigint NOT NULL REFERENCES audit_checkpoints (id),
    key_name       text NOT NULL,
    signature      text NOT NULL,
    added_at       timestamptz NOT NULL,
    PRIMARY KEY (checkpoint_id, key_name)
);

-- Like the events, the log is append-only: the database refuses changes and removals.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER audit_log_leaves_append_only BEFORE UPDATE OR DELETE ON audit_log_leaves
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_hashes_append_only BEFORE UPDATE OR DELETE ON audit_log_hashes
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_checkpoint_cosignatures_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoint_cosignatures
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_leaves_no_truncate BEFORE TRUNCATE ON audit_log_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_hashes_no_truncate BEFORE TRUNCATE ON audit_log_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_checkpoint_cosignatures_no_truncate
    BEFORE TRUNCATE ON audit_checkpoint_cosignatures
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
