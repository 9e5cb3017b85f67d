//! The supervisor's review: the queue of finished cases, a case's timeline, audit events and
//! reviews, and the spot-check samples.
//!
//! Every function takes the caller's scope (the centres the user belongs to or supervises) or an
//! id already checked against it; nothing here reads a case outside the scope. Lists are bounded.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::PgExecutor;
use sqlx::postgres::PgRow;

use crate::domain::ids::{CaseId, CentreId, StaffId};
use crate::domain::review::Verdict;
use crate::domain::workflow::{CaseStatus, StopReason};

use super::Statement;
use super::cases::StepRow;

/// The unique constraint that keeps a case's reviews one linear chain.
pub const SUPERSEDES_KEY: &str = "case_reviews_supersedes_key";

/// The unique constraint that makes a centre's sample for a month the only one.
pub const SAMPLE_KEY: &str = "review_samples_centre_month_key";

/// At most this many audit events of a case are shown, the latest.
pub const EVENTS_SHOWN: i64 = 500;

/// What the queue is narrowed to. `centres` is already the scope intersected with the centre
/// and employee filters.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub centres: Vec<CentreId>,
    pub employee: Option<StaffId>,
    pub eservice: Option<i64>,
    /// Finished at or after.
    pub from: Option<DateTime<Utc>>,
    /// Finished before.
    pub until: Option<DateTime<Utc>>,
    /// Closed or stopped.
    pub status: Option<CaseStatus>,
    pub stop_reason: Option<StopReason>,
    pub reviewed: Option<bool>,
}

/// One finished case in the queue: no client data.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: CaseId,
    pub centre_code: String,
    pub eservice_code: String,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub employee_username: String,
    pub employee_name: String,
    pub opened_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub status: CaseStatus,
    pub stop_reason: Option<StopReason>,
    /// The latest review's verdict, if any.
    pub verdict: Option<Verdict>,
}

impl QueueFilter {
    /// Nothing but the centres: the queue as it opens.
    pub fn narrows_nothing(&self) -> bool {
        let Self {
            centres: _,
            employee,
            eservice,
            from,
            until,
            status,
            stop_reason,
            reviewed,
        } = self;
        employee.is_none()
            && eservice.is_none()
            && from.is_none()
            && until.is_none()
            && status.is_none()
            && stop_reason.is_none()
            && reviewed.is_none()
    }
}

/// The queue's statement: the finished cases of each centre `$scope` gives, read along an index
/// in queue order under `$conditions`, at most `$limit` per centre, merged and cut to `$limit`.
macro_rules! select_queue {
    ($scope:literal, $conditions:literal, $limit:literal, $($argument:tt)*) => {
        sqlx::query_as!(
            QueueRow,
            r#"SELECT c.id AS "id!", ce.code AS "centre_code!", e.code AS "eservice_code!",
                      e.name_lv AS "eservice_name_lv!", e.name_en AS "eservice_name_en!",
                      s.username AS "employee_username!", s.full_name AS "employee_name!",
                      c.opened_at AS "opened_at!: DateTime<Utc>",
                      c.finished_at AS "finished_at!: DateTime<Utc>",
                      c.status AS "status!: CaseStatus", c.stop_reason AS "stop_reason: StopReason",
                      (SELECT r.verdict FROM case_reviews r WHERE r.case_id = c.id
                       ORDER BY r.id DESC LIMIT 1) AS "verdict: Verdict"
               FROM "# + $scope + r#" AS scope (centre_id)
               CROSS JOIN LATERAL (
                   SELECT c.id, c.centre_id, c.eservice_id, c.opened_by, c.opened_at,
                          c.status, c.stop_reason,
                          coalesce(c.closed_at, c.stopped_at) AS finished_at
                   FROM cases c
                   WHERE c.centre_id = scope.centre_id AND c.status <> 'open'
                     "# + $conditions + r#"
                   ORDER BY coalesce(c.closed_at, c.stopped_at) DESC, c.id DESC
                   LIMIT "# + $limit + r#"
               ) c
               JOIN centres ce ON ce.id = c.centre_id
               JOIN eservices e ON e.id = c.eservice_id
               JOIN staff s ON s.id = c.opened_by
               ORDER BY c.finished_at DESC, c.id DESC
               LIMIT "# + $limit,
            $($argument)*
        )
    };
}

