-- The figures read a roll-up instead of the cases: per centre, Riga calendar month and e-service
-- the counts the /figures page and its CSV show, kept exact by a trigger in the same transaction
-- as every change of a case, whichever code makes it. `figures_recounted_*` recount them from
-- the cases; `pilnvara figures check` compares, `pilnvara figures rebuild` replaces.
--
-- Times from opening to submission are kept as a mergeable sketch: bucket i < 200 holds the
-- durations in [864 i, 864 (i + 1)) seconds (a hundredth of a day), bucket 200 + k those in
-- (2 days · γ^(k-1), 2 days · γ^k] with γ = 1.005/0.995, so that any choice of centres and
-- months merges into percentiles within 0.005 days or 0.5 % of the exact value, whichever is
-- larger (domain::figures::Sketch), and a day's submissions take a bucket or two.

CREATE TABLE figures_months (
    centre_id         bigint NOT NULL REFERENCES centres (id),
    month             date NOT NULL,
    eservice_id       bigint NOT NULL REFERENCES eservices (id),
    -- By the month the case was opened.
    opened            bigint NOT NULL DEFAULT 0,
    asked_result      bigint NOT NULL DEFAULT 0,
    answered          bigint NOT NULL DEFAULT 0,
    -- By the month it was closed.
    closed            bigint NOT NULL DEFAULT 0,
    -- By the month it was submitted (22.¹5), with the sketch of its time from opening.
    submitted         bigint NOT NULL DEFAULT 0,
    submission_sketch jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (centre_id, month, eservice_id)
);

-- By the month the case was stopped, and why.
CREATE TABLE figures_stops (
    centre_id   bigint NOT NULL REFERENCES centres (id),
    month       date NOT NULL,
    eservice_id bigint NOT NULL REFERENCES eservices (id),
    reason      text NOT NULL,
    stopped     bigint NOT NULL,
    PRIMARY KEY (centre_id, month, eservice_id, reason)
);

-- The cases waiting for their result now, by the Riga day they were submitted: the overdue ones
-- are those of the days before the cutoff (domain::workflow::results_overdue_before).
CREATE TABLE figures_awaiting (
    centre_id   bigint NOT NULL REFERENCES centres (id),
    day         date NOT NULL,
    eservice_id bigint NOT NULL REFERENCES eservices (id),
    awaiting    bigint NOT NULL,
    PRIMARY KEY (centre_id, day, eservice_id)
);

