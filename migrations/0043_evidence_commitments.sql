-- Commitments to the stored data (see src/audit/commitment.rs and docs/evidence.md).
--
-- An event's hash has a version: 1 covers chain, sequence, time, actor, action, details and the
-- previous hash; 2 covers every column of the row (the id, centre, case and session tag too) and
-- the version itself. Events written before this migration keep version 1 and verify by it.
ALTER TABLE audit_events ADD COLUMN hash_version smallint NOT NULL DEFAULT 1
    CHECK (hash_version IN (1, 2));

-- The random salt of a case's personal-data commitments. A commitment to a personal code
-- without a salt could be found by trying every code; with it, the commitment tells nothing.
-- Retention deletes the salt with the data, in the erasure's transaction.
CREATE TABLE case_salts (
    case_id  bigint PRIMARY KEY REFERENCES cases (id),
    salt     bytea NOT NULL CHECK (length(salt) = 32)
);
