-- Staff sign-in through an OpenID Connect provider (docs/eid.md): the person an account belongs
-- to, as that provider identifies them, as a keyed hash (HMAC-SHA-256 under personal-code.key)
-- of their personal code or the provider's subject. Set by an administrator; a sign-in whose
-- person matches no active account is refused.
ALTER TABLE staff
    ADD COLUMN sign_in_person_hmac bytea UNIQUE CHECK (octet_length(sign_in_person_hmac) = 32);
