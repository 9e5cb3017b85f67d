-- Each centre's figures carry a change count, so that a page of figures already laid out can be
-- shown again while none of its centres' figures has changed. /figures for the whole country
-- reads and lays out thousands of roll-up rows; the count of its centres is one short read.
--
-- The count moves in the transaction that changes the roll-up, before any of the roll-up's rows
-- is written: every transaction that changes a centre's figures takes the centre's count first,
-- so two of them never wait for each other's rows in opposite orders. A count only grows, and a
-- centre's row, once there, is never removed, so the sum over a set of centres (with how many
-- of them have a row) changes whenever any of their figures does.

CREATE TABLE figures_changes (
    centre_id bigint PRIMARY KEY REFERENCES centres (id),
    changes   bigint NOT NULL
);

INSERT INTO figures_changes (centre_id, changes) SELECT id, 0 FROM centres;

-- Counts a change of `centre`'s figures (a centre made after this migration gets its row here),
-- once a transaction: the count differs once it commits, however many of its rows changed. A
-- statement that changes many cases (a migration's, the benchmark's history) would otherwise
-- write the same row once a case, each time past every version it wrote before. That a centre
-- was counted is noted, with the transaction's id, in a setting local to the transaction (undone
-- with it, or with the savepoint it was noted in; a note of another transaction never matches).
CREATE FUNCTION figures_changed(centre bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    noted constant text := 'pilnvara.figures_changed_' || centre;
    this constant text := pg_current_xact_id()::text;
BEGIN
    IF current_setting(noted, true) = this THEN
        RETURN;
    END IF;
    INSERT INTO figures_changes AS f (centre_id, changes) VALUES (centre, 1)
    ON CONFLICT (centre_id) DO UPDATE SET changes = f.changes + 1;
    PERFORM set_config(noted, this, true);
END;
$$;

-- As in migration 0048, the centre's count first. A case's centre never changes
-- (cases_recorded_fields_are_final).
CREATE OR REPLACE FUNCTION figures_follow_cases() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM figures_changed(coalesce(NEW.centre_id, OLD.centre_id));
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM figures_count(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM figures_count(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;

-- As in migration 0057, the centre's count first.
CREATE OR REPLACE FUNCTION figures_follow_messages() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM figures_changed((SELECT centre_id FROM cases WHERE id = NEW.case_id));
    IF TG_OP = 'UPDATE' THEN
        PERFORM figures_count_message(OLD, -1);
    END IF;
    PERFORM figures_count_message(NEW, 1);
    RETURN NULL;
END;
$$;

-- As in migration 0057; a rebuild counts a change of every centre's figures.
CREATE OR REPLACE FUNCTION figures_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    LOCK TABLE cases, client_messages IN SHARE MODE;
    PERFORM figures_changed(id) FROM (SELECT id FROM centres ORDER BY id) AS ordered;
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
    -- The figures and their change counts are the triggers' to keep (migrations 0048, 0057,
    -- 0058): read-only to the application.
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON figures_months, figures_stops,
        figures_awaiting, figures_messages, figures_changes FROM %I', app_role);
END;
$$;