/// The queue as it opens: a page of the `centres`' finished cases, newest first, after `after`
/// if given, one more than [`PAGE_SIZE`](crate::domain::review::PAGE_SIZE) (that row says there
/// are more). The same rows as [`queue`] with no filter; a statement of its own because it is
/// planned once and kept, where the filtered queue is planned for each request's filters (they
/// choose its index). Its limit is in the SQL for that reason (see `store::cases`). [`queue`]
/// sends it when asked for such a page.
async fn unfiltered_page(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
    after: Option<(DateTime<Utc>, CaseId)>,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    unfiltered_page_statement(centres, after)
        .fetch_all(db)
        .await
}

/// The statement [`unfiltered_page`] runs, with its arguments bound.
pub fn unfiltered_page_statement(
    centres: &[CentreId],
    after: Option<(DateTime<Utc>, CaseId)>,
) -> Statement<impl FnMut(PgRow) -> Result<QueueRow, sqlx::Error> + Send + use<>> {
    let (after_at, after_id) = after.unzip();
    select_queue!(
        "centres_of_scope($1)",
        "AND (coalesce(c.closed_at, c.stopped_at), c.id)
             < (coalesce($2::timestamptz, 'infinity'), coalesce($3::bigint, 9223372036854775807))",
        "21",
        centres as _,
        after_at as _,
        after_id as _,
    )
}

/// Finished cases newest first (by the time they finished, then id), after `after` if given,
/// at most `limit`. Each centre's cases are read along an index in queue order, at most `limit`
/// from each (the LATERAL), and merged: the work is bounded by centres × limit, not by the
/// table (see docs/performance.md). A page of the queue as it opens (no filter, a page and the
/// row that says there are more) is read by [`unfiltered_page`], planned once.
pub async fn queue(
    db: impl PgExecutor<'_>,
    filter: &QueueFilter,
    after: Option<(DateTime<Utc>, CaseId)>,
    limit: i64,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    if limit == crate::domain::review::PAGE_SIZE + 1 && filter.narrows_nothing() {
        return unfiltered_page(db, &filter.centres, after).await;
    }
    queue_statement(filter, after, limit).fetch_all(db).await
}

/// The statement [`queue`] runs, with its arguments bound (the plan tests EXPLAIN exactly it).
/// "Reviewed" is the case's `reviewed_at` (kept by a trigger on case_reviews), so either answer
/// is read along its own partial index (`cases_finished_reviewed_idx`,
/// `cases_finished_unreviewed_idx`) instead of probing case_reviews row by row.
pub fn queue_statement(
    filter: &QueueFilter,
    after: Option<(DateTime<Utc>, CaseId)>,
    limit: i64,
) -> Statement<impl FnMut(PgRow) -> Result<QueueRow, sqlx::Error> + Send + use<>> {
    let (after_at, after_id) = after.unzip();
    // `unnest`, not `centres_of_scope`: this statement is to be planned for each request's
    // values, which choose the filters' indexes (see `unfiltered_page`).
    select_queue!(
        "unnest($1::bigint[])",
        "AND ($2::timestamptz IS NULL
                  OR (coalesce(c.closed_at, c.stopped_at), c.id) < ($2, $3::bigint))
             AND ($4::bigint IS NULL OR c.opened_by = $4)
             AND ($5::bigint IS NULL OR c.eservice_id = $5)
             AND ($6::timestamptz IS NULL OR coalesce(c.closed_at, c.stopped_at) >= $6)
             AND ($7::timestamptz IS NULL OR coalesce(c.closed_at, c.stopped_at) < $7)
             AND ($8::text IS NULL OR c.status = $8::text::case_status)
             AND ($9::text IS NULL OR c.stop_reason = $9)
             AND ($10::boolean IS NULL
                  OR ($10 AND c.reviewed_at IS NOT NULL)
                  OR (NOT $10 AND c.reviewed_at IS NULL))",
        "$11",
        &filter.centres as _,
        after_at as _,
        after_id as _,
        filter.employee as _,
        filter.eservice,
        filter.from as _,
        filter.until as _,
        filter.status.map(|status| status.code()),
        filter.stop_reason.map(|reason| reason.code()),
        filter.reviewed,
        limit,
    )
}

/// A finished case as the review page heads it (the client's names are personal data: the page
/// that shows them writes an access event).
#[derive(Debug, Clone)]
pub struct ReviewCase {
    pub id: CaseId,
    pub centre_id: CentreId,
    pub centre_code: String,
    pub centre_name: String,
    pub eservice_code: String,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub employee_name: String,
    pub status: CaseStatus,
    pub stop_reason: Option<StopReason>,
    pub stop_remark: Option<String>,
    pub client_given_names: Option<String>,
    pub client_surnames: Option<String>,
    pub portal_reference: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub finished_at: DateTime<Utc>,
    pub erased_at: Option<DateTime<Utc>>,
}

