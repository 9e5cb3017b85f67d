-- The figures tell the 22.¹2 duties confirmed through the qualified eID provider (verified) from
-- those chosen from the list (declared), per centre and month the case was opened (issue 16).
--
-- The case keeps how its 22.¹2 was confirmed, written once in the transaction that records the
-- step (NULL until then), so that the roll-up's trigger counts it like the case's other fields.

ALTER TABLE cases
    ADD COLUMN employee_eid_confirmation text
        CHECK (employee_eid_confirmation IN ('declared', 'verified'));

-- Written once, like the case's other recorded fields (0045).
CREATE OR REPLACE FUNCTION cases_recorded_fields_are_final() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    field text;
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'cases are evidence: DELETE refused' USING ERRCODE = 'insufficient_privilege';
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    FOREACH field IN ARRAY ARRAY['centre_id', 'eservice_id', 'opened_by', 'opened_at',
        'gives_planned_time', 'gives_result', 'missing_eid_means', 'client_given_names',
        'client_surnames', 'client_name_key', 'client_personal_code', 'personal_code_hmac',
        'client_wants_result', 'notify_channel', 'notify_contact', 'portal_reference',
        'submitted_at', 'closed_at', 'stop_reason', 'stop_remark', 'stopped_at', 'erased_at',
        'employee_eid_confirmation']
    LOOP
        IF old_row -> field <> 'null'::jsonb
           AND (old_row -> field) IS DISTINCT FROM (new_row -> field) THEN
            RAISE EXCEPTION 'case %: the recorded field % may not change (only retention erases it)',
                OLD.id, field USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NEW;
END;
$$;

ALTER TABLE figures_months
    ADD COLUMN eid_declared bigint NOT NULL DEFAULT 0,
    ADD COLUMN eid_verified bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION figures_count(c cases, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bucket text;
    submitted_month date;
BEGIN
    INSERT INTO figures_months AS f (centre_id, month, eservice_id, opened, asked_result, answered,
                                     eid_declared, eid_verified)
    VALUES (c.centre_id, figures_month(c.opened_at), c.eservice_id, delta,
            CASE WHEN c.client_wants_result THEN delta ELSE 0 END,
            CASE WHEN c.client_wants_result IS NOT NULL THEN delta ELSE 0 END,
            CASE WHEN c.employee_eid_confirmation = 'declared' THEN delta ELSE 0 END,
            CASE WHEN c.employee_eid_confirmation = 'verified' THEN delta ELSE 0 END)
    ON CONFLICT (centre_id, month, eservice_id) DO UPDATE
        SET opened = f.opened + EXCLUDED.opened,
            asked_result = f.asked_result + EXCLUDED.asked_result,
            answered = f.answered + EXCLUDED.answered,
            eid_declared = f.eid_declared + EXCLUDED.eid_declared,
            eid_verified = f.eid_verified + EXCLUDED.eid_verified;
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

DROP TRIGGER cases_figures_updated ON cases;
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
        OR OLD.employee_eid_confirmation IS DISTINCT FROM NEW.employee_eid_confirmation
        OR coalesce(OLD.status = 'open' AND OLD.next_step = 'result', false)
           <> coalesce(NEW.status = 'open' AND NEW.next_step = 'result', false))
    EXECUTE FUNCTION figures_follow_cases();

CREATE OR REPLACE FUNCTION figures_recounted_months() RETURNS SETOF figures_months
LANGUAGE sql STABLE AS $$
    WITH events AS (
        SELECT centre_id, figures_month(opened_at) AS month, eservice_id, 1 AS opened,
               (client_wants_result IS TRUE)::int AS asked_result,
               (client_wants_result IS NOT NULL)::int AS answered,
               0 AS closed, 0 AS submitted, NULL::integer AS bucket,
               coalesce(employee_eid_confirmation = 'declared', false)::int AS eid_declared,
               coalesce(employee_eid_confirmation = 'verified', false)::int AS eid_verified
        FROM cases
        UNION ALL
        SELECT centre_id, figures_month(closed_at), eservice_id, 0, 0, 0, 1, 0, NULL, 0, 0
        FROM cases WHERE closed_at IS NOT NULL
        UNION ALL
        SELECT centre_id, figures_month(submitted_at), eservice_id, 0, 0, 0, 0, 1,
               figures_bucket(extract(epoch FROM submitted_at - opened_at)), 0, 0
        FROM cases WHERE submitted_at IS NOT NULL
    ), sketches AS (
        SELECT centre_id, month, eservice_id, jsonb_object_agg(bucket::text, cases) AS sketch
        FROM (SELECT centre_id, month, eservice_id, bucket, count(*) AS cases
              FROM events WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4) b
        GROUP BY 1, 2, 3
    )
    SELECT e.centre_id, e.month, e.eservice_id, sum(e.opened)::bigint, sum(e.asked_result)::bigint,
           sum(e.answered)::bigint, sum(e.closed)::bigint, sum(e.submitted)::bigint,
           coalesce(s.sketch, '{}'), sum(e.eid_declared)::bigint, sum(e.eid_verified)::bigint
    FROM events e LEFT JOIN sketches s USING (centre_id, month, eservice_id)
    GROUP BY e.centre_id, e.month, e.eservice_id, s.sketch
$$;

-- The cases recorded so far, from their 22.¹2 step (declared when its data does not say), and
-- the roll-up recounted with them.
UPDATE cases c SET employee_eid_confirmation =
    CASE WHEN s.data ->> 'confirmation' = 'verified' THEN 'verified' ELSE 'declared' END
FROM case_steps s
WHERE s.case_id = c.id AND s.step = 'employee-eid' AND s.outcome = 'recorded';

SELECT figures_rebuild();
