-- Centres, staff, sign-in throttling and the audit trail.

CREATE TYPE centre_kind AS ENUM ('national', 'regional', 'local');

CREATE TABLE centres (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,19}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    municipality     text NOT NULL DEFAULT '' CHECK (length(municipality) <= 200),
    kind             centre_kind NOT NULL DEFAULT 'local',
    -- Years copy 1 of an authorisation is kept: from the municipality's document
    -- classification scheme (dokumentu klasifikācijas shēma), agreed with the National Archives.
    retention_years  smallint NOT NULL DEFAULT 10 CHECK (retention_years BETWEEN 1 AND 100),
    active           boolean NOT NULL DEFAULT true,
    CONSTRAINT centres_code_key UNIQUE (code)
);
SELECT manage_timestamps('centres');

CREATE TYPE staff_role AS ENUM ('employee', 'supervisor', 'admin');

CREATE TABLE staff (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username              text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,49}$'),
    full_name             text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    role                  staff_role NOT NULL,
    centre_id             bigint NOT NULL REFERENCES centres (id),
    language              text NOT NULL DEFAULT 'lv' CHECK (language IN ('lv', 'en')),
    active                boolean NOT NULL DEFAULT true,
    password_hash         text NOT NULL,
    must_change_password  boolean NOT NULL DEFAULT true,
    -- Raised whenever every session of the user must end (password change, disabling).
    session_generation    integer NOT NULL DEFAULT 0
);
-- Usernames are stored in lower case, so this also makes them unique regardless of case.
CREATE UNIQUE INDEX staff_username_key ON staff (username);
CREATE INDEX staff_centre_idx ON staff (centre_id);
SELECT manage_timestamps('staff');

-- The centres a supervisor supervises (besides none: a supervisor's home centre is listed too).
CREATE TABLE supervised_centres (
    staff_id   bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    centre_id  bigint NOT NULL REFERENCES centres (id),
    PRIMARY KEY (staff_id, centre_id)
);
CREATE INDEX supervised_centres_centre_idx ON supervised_centres (centre_id);

-- Failed sign-ins per username as typed (lower case), whether or not such an account exists,
-- so that locking reveals nothing about which accounts exist.
CREATE TABLE sign_in_throttle (
    username      text PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    -- Set after too many failures; only an administrator lifts it.
    hard_locked   boolean NOT NULL DEFAULT false,
    last_failure  timestamptz NOT NULL
);

-- The audit trail: one hash chain per case, one per centre for events without a case, and
-- one for events that belong to no centre. See src/audit.rs for the hash.
CREATE TABLE audit_chain_heads (
    chain     text PRIMARY KEY,
    sequence  bigint NOT NULL,
    hash      bytea NOT NULL
);

CREATE TABLE audit_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chain        text NOT NULL,
    sequence     bigint NOT NULL,
    occurred_at  timestamptz NOT NULL,
    centre_id    bigint REFERENCES centres (id),
    case_id      bigint,
    actor_id     bigint REFERENCES staff (id),
    session_tag  text,
    action       text NOT NULL,
    details      jsonb NOT NULL,
    prev_hash    bytea NOT NULL,
    hash         bytea NOT NULL,
    CONSTRAINT audit_events_chain_sequence_key UNIQUE (chain, sequence)
);
CREATE INDEX audit_events_case_idx ON audit_events (case_id, sequence) WHERE case_id IS NOT NULL;
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at);

-- The trail is append-only: the database itself refuses to change or remove an event.
CREATE FUNCTION audit_events_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_append_only();