/// The finished case `id` if it belongs to one of `centres`; `None` otherwise, whether it does
/// not exist, is another centre's or is still open.
pub async fn finished_case(
    db: impl PgExecutor<'_>,
    id: CaseId,
    centres: &[CentreId],
) -> Result<Option<ReviewCase>, sqlx::Error> {
    sqlx::query_as!(
        ReviewCase,
        r#"SELECT c.id, c.centre_id, ce.code AS centre_code, ce.name AS centre_name,
                  e.code AS eservice_code, e.name_lv AS eservice_name_lv,
                  e.name_en AS eservice_name_en, s.full_name AS employee_name,
                  c.status AS "status: CaseStatus", c.stop_reason AS "stop_reason: StopReason",
                  c.stop_remark,
                  c.client_given_names, c.client_surnames, c.portal_reference,
                  c.opened_at AS "opened_at: DateTime<Utc>",
                  c.submitted_at AS "submitted_at: DateTime<Utc>",
                  coalesce(c.closed_at, c.stopped_at) AS "finished_at!: DateTime<Utc>",
                  c.erased_at AS "erased_at: DateTime<Utc>"
           FROM cases c
           JOIN centres ce ON ce.id = c.centre_id
           JOIN eservices e ON e.id = c.eservice_id
           JOIN staff s ON s.id = c.opened_by
           WHERE c.id = $1 AND c.centre_id = ANY($2) AND c.status <> 'open'"#,
        id as _,
        centres as _,
    )
    .fetch_optional(db)
    .await
}

/// The case's steps in the regulation's order (a case has at most seven).
pub async fn steps(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<Vec<StepRow>, sqlx::Error> {
    let mut steps = super::cases::steps(connection, case_id).await?;
    steps.sort_by_key(|row| row.step);
    Ok(steps)
}

/// An audit event of a case, as the review page lists it.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub sequence: i64,
    pub action: String,
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The events of chain `chain` (a case's) in order, the latest [`EVENTS_SHOWN`] of them.
pub async fn events(db: impl PgExecutor<'_>, chain: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    let mut events = sqlx::query_as!(
        EventRow,
        r#"SELECT a.sequence, a.action, s.full_name AS "actor?",
                  a.occurred_at AS "occurred_at: DateTime<Utc>"
           FROM audit_events a
           LEFT JOIN staff s ON s.id = a.actor_id
           WHERE a.chain = $1
           ORDER BY a.sequence DESC
           LIMIT $2"#,
        chain,
        EVENTS_SHOWN,
    )
    .fetch_all(db)
    .await?;
    events.reverse();
    Ok(events)
}

/// Who viewed a case's personal data, how often, first and last (from the centres' access
/// chains).
#[derive(Debug, Clone)]
pub struct ViewsRow {
    pub viewer: Option<String>,
    pub views: i64,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// The views of case `case_id`, one row per viewer, the latest viewer first.
pub async fn views(db: impl PgExecutor<'_>, case_id: CaseId) -> Result<Vec<ViewsRow>, sqlx::Error> {
    sqlx::query_as!(
        ViewsRow,
        r#"SELECT s.full_name AS "viewer?", count(*) AS "views!",
                  min(a.occurred_at) AS "first!: DateTime<Utc>",
                  max(a.occurred_at) AS "last!: DateTime<Utc>"
           FROM audit_events a
           LEFT JOIN staff s ON s.id = a.actor_id
           WHERE a.case_id = $1 AND a.action = 'personal-data-viewed'
           GROUP BY a.actor_id, s.full_name
           ORDER BY max(a.occurred_at) DESC"#,
        case_id as _,
    )
    .fetch_all(db)
    .await
}

/// A recorded review.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub id: i64,
    pub supersedes: Option<i64>,
    pub reviewer: String,
    pub verdict: Verdict,
    pub remark: String,
    pub reviewed_at: DateTime<Utc>,
}

/// The case's reviews, newest first: the first one is in force, the rest are superseded.
pub async fn reviews(
    executor: impl sqlx::PgExecutor<'_>,
    case_id: CaseId,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    sqlx::query_as!(
        ReviewRow,
        r#"SELECT r.id, r.supersedes, s.full_name AS reviewer, r.verdict AS "verdict: Verdict",
                  r.remark,
                  r.reviewed_at AS "reviewed_at: DateTime<Utc>"
           FROM case_reviews r
           JOIN staff s ON s.id = r.reviewer_id
           WHERE r.case_id = $1
           ORDER BY r.id DESC"#,
        case_id as _,
    )
    .fetch_all(executor)
    .await
}

/// Whether staff member `staff_id` worked on case `case_id`: opened it or recorded one of its
/// duties. Such a person does not review it (domain::review: the four-eyes rule).
pub async fn worked_on(
    executor: impl sqlx::PgExecutor<'_>,
    case_id: CaseId,
    staff_id: StaffId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM cases WHERE id = $1 AND opened_by = $2)
               OR EXISTS (SELECT 1 FROM case_steps WHERE case_id = $1 AND recorded_by = $2)
               AS "worked!""#,
        case_id as _,
        staff_id as _,
    )
    .fetch_one(executor)
    .await
}