CREATE FUNCTION figures_month(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT date_trunc('month', at AT TIME ZONE 'Europe/Riga')::date $$;

CREATE FUNCTION figures_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN seconds < 172800 THEN floor(greatest(seconds, 0) / 864)::integer
                ELSE 200 + ceil(ln(seconds / 172800) / ln(1.005 / 0.995))::integer END
$$;

-- Adds case `c`'s contribution to the figures `delta` times (+1 for a row as it is now, -1 for
-- the row as it was).
CREATE FUNCTION figures_count(c cases, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bucket text;
    submitted_month date;
BEGIN
    INSERT INTO figures_months AS f (centre_id, month, eservice_id, opened, asked_result, answered)
    VALUES (c.centre_id, figures_month(c.opened_at), c.eservice_id, delta,
            CASE WHEN c.client_wants_result THEN delta ELSE 0 END,
            CASE WHEN c.client_wants_result IS NOT NULL THEN delta ELSE 0 END)
    ON CONFLICT (centre_id, month, eservice_id) DO UPDATE
        SET opened = f.opened + EXCLUDED.opened,
            asked_result = f.asked_result + EXCLUDED.asked_result,
            answered = f.answered + EXCLUDED.answered;
    IF c.closed_at IS NOT NULL THEN
        INSERT INTO figures_months AS f (centre_id, month, eservice_id, closed)
        VALUES (c.centre_id, figures_month(c.closed_at), c.eservice_id, delta)
        ON CONFLICT (centre_id, month, eservice_id) DO UPDATE SET closed = f.closed + EXCLUDED.closed;
    END IF;
    IF c.stopped_at IS NOT NULL THEN
        INSERT INTO figures_stops AS f (centre_id, month, eservice_id, reason, stopped)
        VALUES (c.centre_id, figures_month(c.stopped_at), c.eservice_id,
                coalesce(c.stop_reason, 'other'), delta)
        ON CONFLICT (centre_id, month, eservice_id, reason) DO UPDATE
            SET stopped = f.stopped + EXCLUDED.stopped;
        DELETE FROM figures_stops
        WHERE centre_id = c.centre_id AND month = figures_month(c.stopped_at)
          AND eservice_id = c.eservice_id AND reason = coalesce(c.stop_reason, 'other')
          AND stopped = 0;
    END IF;
    IF c.submitted_at IS NOT NULL THEN
        bucket := figures_bucket(extract(epoch FROM c.submitted_at - c.opened_at))::text;
        submitted_month := figures_month(c.submitted_at);
        INSERT INTO figures_months AS f (centre_id, month, eservice_id, submitted, submission_sketch)
        VALUES (c.centre_id, submitted_month, c.eservice_id, delta, jsonb_build_object(bucket, delta))
        ON CONFLICT (centre_id, month, eservice_id) DO UPDATE
            SET submitted = f.submitted + EXCLUDED.submitted,
                submission_sketch = CASE
                    WHEN coalesce((f.submission_sketch ->> bucket)::bigint, 0) + delta = 0
                        THEN f.submission_sketch - bucket
                    ELSE f.submission_sketch || jsonb_build_object(bucket,
                        coalesce((f.submission_sketch ->> bucket)::bigint, 0) + delta)
                END;
        IF c.status = 'open' AND c.next_step = 'result' THEN
            INSERT INTO figures_awaiting AS f (centre_id, day, eservice_id, awaiting)
            VALUES (c.centre_id, (c.submitted_at AT TIME ZONE 'Europe/Riga')::date, c.eservice_id, delta)
            ON CONFLICT (centre_id, day, eservice_id) DO UPDATE
                SET awaiting = f.awaiting + EXCLUDED.awaiting;
            DELETE FROM figures_awaiting
            WHERE centre_id = c.centre_id AND day = (c.submitted_at AT TIME ZONE 'Europe/Riga')::date
              AND eservice_id = c.eservice_id AND awaiting = 0;
        END IF;
    END IF;
END;
$$;

-- Runs as the owner: the application's role reads the figures but cannot write them.
CREATE FUNCTION figures_follow_cases() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM figures_count(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM figures_count(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER cases_figures_inserted AFTER INSERT OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION figures_follow_cases();
-- Only the changes the figures count (most steps change none of them).
CREATE TRIGGER cases_figures_updated AFTER UPDATE ON cases
    FOR EACH ROW WHEN (
        OLD.centre_id IS DISTINCT FROM NEW.centre_id
        OR OLD.eservice_id IS DISTINCT FROM NEW.eservice_id
        OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
        OR OLD.client_wants_result IS DISTINCT FROM NEW.client_wants_result
        OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
        OR OLD.stopped_at IS DISTINCT FROM NEW.stopped_at
        OR OLD.stop_reason IS DISTINCT FROM NEW.stop_reason
        OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at
        OR coalesce(OLD.status = 'open' AND OLD.next_step = 'result', false)
           <> coalesce(NEW.status = 'open' AND NEW.next_step = 'result', false))
    EXECUTE FUNCTION figures_follow_cases();

-- The roll-up recounted from the cases: what the tables must hold.
CREATE FUNCTION figures_recounted_months() RETURNS SETOF figures_months
LANGUAGE sql STABLE AS $$
    WITH events AS (
        SELECT centre_id, figures_month(opened_at) AS month, eservice_id, 1 AS opened,
               (client_wants_result IS TRUE)::int AS asked_result,
               (client_wants_result IS NOT NULL)::int AS answered,
               0 AS closed, 0 AS submitted, NULL::integer AS bucket
        FROM cases
        UNION ALL
        SELECT centre_id, figures_month(closed_at), eservice_id, 0, 0, 0, 1, 0, NULL
        FROM cases WHERE closed_at IS NOT NULL
        UNION ALL
        SELECT centre_id, figures_month(submitted_at), eservice_id, 0, 0, 0, 0, 1,
               figures_bucket(extract(epoch FROM submitted_at - opened_at))
        FROM cases WHERE submitted_at IS NOT NULL
    ), sketches AS (
        SELECT centre_id, month, eservice_id, jsonb_object_agg(bucket::text, cases) AS sketch
        FROM (SELECT centre_id, month, eservice_id, bucket, count(*) AS cases
              FROM events WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4) b
        GROUP BY 1, 2, 3
    )
    SELECT e.centre_id, e.month, e.eservice_id, sum(e.opened)::bigint, sum(e.asked_result)::bigint,
           sum(e.answered)::bigint, sum(e.closed)::bigint, sum(e.submitted)::bigint,
           coalesce(s.sketch, '{}')
    FROM events e LEFT JOIN sketches s USING (centre_id, month, eservice_id)
    GROUP BY e.centre_id, e.month, e.eservice_id, s.sketch
$$;

CREATE FUNCTION figures_recounted_stops() RETURNS SETOF figures_stops
LANGUAGE sql STABLE AS $$
    SELECT centre_id, figures_month(stopped_at), eservice_id, coalesce(stop_reason, 'other'),
           count(*)
    FROM cases WHERE stopped_at IS NOT NULL
    GROUP BY 1, 2, 3, 4
$$;

CREATE FUNCTION figures_recounted_awaiting() RETURNS SETOF figures_awaiting
LANGUAGE sql STABLE AS $$
    SELECT centre_id, (submitted_at AT TIME ZONE 'Europe/Riga')::date, eservice_id, count(*)
    FROM cases
    WHERE status = 'open' AND next_step = 'result' AND submitted_at IS NOT NULL
    GROUP BY 1, 2, 3
$$;

-- How many rows (keys) of each table differ from a recount: 0, 0, 0 when the roll-up is exact.
CREATE FUNCTION figures_differences(OUT months bigint, OUT stops bigint, OUT awaiting bigint)
LANGUAGE sql STABLE AS $$
    SELECT
        (SELECT count(DISTINCT (centre_id, month, eservice_id))
         FROM ((TABLE figures_months EXCEPT SELECT * FROM figures_recounted_months())
               UNION ALL
               (SELECT * FROM figures_recounted_months() EXCEPT TABLE figures_months)) d),
        (SELECT count(DISTINCT (centre_id, month, eservice_id, reason))
         FROM ((TABLE figures_stops EXCEPT SELECT * FROM figures_recounted_stops())
               UNION ALL
               (SELECT * FROM figures_recounted_stops() EXCEPT TABLE figures_stops)) d),
        (SELECT count(DISTINCT (centre_id, day, eservice_id))
         FROM ((TABLE figures_awaiting EXCEPT SELECT * FROM figures_recounted_awaiting())
               UNION ALL
               (SELECT * FROM figures_recounted_awaiting() EXCEPT TABLE figures_awaiting)) d)
$$;

-- Replaces the roll-up with a recount, the cases held still meanwhile.
CREATE FUNCTION figures_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE cases IN SHARE MODE;
    DELETE FROM figures_months;
    DELETE FROM figures_stops;
    DELETE FROM figures_awaiting;
    INSERT INTO figures_months SELECT * FROM figures_recounted_months();
    INSERT INTO figures_stops SELECT * FROM figures_recounted_stops();
    INSERT INTO figures_awaiting SELECT * FROM figures_recounted_awaiting();
END;
$$;
REVOKE ALL ON FUNCTION figures_rebuild() FROM PUBLIC;

SELECT figures_rebuild();

CREATE OR REPLACE FUNCTION pilnvara_grant_to(app_role text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public, tower_sessions TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO %I', app_role);
    -- The rows the application maintains (not evidence): accounts, catalogue, counters, heads.
    EXECUTE format('GRANT UPDATE, DELETE ON centres, staff, supervised_centres, sign_in_throttle,
        eservices, eid_means, data_notices, audit_chain_heads, authorisation_number_counters,
        review_samples, review_sample_cases TO %I', app_role);
    -- Cases move through their states; their recorded fields are guarded by the trigger above.
    EXECUTE format('GRANT UPDATE ON cases TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tower_sessions TO %I',
        app_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION erase_case_personal_data(bigint, timestamptz, bigint[], jsonb[]) TO %I',
        app_role);
    -- Evidence: no UPDATE, DELETE or TRUNCATE on audit_events, the log, case_steps,
    -- authorisation_documents, authorisation_prints, case_reviews or case_salts.
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_log_leaves,
        audit_log_hashes, audit_checkpoints, audit_checkpoint_cosignatures, case_steps,
        authorisation_documents, authorisation_prints, case_reviews, case_salts FROM %I',
        app_role);
    EXECUTE format('REVOKE DELETE, TRUNCATE ON cases FROM %I', app_role);
    -- The figures are the trigger's to keep (migration 0048): read-only to the application.
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON figures_months, figures_stops,
        figures_awaiting FROM %I', app_role);
END;
$$;

