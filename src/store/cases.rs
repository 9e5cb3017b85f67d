//! Cases, their steps, and the catalogue data a case reads (e-services, qualified eID means,
//! data-use notice versions).
//!
//! Every query that reads a case takes the caller's centres and reads only cases of those
//! centres: a case of another centre does not exist here. Nothing here decides whether a step
//! may be recorded; `domain::workflow` does, before `record_step` is called.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::PgExecutor;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use uuid::Uuid;

use crate::domain::ids::{CaseId, CentreId, StaffId};
use crate::domain::staff::CentreContact;
use crate::domain::steps::{Confirmation, ContactChannel};
use crate::domain::workflow::{
    Capabilities, CaseState, CaseStatus, NotApplicableReason, Step, StepOutcome, StopReason,
    WorkflowError,
};

use super::Statement;

/// Searches show at most this many rows: every page's queries stay bounded.
pub const LIST_LIMIT: i64 = 100;

/// The /cases lists show this many cases a page.
pub const PAGE_SIZE: i64 = 25;

/// "Recently finished" on /cases shows this many cases.
pub const RECENTLY_FINISHED: i64 = 20;

// The lists that read each centre's part along an index (`centres_of_scope`, migration 0056)
// write their limits into the SQL: PostgreSQL estimates a limit given as a parameter as a tenth
// of the table when it plans once for any values, and would plan those statements anew on every
// request. `the_per_centre_lists_limit_to_their_constants` keeps the numbers and the constants
// together.

// ---------------------------------------------------------------------------------------------
// Catalogue data

#[derive(Debug, Clone)]
pub struct Eservice {
    pub id: i64,
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
    pub institution: String,
    pub gives_planned_time: bool,
    pub gives_result: bool,
}

/// The e-services a case may be opened for: active and permitting authorised submission.
pub async fn openable_eservices(db: impl PgExecutor<'_>) -> Result<Vec<Eservice>, sqlx::Error> {
    sqlx::query_as!(
        Eservice,
        "SELECT id, code, name_lv, name_en, institution, gives_planned_time, gives_result
         FROM eservices WHERE active AND authorised_submission ORDER BY name_lv, id"
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone)]
pub struct EidMeans {
    pub code: String,
    pub name_lv: String,
    pub name_en: String,
}

/// The qualified eID means in force, from the administrator's list.
pub async fn active_eid_means(db: impl PgExecutor<'_>) -> Result<Vec<EidMeans>, sqlx::Error> {
    sqlx::query_as!(
        EidMeans,
        "SELECT code, name_lv, name_en FROM eid_means WHERE active ORDER BY name_lv, code"
    )
    .fetch_all(db)
    .await
}

/// The active qualified means the provider calls by one of `provider_values` (its `amr`), if
/// any: the code of the first in the order the provider gave them.
pub async fn qualified_means_named(
    db: impl PgExecutor<'_>,
    provider_values: &[String],
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT m.code AS "code!"
             FROM unnest($1::text[]) WITH ORDINALITY AS v(amr, n)
             JOIN eid_means m ON m.amr = v.amr AND m.active
            ORDER BY v.n LIMIT 1"#,
        provider_values,
    )
    .fetch_optional(db)
    .await
}

/// The data-use notice in force on a day: text in both languages, by GDPR Art. 13 item.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: i64,
    pub version: i32,
    pub effective_from: NaiveDate,
    pub first_shown_at: Option<DateTime<Utc>>,
    pub controller_lv: String,
    pub controller_en: String,
    pub purposes_lv: String,
    pub purposes_en: String,
    pub recipients_lv: String,
    pub recipients_en: String,
    pub retention_lv: String,
    pub retention_en: String,
    pub rights_lv: String,
    pub rights_en: String,
    pub complaint_lv: String,
    pub complaint_en: String,
}

