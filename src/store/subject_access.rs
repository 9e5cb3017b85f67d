//! What is held about one person (GDPR Art. 15): their cases in the given centres that still hold
//! personal data, the steps of those cases, the uses of their data, and the reviews.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::audit::Action;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::review::Verdict;
use crate::domain::steps::ContactChannel;
use crate::domain::workflow::{CaseStatus, StopReason};

/// More cases than one person can have at a handful of centres; keeps the page bounded.
pub const MAX_CASES: i64 = 500;
/// Views listed per search, across its cases.
pub const MAX_ACCESS_EVENTS: i64 = 10_000;

/// The events of a case's chain that tell the person who used their data: views of the case's
/// pages, prints of their documents, checks of their authorisation, supervisors' reviews, and
/// earlier subject-access disclosures.
pub const ACCESS_ACTIONS: &[Action] = &[
    Action::PersonalDataViewed,
    Action::AuthorisationPrinted,
    Action::ReceiptPrinted,
    Action::AuthorisationVerified,
    Action::CaseReviewed,
    Action::SubjectAccessDisclosed,
];

#[derive(Debug, Clone)]
pub struct HeldCase {
    pub id: CaseId,
    pub centre_id: CentreId,
    pub centre_code: String,
    pub centre_name: String,
    pub eservice_code: String,
    pub eservice_name_lv: String,
    pub eservice_name_en: String,
    pub status: CaseStatus,
    pub opened_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub retention_until: Option<NaiveDate>,
    pub client_given_names: Option<String>,
    pub client_surnames: Option<String>,
    pub client_personal_code: Option<String>,
    pub notify_channel: Option<ContactChannel>,
    pub notify_contact: Option<String>,
    pub portal_reference: Option<String>,
    pub stop_reason: Option<StopReason>,
    pub stop_remark: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccessEvent {
    pub case_id: CaseId,
    pub action: String,
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<String>,
    pub details: Value,
}

/// A supervisor's review of one of the cases: its remark is free text that may be about the
/// person.
#[derive(Debug, Clone)]
pub struct HeldReview {
    pub case_id: CaseId,
    pub reviewed_at: DateTime<Utc>,
    pub reviewer: String,
    pub verdict: Verdict,
    pub remark: String,
}

/// The cases of `centres` whose client has the keyed personal-code hash `hmac` and whose data
/// have not been erased.
pub async fn cases(
    connection: &mut PgConnection,
    hmac: &[u8],
    centres: &[CentreId],
) -> Result<Vec<HeldCase>, sqlx::Error> {
    sqlx::query_as!(
        HeldCase,
        r#"SELECT c.id, c.centre_id, ce.code AS centre_code, ce.name AS centre_name,
                  e.code AS eservice_code, e.name_lv AS eservice_name_lv,
                  e.name_en AS eservice_name_en, c.status AS "status: CaseStatus",
                  c.opened_at AS "opened_at: DateTime<Utc>",
                  coalesce(c.closed_at, c.stopped_at) AS "finished_at?: DateTime<Utc>",
                  c.retention_until AS "retention_until: NaiveDate", c.client_given_names, c.client_surnames,
                  c.client_personal_code, c.notify_channel AS "notify_channel: ContactChannel", c.notify_contact,
                  c.portal_reference, c.stop_reason AS "stop_reason: StopReason", c.stop_remark
           FROM cases c
           JOIN centres ce ON ce.id = c.centre_id
           JOIN eservices e ON e.id = c.eservice_id
           WHERE c.personal_code_hmac = $1 AND c.centre_id = ANY($2) AND c.erased_at IS NULL
           ORDER BY c.opened_at, c.id
           LIMIT $3"#,
        hmac,
        centres as _,
        MAX_CASES,
    )
    .fetch_all(connection)
    .await
}

/// Who used the personal data of `cases` (the [`ACCESS_ACTIONS`]), and when.
pub async fn access_events(
    connection: &mut PgConnection,
    cases: &[CaseId],
) -> Result<Vec<AccessEvent>, sqlx::Error> {
    sqlx::query_as!(
        AccessEvent,
        r#"SELECT a.case_id AS "case_id!", a.action, a.occurred_at AS "occurred_at: DateTime<Utc>",
                  st.full_name AS "actor?", a.details
           FROM audit_events a
           LEFT JOIN staff st ON st.id = a.actor_id
           WHERE a.case_id = ANY($1) AND a.action = ANY($2)
           ORDER BY a.case_id, a.occurred_at, a.id
           LIMIT $3"#,
        cases as _,
        &ACCESS_ACTIONS
            .iter()
            .map(|action| action.code().to_owned())
            .collect::<Vec<_>>(),
        MAX_ACCESS_EVENTS,
    )
    .fetch_all(connection)
    .await
}

/// The supervisors' reviews of `cases`, oldest first.
pub async fn reviews(
    connection: &mut PgConnection,
    cases: &[CaseId],
) -> Result<Vec<HeldReview>, sqlx::Error> {
    sqlx::query_as!(
        HeldReview,
        r#"SELECT r.case_id, r.reviewed_at AS "reviewed_at: DateTime<Utc>",
                  st.full_name AS reviewer, r.verdict AS "verdict: Verdict", r.remark
           FROM case_reviews r
           JOIN staff st ON st.id = r.reviewer_id
           WHERE r.case_id = ANY($1)
           ORDER BY r.case_id, r.id"#,
        cases as _,
    )
    .fetch_all(connection)
    .await
}
