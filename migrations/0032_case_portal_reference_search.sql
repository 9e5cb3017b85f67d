-- The desk searches portal references case-insensitively (lower(portal_reference) = lower($1)),
-- which an index on the raw column cannot serve: index the lower-cased value instead. Nothing
-- reads the raw column by value.
CREATE INDEX cases_portal_reference_lower_idx ON cases (centre_id, lower(portal_reference))
    WHERE portal_reference IS NOT NULL;
DROP INDEX cases_portal_reference_idx;