/// `sqlx::query_as!` for a [`Notice`], then the caller's conditions.
macro_rules! select_notice {
    ($rest:tt, $($argument:tt)*) => {
        sqlx::query_as!(
            $crate::store::cases::Notice,
            r#"SELECT id, version, effective_from AS "effective_from: NaiveDate",
                      first_shown_at AS "first_shown_at: DateTime<Utc>",
                      controller_lv, controller_en, purposes_lv, purposes_en,
                      recipients_lv, recipients_en, retention_lv, retention_en,
                      rights_lv, rights_en, complaint_lv, complaint_en
               FROM data_notices "# + $rest,
            $($argument)*
        )
    };
}
pub(super) use select_notice;

/// The latest version effective on `today`.
pub async fn current_notice(
    connection: &mut PgConnection,
    today: NaiveDate,
) -> Result<Option<Notice>, sqlx::Error> {
    select_notice!(
        "WHERE effective_from <= $1 ORDER BY effective_from DESC, version DESC LIMIT 1",
        today as _
    )
    .fetch_optional(connection)
    .await
}

/// From its first showing on, a notice version is never edited (the table's trigger enforces it).
/// Whether this was the first showing.
pub async fn mark_notice_shown(
    connection: &mut PgConnection,
    notice_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query!(
        "UPDATE data_notices SET first_shown_at = $2 WHERE id = $1 AND first_shown_at IS NULL",
        notice_id,
        at as _,
    )
    .execute(connection)
    .await?;
    Ok(marked.rows_affected() == 1)
}

// ---------------------------------------------------------------------------------------------
// Opening

#[derive(Debug)]
pub struct NewCase<'a> {
    pub centre_id: CentreId,
    pub eservice_id: i64,
    pub opened_by: StaffId,
    pub missing_eid_means: &'a [String],
    pub opened_at: DateTime<Utc>,
    /// The one-time token of the form that opens it.
    pub open_token: Uuid,
    /// Provisional, from the opening date: replaced at 22.¹3 by copy 1's date, so that a case
    /// abandoned before it still has its personal data erased in time.
    pub retention_until: NaiveDate,
}

/// The centre's retention period in years (its document classification scheme).
pub async fn retention_years(
    connection: &mut PgConnection,
    centre_id: CentreId,
) -> Result<i16, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT retention_years FROM centres WHERE id = $1",
        centre_id as _
    )
    .fetch_one(connection)
    .await
}

/// Opens a case for an e-service that is active and permits authorised submission, copying its
/// capabilities; `None` when there is no such e-service.
pub async fn open(
    connection: &mut PgConnection,
    case: &NewCase<'_>,
) -> Result<Option<CaseId>, sqlx::Error> {
    // A token already used opens nothing; the caller then finds the case it opened.
    sqlx::query_scalar!(
        "INSERT INTO cases (centre_id, eservice_id, opened_by, status, next_step,
                            gives_planned_time, gives_result, missing_eid_means, opened_at,
                            open_token, retention_until)
         SELECT $1, id, $3, 'open', 'identity', gives_planned_time, gives_result, $4, $5, $6, $7
         FROM eservices WHERE id = $2 AND active AND authorised_submission
         ON CONFLICT (open_token) DO NOTHING
         RETURNING id AS \"id: CaseId\"",
        case.centre_id as _,
        case.eservice_id,
        case.opened_by as _,
        case.missing_eid_means,
        case.opened_at as _,
        case.open_token,
        case.retention_until as _,
    )
    .fetch_optional(connection)
    .await
}

/// The case `staff_id` opened with form token `token`, if any.
pub async fn opened_with(
    connection: &mut PgConnection,
    token: Uuid,
    staff_id: StaffId,
    centres: &[CentreId],
) -> Result<Option<CaseId>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id AS \"id: CaseId\" FROM cases WHERE open_token = $1 AND opened_by = $2 AND centre_id = ANY($3)",
        token,
        staff_id as _,
        centres as _,
    )
    .fetch_optional(connection)
    .await
}

// ---------------------------------------------------------------------------------------------
// One case

