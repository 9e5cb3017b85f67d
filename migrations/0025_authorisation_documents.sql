-- The written authorisation of 22.¹3 as a document: its number, verification code, the frozen
-- content it was first printed from, and every print. See README "The printed documents".

-- One counter per centre and calendar year (Europe/Riga) of the first print. The allocating
-- statement takes the row lock until its transaction ends, so numbers are handed out one at a
-- time; a rolled-back print leaves a gap, nothing else does.
CREATE TABLE authorisation_number_counters (
    centre_id    bigint NOT NULL REFERENCES centres (id),
    year         smallint NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last_number  integer NOT NULL CHECK (last_number > 0),
    PRIMARY KEY (centre_id, year)
);

CREATE TABLE authorisation_documents (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           bigint NOT NULL REFERENCES cases (id),
    centre_id         bigint NOT NULL REFERENCES centres (id),
    year              smallint NOT NULL,
    sequence          integer NOT NULL CHECK (sequence > 0),
    -- CODE-YYYY-NNNNNN, as printed.
    document_number   text NOT NULL CHECK (document_number ~ '^[A-Z0-9][A-Z0-9-]{1,19}-[0-9]{4}-[0-9]{6,}$'),
    -- Base32 of SHA-256 over the canonical content (see src/domain/documents.rs).
    verification_code text NOT NULL CHECK (verification_code ~ '^[A-Z2-7]{10}$'),
    -- The content the document was first printed from; reprints render from it. Personal data:
    -- set to NULL when the case's personal data are erased (the only change allowed).
    snapshot          jsonb,
    sha256            bytea NOT NULL CHECK (length(sha256) = 32),
    first_printed_by  bigint NOT NULL REFERENCES staff (id),
    first_printed_at  timestamptz NOT NULL,
    CONSTRAINT authorisation_documents_case_key UNIQUE (case_id),
    CONSTRAINT authorisation_documents_sequence_key UNIQUE (centre_id, year, sequence),
    CONSTRAINT authorisation_documents_number_key UNIQUE (centre_id, document_number)
);
CREATE INDEX authorisation_documents_number_idx ON authorisation_documents (document_number);

-- Every print, the first one included.
CREATE TABLE authorisation_prints (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES authorisation_documents (case_id),
    printed_by  bigint NOT NULL REFERENCES staff (id),
    printed_at  timestamptz NOT NULL,
    sha256      bytea NOT NULL CHECK (length(sha256) = 32),
    reprint     boolean NOT NULL
);
CREATE INDEX authorisation_prints_case_idx ON authorisation_prints (case_id, id);

-- A printed document is evidence: the database refuses to change it, except erasing the
-- snapshot, and refuses to remove it or its prints.
CREATE FUNCTION authorisation_documents_are_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.snapshot IS NULL
       AND (to_jsonb(NEW) - 'snapshot') = (to_jsonb(OLD) - 'snapshot') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is final: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER authorisation_documents_final BEFORE UPDATE OR DELETE ON authorisation_documents
    FOR EACH ROW EXECUTE FUNCTION authorisation_documents_are_final();

CREATE FUNCTION authorisation_prints_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'authorisation_prints is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER authorisation_prints_append_only BEFORE UPDATE OR DELETE ON authorisation_prints
    FOR EACH ROW EXECUTE FUNCTION authorisation_prints_are_append_only();