/// A new review superseding `supersedes` (the one in force when the form was shown, `None` for
/// the first). A second review superseding the same one violates [`SUPERSEDES_KEY`].
pub async fn insert_review(
    connection: &mut PgConnection,
    case_id: CaseId,
    supersedes: Option<i64>,
    reviewer_id: StaffId,
    verdict: Verdict,
    remark: &str,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO case_reviews (case_id, supersedes, reviewer_id, verdict, remark, reviewed_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        case_id as _,
        supersedes,
        reviewer_id as _,
        verdict.code(),
        remark,
        at as _,
    )
    .fetch_one(connection)
    .await
}

// ---------------------------------------------------------------------------------------------
// What the filters offer

/// A centre in the user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CentreOption {
    pub id: CentreId,
    pub code: String,
    pub name: String,
}

pub async fn centres(
    db: impl PgExecutor<'_>,
    ids: &[CentreId],
) -> Result<Vec<CentreOption>, sqlx::Error> {
    sqlx::query_as!(
        CentreOption,
        "SELECT id, code, name FROM centres WHERE id = ANY($1) ORDER BY code",
        ids as _,
    )
    .fetch_all(db)
    .await
}

/// A staff member of a centre in scope.
#[derive(Debug, Clone)]
pub struct EmployeeOption {
    pub id: StaffId,
    pub centre_id: CentreId,
    pub centre_code: String,
    pub full_name: String,
}

/// The staff who open cases (employees) of `centres`, by centre and name.
pub async fn employees(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
) -> Result<Vec<EmployeeOption>, sqlx::Error> {
    sqlx::query_as!(
        EmployeeOption,
        "SELECT s.id, s.centre_id, c.code AS centre_code, s.full_name
         FROM staff s JOIN centres c ON c.id = s.centre_id
         WHERE s.centre_id = ANY($1) AND 'employee' = ANY(s.roles)
         ORDER BY c.code, s.full_name, s.id",
        centres as _,
    )
    .fetch_all(db)
    .await
}

/// An e-service of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EserviceOption {
    pub id: i64,
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
}

/// The whole catalogue (tens of entries), by code.
pub async fn eservices(db: impl PgExecutor<'_>) -> Result<Vec<EserviceOption>, sqlx::Error> {
    sqlx::query_as!(
        EserviceOption,
        "SELECT id, code, name_lv, name_en FROM eservices ORDER BY code"
    )
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------------------------------------
// Spot-check samples

/// A drawn sample.
#[derive(Debug, Clone)]
pub struct Sample {
    pub id: i64,
    pub centre_id: CentreId,
    pub centre_code: String,
    pub month: NaiveDate,
    pub percent: i16,
    pub seed: i64,
    pub population: i32,
    pub drawn_by: String,
    pub drawn_at: DateTime<Utc>,
}

/// `sqlx::query_as!` for [`Sample`]s, then the caller's conditions.
macro_rules! select_sample {
    ($rest:tt, $($argument:tt)*) => {
        sqlx::query_as!(
            Sample,
            r#"SELECT rs.id, rs.centre_id, c.code AS centre_code, rs.month AS "month: NaiveDate",
                      rs.percent, rs.seed, rs.population, s.full_name AS drawn_by,
                      rs.drawn_at AS "drawn_at: DateTime<Utc>"
               FROM review_samples rs
               JOIN centres c ON c.id = rs.centre_id
               JOIN staff s ON s.id = rs.drawn_by
               "# + $rest,
            $($argument)*
        )
    };
}

/// The sample `id` if its centre is in `centres`.
pub async fn sample(
    db: impl PgExecutor<'_>,
    id: i64,
    centres: &[CentreId],
) -> Result<Option<Sample>, sqlx::Error> {
    select_sample!(
        "WHERE rs.id = $1 AND rs.centre_id = ANY($2)",
        id,
        centres as _,
    )
    .fetch_optional(db)
    .await
}

/// The id of the sample already drawn for `centre_id` and `month`, if any.
pub async fn sample_for(
    connection: &mut PgConnection,
    centre_id: CentreId,
    month: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM review_samples WHERE centre_id = $1 AND month = $2",
        centre_id as _,
        month as _,
    )
    .fetch_optional(connection)
    .await
}

