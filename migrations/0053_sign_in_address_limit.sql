-- The sign-in rate limit per client address, kept in the database so that it holds across
-- every instance (before, each instance kept its own in memory). A GCRA bucket per address:
-- `theoretical_arrival` moves on by the interval with each admitted attempt, and an attempt is
-- refused while it lies further ahead than the burst allows. The address is stored only as a
-- keyed hash (a client's address is personal data), and a row whose time has passed means the
-- same as no row, so the expired-sessions job deletes it.
CREATE TABLE sign_in_address_limits (
    address_hash        bytea PRIMARY KEY,
    theoretical_arrival timestamptz NOT NULL
);

-- The application's grants, now also on this table and on the outbox's (migration 0052).
CREATE OR REPLACE FUNCTION pilnvara_grant_to(app_role text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public, tower_sessions TO %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO %I', app_role);
    -- The rows the application maintains (not evidence): accounts, catalogue, counters, heads.
    EXECUTE format('GRANT UPDATE, DELETE ON centres, staff, supervised_centres, sign_in_throttle,
        sign_in_address_limits, eservices, eid_means, data_notices, audit_chain_heads,
        authorisation_number_counters, review_samples, review_sample_cases, message_templates
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
    -- The figures are the trigger's to keep (migration 0048): read-only to the application.
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON figures_months, figures_stops,
        figures_awaiting FROM %I', app_role);
END;
$$;
