-- A review's remark is free text that may name the client, so retention must be able to erase
-- it. case_reviews stays append-only except for exactly one change: setting the remark to ''
-- once the case's personal data are erased (cases.erased_at set, in the same transaction).

CREATE FUNCTION case_reviews_are_final_but_erasable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.remark = ''
       AND (to_jsonb(NEW) - 'remark') = (to_jsonb(OLD) - 'remark')
       AND EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id AND erased_at IS NOT NULL) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case_reviews is append-only: % refused (record a new review instead)', TG_OP;
END;
$$;
DROP TRIGGER case_reviews_no_update ON case_reviews;
CREATE TRIGGER case_reviews_no_update BEFORE UPDATE OR DELETE ON case_reviews
    FOR EACH ROW EXECUTE FUNCTION case_reviews_are_final_but_erasable();

-- "An issue found needs a remark" held for every row; an erased remark is empty, so the rule
-- now holds when a review is recorded.
ALTER TABLE case_reviews DROP CONSTRAINT case_reviews_check;
CREATE FUNCTION case_reviews_issues_need_a_remark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.verdict <> 'in-order' AND length(btrim(NEW.remark)) = 0 THEN
        RAISE EXCEPTION 'a review that found issues needs a remark'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER case_reviews_remark_on_insert BEFORE INSERT ON case_reviews
    FOR EACH ROW EXECUTE FUNCTION case_reviews_issues_need_a_remark();
