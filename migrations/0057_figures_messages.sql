-- The messages to clients join the roll-up (migration 0048): per centre and Riga calendar month
-- they were queued in, how many there are, and of them those sent (or delivered), failed, and
-- failed with the client not yet told another way. /figures read them by scanning every message
-- of the period (of every centre, along `client_messages_queued_idx`) and joining its case; now
-- it reads one row per centre and month, whatever the history's length.
--
-- A message's centre is its case's, which never changes (cases_recorded_fields_are_final), and
-- what it counts in moves only with its status and with `told_instead_via`.

CREATE TABLE figures_messages (
    centre_id bigint NOT NULL REFERENCES centres (id),
    month     date NOT NULL,
    -- Every message queued in the month; a row of none is removed.
    messages  bigint NOT NULL,
    sent      bigint NOT NULL,
    failed    bigint NOT NULL,
    untold    bigint NOT NULL,
    PRIMARY KEY (centre_id, month)
);

-- Adds message `m`'s contribution to the figures `delta` times (+1 for a row as it is now, -1
-- for the row as it was).
CREATE FUNCTION figures_count_message(m client_messages, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    centre bigint := (SELECT centre_id FROM cases WHERE id = m.case_id);
BEGIN
    INSERT INTO figures_messages AS f (centre_id, month, messages, sent, failed, untold)
    VALUES (centre, figures_month(m.queued_at), delta,
            CASE WHEN m.status IN ('sent', 'delivered') THEN delta ELSE 0 END,
            CASE WHEN m.status = 'failed' THEN delta ELSE 0 END,
            CASE WHEN m.status = 'failed' AND m.told_instead_via IS NULL THEN delta ELSE 0 END)
    ON CONFLICT (centre_id, month) DO UPDATE
        SET messages = f.messages + EXCLUDED.messages,
            sent = f.sent + EXCLUDED.sent,
            failed = f.failed + EXCLUDED.failed,
            untold = f.untold + EXCLUDED.untold;
    DELETE FROM figures_messages
    WHERE centre_id = centre AND month = figures_month(m.queued_at) AND messages = 0;
END;
$$;

-- Runs as the owner: the application's role reads the figures but cannot write them.
CREATE FUNCTION figures_follow_messages() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM figures_count_message(OLD, -1);
    END IF;
    PERFORM figures_count_message(NEW, 1);
    RETURN NULL;
END;
$$;

-- Messages are never removed (client_messages_guard), so inserts and updates are all there is.
CREATE TRIGGER client_messages_figures_inserted AFTER INSERT ON client_messages
    FOR EACH ROW EXECUTE FUNCTION figures_follow_messages();
-- Only the changes the figures count: the worker's claims and retries (queued, sending) and the
-- erasure of the personal parts change none of them.
CREATE TRIGGER client_messages_figures_updated AFTER UPDATE ON client_messages
    FOR EACH ROW WHEN (
        (OLD.status IN ('sent', 'delivered')) <> (NEW.status IN ('sent', 'delivered'))
        OR (OLD.status = 'failed') <> (NEW.status = 'failed')
        OR (OLD.told_instead_via IS NULL) <> (NEW.told_instead_via IS NULL))
    EXECUTE FUNCTION figures_follow_messages();

-- What the table must hold, recounted from the messages.
CREATE FUNCTION figures_recounted_messages() RETURNS SETOF figures_messages
LANGUAGE sql STABLE AS $$
    SELECT c.centre_id, figures_month(m.queued_at), count(*),
           count(*) FILTER (WHERE m.status IN ('sent', 'delivered')),
           count(*) FILTER (WHERE m.status = 'failed'),
           count(*) FILTER (WHERE m.status = 'failed' AND m.told_instead_via IS NULL)
    FROM client_messages m JOIN cases c ON c.id = m.case_id
    GROUP BY 1, 2
$$;

-- How many rows (keys) of each table differ from a recount: all 0 when the roll-up is exact.
DROP FUNCTION figures_differences();
CREATE FUNCTION figures_differences(
    OUT months bigint, OUT stops bigint, OUT awaiting bigint, OUT messages bigint)
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
               (SELECT * FROM figures_recounted_awaiting() EXCEPT TABLE figures_awaiting)) d),
        (SELECT count(DISTINCT (centre_id, month))
         FROM ((TABLE figures_messages EXCEPT SELECT * FROM figures_recounted_messages())
               UNION ALL
               (SELECT * FROM figures_recounted_messages() EXCEPT TABLE figures_messages)) d)
$$;

-- Replaces the roll-up with a recount, the cases and the messages held still meanwhile.
CREATE OR REPLACE FUNCTION figures_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE cases, client_messages IN SHARE MODE;
    DELETE FROM figures_months;
    DELETE FROM figures_stops;
    DELETE FROM figures_awaiting;
    DELETE FROM figures_messages;
    INSERT INTO figures_months SELECT * FROM figures_recounted_months();
    INSERT INTO figures_stops SELECT * FROM figures_recounted_stops();
    INSERT INTO figures_awaiting SELECT * FROM figures_recounted_awaiting();
    INSERT INTO figures_messages SELECT * FROM figures_recounted_messages();
END;
$$;
REVOKE ALL ON FUNCTION figures_rebuild() FROM PUBLIC;

INSERT INTO figures_messages SELECT * FROM figures_recounted_messages();

-- Only the figures read messages by when they were queued (migration 0052); nothing does now.
DROP INDEX client_messages_queued_idx;

-- The messages' figures are read-only to the application, like the rest of the roll-up.
CREATE OR REPLACE FUNCTION pilnvara_grant_to(app_role text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public, tower_sessions TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO %I', app_role);
    -- The rows the application maintains (not evidence): accounts, catalogue, counters, heads.
    EXECUTE format('GRANT UPDATE, DELETE ON centres, staff, staff_sign_in_links,
        supervised_centres, sign_in_throttle, sign_in_address_limits, eservices, eid_means,
        data_notices, audit_chain_heads, authorisation_number_counters, review_samples,
        review_sample_cases, message_templates
        TO %I', app_role);
    -- Cases move through their states; their recorded fields are guarded by the trigger above.
    EXECUTE format('GRANT UPDATE ON cases TO %I', app_role);
    -- Messages move through their statuses, guarded by client_messages_guard (migration 0052).
    EXECUTE format('GRANT UPDATE ON client_messages TO %I', app_role);
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
    EXECUTE format('REVOKE DELETE, TRUNCATE ON cases, client_messages FROM %I', app_role);
    -- The figures are the triggers' to keep (migrations 0048, 0057): read-only to the
    -- application.
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON figures_months, figures_stops,
        figures_awaiting, figures_messages FROM %I', app_role);
END;
$$;
