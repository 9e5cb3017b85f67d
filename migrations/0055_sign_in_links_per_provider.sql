-- Staff sign-in through several OpenID Connect providers (docs/eid.md): an account's link to
-- the person a provider identifies is kept per provider, by the provider's configured key
-- (`default` for PILNVARA_OIDC_ISSUER's, else its key in PILNVARA_OIDC_PROVIDERS). A subject
-- (`sub`) is unique only within its issuer, so the same value at two providers may be two
-- people: a sign-in matches only the links made for the provider it came through. As before,
-- only a keyed hash (HMAC-SHA-256 under personal-code.key) of the personal code or subject.
CREATE TABLE staff_sign_in_links (
    staff_id    bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    provider    text NOT NULL CHECK (provider ~ '^[a-z][a-z0-9]{0,31}$'),
    person_hmac bytea NOT NULL CHECK (octet_length(person_hmac) = 32),
    PRIMARY KEY (staff_id, provider),
    -- One account per person at each provider.
    UNIQUE (provider, person_hmac)
);

-- The links of migration 0051 were made for the one provider there was: the default one.
INSERT INTO staff_sign_in_links (staff_id, provider, person_hmac)
SELECT id, 'default', sign_in_person_hmac FROM staff WHERE sign_in_person_hmac IS NOT NULL;
ALTER TABLE staff DROP COLUMN sign_in_person_hmac;

-- The application's grants, now also UPDATE and DELETE on the links (an administrator
-- changes and removes them); otherwise as in migration 0053.
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
    -- The figures are the trigger's to keep (migration 0048): read-only to the application.
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON figures_months, figures_stops,
        figures_awaiting FROM %I', app_role);
END;
$$;