/// The latest samples of `centres`, newest month first, at most `limit`.
pub async fn recent_samples(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
    limit: i64,
) -> Result<Vec<Sample>, sqlx::Error> {
    select_sample!(
        "WHERE rs.centre_id = ANY($1) ORDER BY rs.month DESC, c.code LIMIT $2",
        centres as _,
        limit,
    )
    .fetch_all(db)
    .await
}

/// The ids of `centre_id`'s cases closed in `[from, until)`, by id: the population a sample is
/// drawn from (a centre closes hundreds a month; the index on closed_at bounds the read).
pub async fn closed_case_ids(
    connection: &mut PgConnection,
    centre_id: CentreId,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<CaseId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: CaseId" FROM cases
         WHERE centre_id = $1 AND closed_at IS NOT NULL AND closed_at >= $2 AND closed_at < $3
           AND status = 'closed'
         ORDER BY id"#,
        centre_id as _,
        from as _,
        until as _,
    )
    .fetch_all(connection)
    .await
}

/// What is stored of a new sample.
#[derive(Debug, Clone)]
pub struct NewSample<'a> {
    pub centre_id: CentreId,
    pub month: NaiveDate,
    pub percent: i16,
    pub seed: i64,
    pub population: i32,
    pub drawn_by: StaffId,
    pub drawn_at: DateTime<Utc>,
    pub case_ids: &'a [CaseId],
}

/// Stores a sample and its cases in draw order. A second sample for the same centre and month
/// violates [`SAMPLE_KEY`].
pub async fn insert_sample(
    connection: &mut PgConnection,
    sample: &NewSample<'_>,
) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "INSERT INTO review_samples (centre_id, month, percent, seed, population, drawn_by, drawn_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        sample.centre_id as _,
        sample.month as _,
        sample.percent,
        sample.seed,
        sample.population,
        sample.drawn_by as _,
        sample.drawn_at as _,
    )
    .fetch_one(&mut *connection)
    .await?;
    sqlx::query!(
        "INSERT INTO review_sample_cases (sample_id, case_id, position)
         SELECT $1, case_id, position::integer
         FROM unnest($2::bigint[]) WITH ORDINALITY AS drawn (case_id, position)",
        id,
        sample.case_ids as _,
    )
    .execute(&mut *connection)
    .await?;
    Ok(id)
}

/// A case of a sample, with where its review stands.
#[derive(Debug, Clone)]
pub struct SampleCase {
    pub position: i32,
    pub case_id: CaseId,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub verdict: Option<Verdict>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

pub async fn sample_cases(
    db: impl PgExecutor<'_>,
    sample_id: i64,
) -> Result<Vec<SampleCase>, sqlx::Error> {
    sqlx::query_as!(
        SampleCase,
        r#"SELECT sc.position, sc.case_id, e.name_lv AS eservice_name_lv,
                  e.name_en AS eservice_name_en,
                  c.closed_at AS "closed_at: DateTime<Utc>",
                  r.verdict AS "verdict?: Verdict", r.reviewed_at AS "reviewed_at?: DateTime<Utc>"
           FROM review_sample_cases sc
           JOIN cases c ON c.id = sc.case_id
           JOIN eservices e ON e.id = c.eservice_id
           LEFT JOIN LATERAL (
               SELECT verdict, reviewed_at FROM case_reviews
               WHERE case_id = sc.case_id ORDER BY id DESC LIMIT 1
           ) r ON true
           WHERE sc.sample_id = $1
           ORDER BY sc.position"#,
        sample_id,
    )
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use sqlx::Execute;

    use super::*;
    use crate::domain::review::PAGE_SIZE;

    #[test]
    fn the_unfiltered_page_reads_one_row_past_a_page() {
        let statement = unfiltered_page_statement(&[CentreId(1)], None);
        assert_eq!(
            statement
                .sql()
                .matches(&format!("LIMIT {}", PAGE_SIZE + 1))
                .count(),
            2
        );
    }
}
