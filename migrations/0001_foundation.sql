-- Helpers every table uses: created_at / updated_at maintained by the database itself.

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- Adds created_at / updated_at columns and the trigger that keeps updated_at current.
-- Usage in later migrations: SELECT manage_timestamps('table_name');
CREATE FUNCTION manage_timestamps(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'ALTER TABLE %s
             ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now(),
             ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now()',
        target);
    EXECUTE format(
        'CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
             FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
        target);
END;
$$;
