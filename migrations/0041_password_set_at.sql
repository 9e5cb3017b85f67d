-- When the account's password was last set: a one-time password (must_change_password) is
-- accepted only for a short while after it was issued (OWASP ASVS 5.0, 6.4.1).
ALTER TABLE staff ADD COLUMN password_set_at timestamptz NOT NULL DEFAULT now();
