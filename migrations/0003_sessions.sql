-- Sessions of tower-sessions' PostgreSQL store (tower-sessions-sqlx-store 0.15), created here so
-- that every table comes from a numbered migration. The layout is the store's own.
CREATE SCHEMA tower_sessions;

CREATE TABLE tower_sessions.session (
    id           text PRIMARY KEY NOT NULL,
    data         bytea NOT NULL,
    expiry_date  timestamptz NOT NULL
);
CREATE INDEX session_expiry_idx ON tower_sessions.session (expiry_date);
