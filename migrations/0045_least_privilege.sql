-- Least privilege for the application's database role (README "Database roles"): it cannot
-- change or remove evidence rows, and the only erasure is retention's, through one function that
-- requires the erasure's audit event in the same transaction.

-- A case's recorded fields are written once: a field that holds a value keeps it, and a case is
-- never removed. The table's owner (the migrations, and the erasure function below, which runs
-- as the owner) is exempt; the application's role is not.
CREATE FUNCTION cases_recorded_fields_are_final() RETURNS trigger
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
        'submitted_at', 'closed_at', 'stop_reason', 'stop_remark', 'stopped_at', 'erased_at']
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
CREATE TRIGGER cases_recorded_fields_final BEFORE UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_recorded_fields_are_final();

-- Retention's erasure of one case: only after its `personal-data-erased` event was written in
-- this transaction; the steps' data may only shrink (the new data are contained in the old).
CREATE FUNCTION erase_case_personal_data(
    p_case bigint, p_at timestamptz, p_steps bigint[], p_data jsonb[]
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    changed integer;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM audit_events
        WHERE chain = 'case:' || p_case AND action = 'personal-data-erased'
          AND written_by_xact = pg_current_xact_id()::text::bigint
    ) THEN
        RAISE EXCEPTION 'case %: write its personal-data-erased event first, in this transaction',
            p_case USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE cases SET
        client_given_names = NULL, client_surnames = NULL, client_name_key = NULL,
        client_personal_code = NULL, personal_code_hmac = NULL, notify_contact = NULL,
        portal_reference = NULL, stop_remark = NULL, erased_at = p_at, version = version + 1
    WHERE id = p_case AND erased_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'case %: nothing to erase', p_case;
    END IF;
    UPDATE case_reviews SET remark = '' WHERE case_id = p_case AND remark <> '';
    UPDATE authorisation_documents SET snapshot = NULL WHERE case_id = p_case;
    UPDATE case_steps s SET data = d.data
    FROM unnest(p_steps, p_data) AS d (id, data)
    WHERE s.id = d.id AND s.case_id = p_case AND s.data @> d.data;
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed <> coalesce(cardinality(p_steps), 0) THEN
        RAISE EXCEPTION 'case %: a step''s data may only lose fields at erasure', p_case;
    END IF;
    DELETE FROM case_salts WHERE case_id = p_case;
END;
$$;
REVOKE ALL ON FUNCTION erase_case_personal_data(bigint, timestamptz, bigint[], jsonb[]) FROM PUBLIC;

-- The grants of the application's role, in one place: run as the owner after every migration
-- (the private cluster does it at each start; see the README for a server of your own).
CREATE FUNCTION pilnvara_grant_to(app_role text) RETURNS void
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
END;
$$;
