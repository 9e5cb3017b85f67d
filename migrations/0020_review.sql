-- Supervisor review: the reviews of finished cases, the spot-check samples, and the indexes the
-- review queue and the figures read by (every filter served by an index; see docs/performance.md).

-- A supervisor's review of a finished case. Append-only: a new review supersedes the one before
-- (`supersedes`), both stay. NULLS NOT DISTINCT makes the chain of a case linear: two reviews
-- cannot supersede the same one (nor can two be first), so a double submit or two supervisors
-- at once record one review and the other is told the case was reviewed meanwhile.
CREATE TABLE case_reviews (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    supersedes   bigint REFERENCES case_reviews (id),
    reviewer_id  bigint NOT NULL REFERENCES staff (id),
    verdict      text NOT NULL CHECK (verdict IN ('in-order', 'issues-found')),
    remark       text NOT NULL DEFAULT '' CHECK (length(remark) <= 2000),
    reviewed_at  timestamptz NOT NULL,
    CHECK (verdict = 'in-order' OR length(btrim(remark)) > 0),
    CONSTRAINT case_reviews_supersedes_key UNIQUE NULLS NOT DISTINCT (case_id, supersedes)
);
CREATE INDEX case_reviews_case_idx ON case_reviews (case_id, id DESC);

CREATE FUNCTION case_reviews_are_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_reviews is append-only: % refused (record a new review instead)', TG_OP;
END;
$$;
CREATE TRIGGER case_reviews_no_update BEFORE UPDATE OR DELETE ON case_reviews
    FOR EACH ROW EXECUTE FUNCTION case_reviews_are_final();
CREATE TRIGGER case_reviews_no_truncate BEFORE TRUNCATE ON case_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION case_reviews_are_final();

-- A spot check: a seeded random sample of one centre's cases closed in one calendar month
-- (Europe/Riga). Drawn once; drawing again for the same centre and month shows this one.
CREATE TABLE review_samples (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    centre_id   bigint NOT NULL REFERENCES centres (id),
    -- The first day of the month sampled.
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    percent     smallint NOT NULL CHECK (percent BETWEEN 1 AND 100),
    -- The seed of the draw (an unsigned 64-bit value stored as its bit pattern).
    seed        bigint NOT NULL,
    -- How many closed cases the month had when the sample was drawn.
    population  integer NOT NULL CHECK (population >= 0),
    drawn_by    bigint NOT NULL REFERENCES staff (id),
    drawn_at    timestamptz NOT NULL,
    CONSTRAINT review_samples_centre_month_key UNIQUE (centre_id, month)
);

CREATE TABLE review_sample_cases (
    sample_id  bigint NOT NULL REFERENCES review_samples (id),
    case_id    bigint NOT NULL REFERENCES cases (id),
    -- The order of the draw, which is also the order to work through.
    position   integer NOT NULL,
    PRIMARY KEY (sample_id, position),
    CONSTRAINT review_sample_cases_case_key UNIQUE (sample_id, case_id)
);

CREATE TRIGGER review_samples_no_update BEFORE UPDATE OR DELETE ON review_samples
    FOR EACH ROW EXECUTE FUNCTION case_reviews_are_final();
CREATE TRIGGER review_sample_cases_no_update BEFORE UPDATE OR DELETE ON review_sample_cases
    FOR EACH ROW EXECUTE FUNCTION case_reviews_are_final();

-- The review queue walks each supervised centre's finished cases newest first
-- (cases_finished_idx, migration 0004); these serve the selective filters in the same order.
CREATE INDEX cases_finished_employee_idx
    ON cases (opened_by, coalesce(closed_at, stopped_at) DESC, id DESC) WHERE status <> 'open';
CREATE INDEX cases_finished_eservice_idx
    ON cases (centre_id, eservice_id, coalesce(closed_at, stopped_at) DESC, id DESC) WHERE status <> 'open';
CREATE INDEX cases_finished_status_idx
    ON cases (centre_id, status, coalesce(closed_at, stopped_at) DESC, id DESC) WHERE status <> 'open';
CREATE INDEX cases_finished_reason_idx
    ON cases (centre_id, stop_reason, coalesce(closed_at, stopped_at) DESC, id DESC) WHERE stop_reason IS NOT NULL;

-- The figures: each count reads only its centres' rows of the period.
CREATE INDEX cases_opened_idx ON cases (centre_id, opened_at);
CREATE INDEX cases_closed_idx ON cases (centre_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_stopped_idx ON cases (centre_id, stopped_at) WHERE stopped_at IS NOT NULL;
CREATE INDEX cases_submitted_idx ON cases (centre_id, submitted_at) WHERE submitted_at IS NOT NULL;
