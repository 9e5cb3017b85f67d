-- The centres of a user's scope, one row each: the outer side of the lists that read each
-- centre's cases along an index and merge them (/cases, the review queue as it opens).
--
-- `unnest($1)` gives the same rows, but PostgreSQL estimates it differently depending on how it
-- plans: from the array it is given when it plans for the request's values (one to three
-- centres), as ten rows when it plans once for any values. The plan made once then looks several
-- times dearer, so PostgreSQL plans the statement anew on every request, which took longer
-- than running it (0.15–0.4 ms against 0.03–0.35 ms on 20,000 cases; docs/performance.md).
-- PostgreSQL cannot see into this function (STRICT keeps it from being inlined), so both ways
-- estimate ROWS 3 and the plan made once is kept.
CREATE FUNCTION centres_of_scope(centres bigint[]) RETURNS SETOF bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 3
    AS $$ SELECT unnest(centres) $$;
