-- The /cases lists are paged by keyset: "awaiting a result" by (submitted_at, id) per centre, so
-- the index carries the id as the tie-breaker. "My open cases" is served by cases_opened_by_idx
-- (opened_by, status, id DESC) as it is.
CREATE INDEX cases_awaiting_result_page_idx ON cases (centre_id, submitted_at, id)
    WHERE status = 'open' AND next_step = 'result';
DROP INDEX cases_awaiting_result_idx;