/// A case as its pages show it.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: CaseId,
    pub centre_id: CentreId,
    pub status: CaseStatus,
    pub next_step: Option<Step>,
    pub version: i32,
    pub gives_planned_time: bool,
    pub gives_result: bool,
    pub missing_eid_means: Vec<String>,
    /// The missing means' names, in the order of `missing_eid_means` (a code the list no
    /// longer holds stands for itself).
    pub missing_eid_means_lv: Vec<String>,
    pub missing_eid_means_en: Vec<String>,
    pub client_given_names: Option<String>,
    pub client_surnames: Option<String>,
    pub client_personal_code: Option<String>,
    pub client_wants_result: Option<bool>,
    pub notify_channel: Option<ContactChannel>,
    pub notify_contact: Option<String>,
    pub portal_reference: Option<String>,
    pub stop_reason: Option<StopReason>,
    pub stop_remark: Option<String>,
    pub retention_until: Option<NaiveDate>,
    pub opened_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub opened_by_name: String,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub institution: String,
    pub data_categories: Vec<String>,
    pub retention_years: i16,
    /// The controller of the case's personal data, and how the centre is reached.
    pub municipality: String,
    pub centre_contact: Json<CentreContact>,
}

impl Case {
    pub fn capabilities(&self) -> Capabilities {
        Capabilities {
            gives_planned_time: self.gives_planned_time,
            gives_result: self.gives_result,
        }
    }

    /// The workflow state from the stored columns.
    pub fn state(&self) -> Result<CaseState, WorkflowError> {
        CaseState::restore(self.status, self.next_step, self.client_wants_result)
    }
}

/// `sqlx::query_as!` for a [`Case`]: the one list of columns a case is read with, then the
/// caller's conditions (sqlx joins the two literals).
macro_rules! select_case {
    ($conditions:tt, $($argument:tt)*) => {
        sqlx::query_as!(
            Case,
            r#"SELECT c.id, c.centre_id, c.status AS "status: CaseStatus", c.next_step AS "next_step: Step",
                      c.version, c.gives_planned_time, c.gives_result, c.missing_eid_means,
                      ARRAY(SELECT coalesce(m.name_lv, u.code)
                            FROM unnest(c.missing_eid_means) WITH ORDINALITY AS u(code, n)
                            LEFT JOIN eid_means m ON m.code = u.code ORDER BY u.n)
                          AS "missing_eid_means_lv!",
                      ARRAY(SELECT coalesce(m.name_en, u.code)
                            FROM unnest(c.missing_eid_means) WITH ORDINALITY AS u(code, n)
                            LEFT JOIN eid_means m ON m.code = u.code ORDER BY u.n)
                          AS "missing_eid_means_en!",
                      c.client_given_names, c.client_surnames, c.client_personal_code,
                      c.client_wants_result, c.notify_channel AS "notify_channel: ContactChannel", c.notify_contact,
                      c.portal_reference, c.stop_reason AS "stop_reason: StopReason", c.stop_remark,
                      c.retention_until AS "retention_until: NaiveDate",
                      c.opened_at AS "opened_at: DateTime<Utc>",
                      c.submitted_at AS "submitted_at: DateTime<Utc>",
                      c.closed_at AS "closed_at: DateTime<Utc>",
                      c.stopped_at AS "stopped_at: DateTime<Utc>",
                      s.full_name AS opened_by_name,
                      e.name_lv AS eservice_name_lv, e.name_en AS eservice_name_en, e.institution,
                      e.data_categories, ce.retention_years, ce.municipality,
                      ce.contact AS "centre_contact: Json<CentreContact>"
               FROM cases c
               JOIN staff s ON s.id = c.opened_by
               JOIN eservices e ON e.id = c.eservice_id
               JOIN centres ce ON ce.id = c.centre_id
               "# + $conditions,
            $($argument)*
        )
    };
}

/// Case `id` if it belongs to one of `centres`.
pub async fn find(
    connection: &mut PgConnection,
    id: CaseId,
    centres: &[CentreId],
) -> Result<Option<Case>, sqlx::Error> {
    select_case!(
        "WHERE c.id = $1 AND c.centre_id = ANY($2)",
        id as _,
        centres as _,
    )
    .fetch_optional(connection)
    .await
}

