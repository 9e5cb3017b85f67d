-- 22.¹2 confirmed with a qualified eID through an OpenID Connect provider (docs/eid.md).

-- The value the provider names each means by (in `amr`, or the configured claim). A token's
-- means must be an active one with its value set; the four means the product ships are
-- matched by their own code until an administrator sets the provider's value.
ALTER TABLE eid_means
    ADD COLUMN amr text UNIQUE CHECK (amr IS NULL OR amr ~ '^[!-~]{1,100}$');
UPDATE eid_means SET amr = code;

-- The person an employee's account belongs to, as the eID provider identifies them: a keyed
-- hash (HMAC-SHA-256 under personal-code.key) of their personal code or of the provider's
-- subject, never the value itself. Set by an administrator; at 22.¹2 the token's person must
-- be this one.
ALTER TABLE staff
    ADD COLUMN eid_person_hmac bytea UNIQUE CHECK (octet_length(eid_person_hmac) = 32);
