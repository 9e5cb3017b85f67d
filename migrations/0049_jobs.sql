-- The server's periodic jobs, run once across however many instances share the database: each
-- instance ticks every minute, and only the one whose claim moves a job's `last_started_at`
-- past its period runs it (the claim is one UPDATE, so two instances cannot both win).
CREATE TABLE jobs (
    name             text PRIMARY KEY,
    last_started_at  timestamptz NOT NULL DEFAULT '-infinity',
    last_finished_at timestamptz,
    -- `ok`, or what failed (no personal data: an error kind).
    last_outcome     text,
    runs             bigint NOT NULL DEFAULT 0
);
INSERT INTO jobs (name) VALUES ('retention'), ('checkpoint'), ('expired-sessions');

-- The application's role may claim and finish a job, nothing else.
CREATE FUNCTION claim_job(job text, due_before timestamptz, at timestamptz) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE jobs SET last_started_at = at, runs = runs + 1
    WHERE name = job AND last_started_at <= due_before;
    RETURN FOUND;
END;
$$;

CREATE FUNCTION finish_job(job text, at timestamptz, outcome text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE jobs SET last_finished_at = at, last_outcome = outcome WHERE name = job
$$;