/// Case `id`, read with its row locked until the transaction ends: two people recording on
/// one case at once are served one after the other.
pub async fn lock(
    connection: &mut PgConnection,
    id: CaseId,
    centres: &[CentreId],
) -> Result<Option<Case>, sqlx::Error> {
    select_case!(
        "WHERE c.id = $1 AND c.centre_id = ANY($2) FOR UPDATE OF c",
        id as _,
        centres as _,
    )
    .fetch_optional(connection)
    .await
}

/// One row of `case_steps`: a duty recorded by an employee, or marked not applicable by the
/// product with the reason.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub case_id: CaseId,
    pub step: Step,
    pub outcome: StepOutcome,
    pub reason: Option<NotApplicableReason>,
    pub data: serde_json::Value,
    pub recorded_by_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// The steps of case `case_id`, in the order they were recorded.
pub async fn steps(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<Vec<StepRow>, sqlx::Error> {
    steps_of(connection, &[case_id]).await
}

/// The steps of `cases`, case by case, each in the order they were recorded.
pub async fn steps_of(
    connection: &mut PgConnection,
    cases: &[CaseId],
) -> Result<Vec<StepRow>, sqlx::Error> {
    sqlx::query_as!(
        StepRow,
        r#"SELECT cs.case_id AS "case_id: CaseId", cs.step AS "step: Step",
                  cs.outcome AS "outcome: StepOutcome", cs.reason AS "reason: NotApplicableReason",
                  cs.data, s.full_name AS "recorded_by_name?",
                  cs.recorded_at AS "recorded_at: DateTime<Utc>"
           FROM case_steps cs LEFT JOIN staff s ON s.id = cs.recorded_by
           WHERE cs.case_id = ANY($1) ORDER BY cs.case_id, cs.id"#,
        cases as _
    )
    .fetch_all(connection)
    .await
}

// ---------------------------------------------------------------------------------------------
// Writing (inside the caller's transaction, after `lock`)

pub async fn insert_step(
    connection: &mut PgConnection,
    case_id: CaseId,
    step: Step,
    not_applicable_reason: Option<NotApplicableReason>,
    data: &serde_json::Value,
    recorded_by: Option<StaffId>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let outcome = match not_applicable_reason {
        Some(_) => StepOutcome::NotApplicable,
        None => StepOutcome::Recorded,
    };
    sqlx::query!(
        "INSERT INTO case_steps (case_id, step, outcome, reason, data, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        case_id as _,
        step.slug(),
        outcome.code(),
        not_applicable_reason.map(|reason| reason.code()),
        data,
        recorded_by as _,
        at as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

/// The case columns a step fills in; `None` leaves a column as it is.
#[derive(Debug, Default)]
pub struct CaseFields<'a> {
    pub client_given_names: Option<&'a str>,
    pub client_surnames: Option<&'a str>,
    /// `domain::search_key` of the given names and surnames.
    pub client_name_key: Option<&'a str>,
    pub client_personal_code: Option<&'a str>,
    pub personal_code_hmac: Option<&'a [u8]>,
    pub client_wants_result: Option<bool>,
    pub notify_channel: Option<&'a str>,
    pub notify_contact: Option<&'a str>,
    pub retention_until: Option<NaiveDate>,
    pub portal_reference: Option<&'a str>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// How 22.¹2 was confirmed, set when it is recorded (the figures count it).
    pub employee_eid_confirmation: Option<Confirmation>,
}

/// Moves the case to `state`, raising its version; sets `closed_at` when it closes.
pub async fn advance(
    connection: &mut PgConnection,
    case_id: CaseId,
    state: CaseState,
    fields: &CaseFields<'_>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let status = state.status();
    sqlx::query!(
        "UPDATE cases SET
             status = $2, next_step = $3, version = version + 1,
             client_given_names = COALESCE($4, client_given_names),
             client_surnames = COALESCE($5, client_surnames),
             client_personal_code = COALESCE($6, client_personal_code),
             personal_code_hmac = COALESCE($7, personal_code_hmac),
             client_wants_result = COALESCE($8, client_wants_result),
             notify_channel = COALESCE($9, notify_channel),
             notify_contact = COALESCE($10, notify_contact),
             retention_until = COALESCE($11, retention_until),
             portal_reference = COALESCE($12, portal_reference),
             submitted_at = COALESCE($13, submitted_at),
             closed_at = CASE WHEN $2 = 'closed'::case_status THEN $14 ELSE closed_at END,
             client_name_key = COALESCE($15, client_name_key),
             employee_eid_confirmation = COALESCE($16, employee_eid_confirmation)
         WHERE id = $1",
        case_id as _,
        status as CaseStatus,
        state.next_step().map(|step| step.slug()),
        fields.client_given_names,
        fields.client_surnames,
        fields.client_personal_code,
        fields.personal_code_hmac,
        fields.client_wants_result,
        fields.notify_channel,
        fields.notify_contact,
        fields.retention_until as _,
        fields.portal_reference,
        fields.submitted_at as _,
        at as _,
        fields.client_name_key,
        fields.employee_eid_confirmation as Option<Confirmation>,
    )
    .execute(connection)
    .await?;
    Ok(())
}

pub async fn stop(
    connection: &mut PgConnection,
    case_id: CaseId,
    reason: &str,
    remark: Option<&str>,
    at: DateTime<Utc>,
    retention_until: NaiveDate,
) -> Result<(), sqlx::Error> {
    // A case stopped before the authorisation was signed has no retention date yet: it gets
    // one from the centre's setting, so that its personal data are erased in time too.
    sqlx::query!(
        "UPDATE cases SET status = 'stopped', next_step = NULL, version = version + 1,
                stop_reason = $2, stop_remark = $3, stopped_at = $4,
                retention_until = coalesce(retention_until, $5)
         WHERE id = $1",
        case_id as _,
        reason,
        remark,
        at as _,
        retention_until as _,
    )
    .execute(connection)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Lists and search

/// A case in a list: no personal code, only the name the desk recognises.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: CaseId,
    pub centre_id: CentreId,
    pub status: CaseStatus,
    pub next_step: Option<Step>,
    pub client_given_names: Option<String>,
    pub client_surnames: Option<String>,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub portal_reference: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One page of a list, and the cursor of the next page (`None` on the last one).
#[derive(Debug, Clone)]
pub struct Paged {
    pub rows: Vec<Listed>,
    pub next: Option<CaseId>,
}

impl Paged {
    /// From up to `PAGE_SIZE + 1` rows: the extra row only says that there is a next page,
    /// which begins after the last row shown.
    fn from_rows(mut rows: Vec<Listed>) -> Self {
        let more = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        let next = more.then(|| rows.last().map(|row| row.id)).flatten();
        Self { rows, next }
    }
}

/// The open cases `staff_id` opened, newest first, a page at a time: `after` is the id of the
/// last case of the page before (served by `cases_opened_by_idx`).
pub async fn open_cases_of(
    db: impl PgExecutor<'_>,
    staff_id: StaffId,
    centres: &[CentreId],
    after: Option<CaseId>,
) -> Result<Paged, sqlx::Error> {
    let rows = open_cases_of_statement(staff_id, centres, after)
        .fetch_all(db)
        .await?;
    Ok(Paged::from_rows(rows))
}

/// `sqlx::query_as!` for [`Listed`] cases of the simple lists and searches, then the caller's
/// conditions after `WHERE`.
macro_rules! select_listed {
    ($conditions:tt, $($argument:tt)*) => {
        sqlx::query_as!(
            Listed,
            r#"SELECT c.id, c.centre_id, c.status AS "status: CaseStatus", c.next_step AS "next_step: Step",
                      c.client_given_names, c.client_surnames,
                      e.name_lv AS eservice_name_lv, e.name_en AS eservice_name_en,
                      c.portal_reference, c.opened_at AS "opened_at: DateTime<Utc>",
                      c.submitted_at AS "submitted_at: DateTime<Utc>",
                      coalesce(c.closed_at, c.stopped_at) AS "finished_at: DateTime<Utc>"
               FROM cases c JOIN eservices e ON e.id = c.eservice_id
               WHERE "# + $conditions,
            $($argument)*
        )
    };
}

/// The statement [`open_cases_of`] runs, with its arguments bound.
pub fn open_cases_of_statement(
    staff_id: StaffId,
    centres: &[CentreId],
    after: Option<CaseId>,
) -> Statement<impl FnMut(PgRow) -> Result<Listed, sqlx::Error> + Send + use<>> {
    select_listed!(
        "c.opened_by = $1 AND c.status = 'open' AND c.centre_id = ANY($2)
           AND c.id < coalesce($3, 9223372036854775807)
         ORDER BY c.id DESC LIMIT $4",
        staff_id as _,
        centres as _,
        after as _,
        PAGE_SIZE + 1,
    )
}

/// The centres' cases waiting for the result (22.¹7), longest waiting first, a page at a time
/// by (submitted_at, id): `after` is the id of the last case of the page before. Each centre's
/// part is read in index order (`cases_awaiting_result_page_idx`), so a page reads at most a
/// page per centre.
pub async fn awaiting_result(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
    after: Option<CaseId>,
) -> Result<Paged, sqlx::Error> {
    let rows = awaiting_result_statement(centres, after)
        .fetch_all(db)
        .await?;
    Ok(Paged::from_rows(rows))
}

/// The statement [`awaiting_result`] runs, with its arguments bound.
pub fn awaiting_result_statement(
    centres: &[CentreId],
    after: Option<CaseId>,
) -> Statement<impl FnMut(PgRow) -> Result<Listed, sqlx::Error> + Send + use<>> {
    sqlx::query_as!(
        Listed,
        r#"WITH after AS (
               SELECT coalesce((SELECT k.submitted_at FROM cases k
                                WHERE k.id = $2 AND k.centre_id = ANY($1)),
                               '-infinity') AS submitted_at,
                      coalesce($2, 0) AS id
           )
           SELECT c.id AS "id!", c.centre_id AS "centre_id!",
                  c.status AS "status!: CaseStatus", c.next_step AS "next_step: Step",
                  c.client_given_names, c.client_surnames,
                  e.name_lv AS eservice_name_lv, e.name_en AS eservice_name_en,
                  c.portal_reference, c.opened_at AS "opened_at!: DateTime<Utc>",
                  c.submitted_at AS "submitted_at: DateTime<Utc>",
                  coalesce(c.closed_at, c.stopped_at) AS "finished_at: DateTime<Utc>"
           FROM centres_of_scope($1) AS centre (id)
           CROSS JOIN after
           CROSS JOIN LATERAL (
               SELECT k.* FROM cases k
               WHERE k.centre_id = centre.id AND k.status = 'open' AND k.next_step = 'result'
                 AND (k.submitted_at, k.id) > (after.submitted_at, after.id)
               ORDER BY k.submitted_at, k.id LIMIT 26
           ) c
           JOIN eservices e ON e.id = c.eservice_id
           ORDER BY c.submitted_at, c.id LIMIT 26"#,
        centres as _,
        after as _,
    )
}

/// The centres' cases recently closed or stopped, for finding a finished case again, newest
/// first, at most [`RECENTLY_FINISHED`]. Each centre's part is read along `cases_finished_idx`
/// in its own order, at most as many rows, and merged: the work is bounded by the centres, not
/// by their history.
pub async fn recently_finished(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
) -> Result<Vec<Listed>, sqlx::Error> {
    recently_finished_statement(centres).fetch_all(db).await
}

/// The statement [`recently_finished`] runs, with its arguments bound.
pub fn recently_finished_statement(
    centres: &[CentreId],
) -> Statement<impl FnMut(PgRow) -> Result<Listed, sqlx::Error> + Send + use<>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT c.id AS "id!", c.centre_id AS "centre_id!",
                  c.status AS "status!: CaseStatus", c.next_step AS "next_step: Step",
                  c.client_given_names, c.client_surnames,
                  e.name_lv AS eservice_name_lv, e.name_en AS eservice_name_en,
                  c.portal_reference, c.opened_at AS "opened_at!: DateTime<Utc>",
                  c.submitted_at AS "submitted_at: DateTime<Utc>",
                  c.finished_at AS "finished_at: DateTime<Utc>"
           FROM centres_of_scope($1) AS centre (id)
           CROSS JOIN LATERAL (
               SELECT k.*, coalesce(k.closed_at, k.stopped_at) AS finished_at FROM cases k
               WHERE k.centre_id = centre.id AND k.status <> 'open'
               ORDER BY coalesce(k.closed_at, k.stopped_at) DESC, k.id DESC LIMIT 20
           ) c
           JOIN eservices e ON e.id = c.eservice_id
           ORDER BY c.finished_at DESC, c.id DESC LIMIT 20"#,
        centres as _,
    )
}

