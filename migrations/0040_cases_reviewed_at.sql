-- The review queue's "reviewed yes/no" filter tested each row with an EXISTS on case_reviews
-- while walking a centre's finished cases: with most cases reviewed, a "not reviewed" page could
-- read a centre's whole history. The case now carries when it was last reviewed, and two partial
-- indexes serve each answer in the queue's order.
--
-- A trigger keeps the column, so every review (whichever code records it) sets it in the
-- transaction that inserts the review, and the column cannot disagree with case_reviews, which
-- is append-only: a case once reviewed stays reviewed.
ALTER TABLE cases ADD COLUMN reviewed_at timestamptz;

CREATE FUNCTION case_reviews_mark_case() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET reviewed_at = NEW.reviewed_at WHERE id = NEW.case_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER case_reviews_mark_case AFTER INSERT ON case_reviews
    FOR EACH ROW EXECUTE FUNCTION case_reviews_mark_case();

-- The backfill is not a change of the case: updated_at keeps its value. Each reviewed case
-- takes its latest review's time along case_reviews_case_idx.
ALTER TABLE cases DISABLE TRIGGER set_updated_at;
UPDATE cases c SET reviewed_at = (SELECT r.reviewed_at FROM case_reviews r
                                  WHERE r.case_id = c.id ORDER BY r.id DESC LIMIT 1)
WHERE c.id IN (SELECT case_id FROM case_reviews);
ALTER TABLE cases ENABLE TRIGGER set_updated_at;

CREATE INDEX cases_finished_reviewed_idx
    ON cases (centre_id, coalesce(closed_at, stopped_at) DESC, id DESC)
    WHERE status <> 'open' AND reviewed_at IS NOT NULL;
CREATE INDEX cases_finished_unreviewed_idx
    ON cases (centre_id, coalesce(closed_at, stopped_at) DESC, id DESC)
    WHERE status <> 'open' AND reviewed_at IS NULL;