/// What the desk searches by; exactly one is used.
#[derive(Debug)]
pub enum SearchBy<'a> {
    /// A keyed hash of the personal code's digits: the clear code never reaches the query.
    PersonalCodeHmac(&'a [u8]),
    PortalReference(&'a str),
    /// Every word must appear in the given names or surnames (case-insensitive).
    Name(&'a str),
}

/// One query per way of searching, each with a plain condition its index can serve (a generic
/// plan of `($n IS NULL OR …)` could use none of them): the keyed hash by
/// `cases_personal_code_idx`, the reference by `cases_portal_reference_lower_idx`. The name
/// search reads the centres' cases and stops at `LIST_LIMIT` rows.
pub async fn search(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
    by: SearchBy<'_>,
) -> Result<Vec<Listed>, sqlx::Error> {
    match by {
        SearchBy::PersonalCodeHmac(hmac) => {
            select_listed!(
                "c.centre_id = ANY($1) AND c.personal_code_hmac = $2
                 ORDER BY c.id DESC LIMIT $3",
                centres as _,
                hmac,
                LIST_LIMIT,
            )
            .fetch_all(db)
            .await
        }
        SearchBy::PortalReference(reference) => {
            portal_reference_search_statement(centres, reference)
                .fetch_all(db)
                .await
        }
        SearchBy::Name(name) => {
            let words: Vec<String> = crate::domain::search_key(name)
                .split_whitespace()
                .map(|word| format!("%{}%", like_escape(word)))
                .collect();
            select_listed!(
                "c.centre_id = ANY($1) AND c.client_name_key IS NOT NULL
                   AND (SELECT bool_and(c.client_name_key LIKE w) FROM unnest($2::text[]) AS w)
                 ORDER BY c.id DESC LIMIT $3",
                centres as _,
                &words,
                LIST_LIMIT,
            )
            .fetch_all(db)
            .await
        }
    }
}

/// The statement the search by portal reference runs, with its arguments bound.
pub fn portal_reference_search_statement(
    centres: &[CentreId],
    reference: &str,
) -> Statement<impl FnMut(PgRow) -> Result<Listed, sqlx::Error> + Send + use<>> {
    select_listed!(
        "c.centre_id = ANY($1) AND c.portal_reference IS NOT NULL
           AND lower(c.portal_reference) = lower($2)
         ORDER BY c.id DESC LIMIT $3",
        centres as _,
        reference,
        LIST_LIMIT,
    )
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use sqlx::Execute;

    use super::*;

    #[test]
    fn the_per_centre_lists_limit_to_their_constants() {
        let centres = [CentreId(1)];
        let awaiting = awaiting_result_statement(&centres, None);
        assert_eq!(
            awaiting
                .sql()
                .matches(&format!("LIMIT {}", PAGE_SIZE + 1))
                .count(),
            2
        );
        let finished = recently_finished_statement(&centres);
        assert_eq!(
            finished
                .sql()
                .matches(&format!("LIMIT {RECENTLY_FINISHED}"))
                .count(),
            2
        );
    }
}
