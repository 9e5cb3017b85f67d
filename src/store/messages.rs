//! The message templates and the outbox (`message_templates`, `client_messages`, migration
//! 0052). The statuses' moves are guarded by the table's trigger; `service::outbox` decides them.

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::PgConnection;
use sqlx::PgExecutor;

use crate::domain::ids::{CaseId, CentreId, StaffId};
use crate::domain::messages::{FailureReason, MessageChannel, MessageStatus};
use crate::domain::steps::ContactChannel;
use crate::domain::workflow::Step;

/// The text a message is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: i64,
    pub version: i32,
    pub subject: String,
    pub body: String,
}

/// The newest version of the text for `eservice_id`'s `step` in `lang`: the e-service's own, else
/// the default for every e-service.
pub async fn template(
    connection: &mut PgConnection,
    eservice_id: i64,
    lang: &str,
    step: Step,
) -> Result<Option<Template>, sqlx::Error> {
    sqlx::query_as!(
        Template,
        "SELECT id, version, subject, body FROM message_templates
         WHERE (eservice_id = $1 OR eservice_id IS NULL) AND lang = $2 AND step = $3
         ORDER BY eservice_id NULLS LAST, version DESC LIMIT 1",
        eservice_id,
        lang,
        step.slug(),
    )
    .fetch_optional(connection)
    .await
}

/// What a message about a case may say besides the date or result: the e-service and the
/// centre (nothing about the client).
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub eservice_id: i64,
    pub eservice_lv: String,
    pub eservice_en: String,
    pub centre: String,
    pub contact: sqlx::types::Json<crate::domain::staff::CentreContact>,
}

pub async fn case_facts(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<CaseFacts, sqlx::Error> {
    sqlx::query_as!(
        CaseFacts,
        r#"SELECT e.id AS eservice_id, e.name_lv AS eservice_lv, e.name_en AS eservice_en,
                  ce.name AS centre, ce.contact AS "contact: sqlx::types::Json<crate::domain::staff::CentreContact>"
           FROM cases c JOIN eservices e ON e.id = c.eservice_id JOIN centres ce ON ce.id = c.centre_id
           WHERE c.id = $1"#,
        case_id as _
    )
    .fetch_one(connection)
    .await
}

/// The newest version of the text for `eservice_id` (`None`: the default) in `lang` for `step`,
/// and whether it is the e-service's own (else the default, shown in its place).
pub async fn current_template(
    db: impl PgExecutor<'_>,
    eservice_id: Option<i64>,
    lang: &str,
    step: Step,
) -> Result<Option<(Template, bool)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id, version, subject, body, eservice_id IS NOT DISTINCT FROM $1 AS "own!"
           FROM message_templates
           WHERE (eservice_id = $1 OR eservice_id IS NULL) AND lang = $2 AND step = $3
           ORDER BY eservice_id NULLS LAST, version DESC LIMIT 1"#,
        eservice_id,
        lang,
        step.slug(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| {
        let template = Template {
            id: row.id,
            version: row.version,
            subject: row.subject,
            body: row.body,
        };
        (template, row.own)
    }))
}

/// A template saved by an administrator: a new version (the newest is used).
pub async fn add_template_version(
    connection: &mut PgConnection,
    eservice_id: Option<i64>,
    lang: &str,
    step: Step,
    (subject, body): (&str, &str),
    by: Option<StaffId>,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO message_templates (eservice_id, lang, step, version, subject, body, created_by)
         SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6
         FROM message_templates
         WHERE eservice_id IS NOT DISTINCT FROM $1 AND lang = $2 AND step = $3
         RETURNING version",
        eservice_id,
        lang,
        step.slug(),
        subject,
        body,
        by as _,
    )
    .fetch_one(connection)
    .await
}

/// A message to put in the outbox, in the duty's transaction.
#[derive(Debug)]
pub struct NewMessage<'a> {
    pub case_id: CaseId,
    pub step: Step,
    pub channel: MessageChannel,
    pub template_id: i64,
    pub lang: &'a str,
    pub address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The e-mail's Message-ID, fixed before the first attempt.
    pub provider_id: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub by: StaffId,
}

/// Queues `message`; its id. The template version becomes final.
pub async fn insert(
    connection: &mut PgConnection,
    message: &NewMessage<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "UPDATE message_templates SET first_sent_at = $2 WHERE id = $1 AND first_sent_at IS NULL",
        message.template_id,
        message.at as _,
    )
    .execute(&mut *connection)
    .await?;
    sqlx::query_scalar!(
        "INSERT INTO client_messages (case_id, step, channel, template_id, lang, address, subject,
                                      body, provider_id, next_attempt_at, queued_at, queued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
         RETURNING id",
        message.case_id as _,
        message.step.slug(),
        message.channel.code(),
        message.template_id,
        message.lang,
        message.address,
        message.subject,
        message.body,
        message.provider_id,
        message.at as _,
        message.by as _,
    )
    .fetch_one(connection)
    .await
}

/// A message a worker has claimed, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub case_id: CaseId,
    pub centre_id: CentreId,
    pub channel: MessageChannel,
    pub address: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub provider_id: Option<String>,
    /// Including this one.
    pub attempts: i32,
}

/// Claims the message due first, if any: it becomes `sending` in a statement of its own (so no
/// transaction or lock is held while the relay is talked to). `SKIP LOCKED`: two workers never
/// claim the same message, and neither waits for the other.
pub async fn claim(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"UPDATE client_messages m SET status = 'sending', claimed_at = $1, attempts = attempts + 1
           FROM cases c
           WHERE c.id = m.case_id AND m.id = (
               SELECT id FROM client_messages
               WHERE status = 'queued' AND next_attempt_at <= $1
               ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING m.id, m.case_id AS "case_id: CaseId", c.centre_id AS "centre_id: CentreId",
                     m.channel AS "channel: MessageChannel", m.address, m.subject, m.body,
                     m.provider_id, m.attempts"#,
        now as _,
    )
    .fetch_optional(db)
    .await
}

/// Puts a claimed message back for another attempt at `next`.
pub async fn retry_at(
    db: impl PgExecutor<'_>,
    id: i64,
    next: DateTime<Utc>,
    reason: FailureReason,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE client_messages SET status = 'queued', next_attempt_at = $2, reason = $3,
                claimed_at = NULL
         WHERE id = $1 AND status = 'sending'",
        id,
        next as _,
        reason.code(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Notes what happened to message `id` if it is still in status `from`; whether it was (another
/// worker or report may have got there first).
pub async fn note(
    connection: &mut PgConnection,
    id: i64,
    from: &[MessageStatus],
    to: MessageStatus,
    at: DateTime<Utc>,
    (provider_id, reason): (Option<&str>, Option<FailureReason>),
) -> Result<bool, sqlx::Error> {
    let from: Vec<&str> = from.iter().map(|status| status.code()).collect();
    let noted = sqlx::query!(
        "UPDATE client_messages SET status = $3, claimed_at = NULL,
                provider_id = coalesce($5, provider_id), reason = coalesce($6, reason),
                sent_at = CASE WHEN $3 = 'sent' THEN $4 ELSE sent_at END,
                delivered_at = CASE WHEN $3 = 'delivered' THEN $4 ELSE delivered_at END,
                failed_at = CASE WHEN $3 = 'failed' THEN $4 ELSE failed_at END
         WHERE id = $1 AND status = ANY($2)",
        id,
        &from as _,
        to.code(),
        at as _,
        provider_id,
        reason.map(FailureReason::code),
    )
    .execute(connection)
    .await?;
    Ok(noted.rows_affected() == 1)
}

/// Messages claimed before `before` and never noted: their worker stopped.
pub async fn abandoned(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
) -> Result<Vec<(i64, CaseId, CentreId)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.id, m.case_id AS "case_id: CaseId", c.centre_id AS "centre_id: CentreId"
           FROM client_messages m JOIN cases c ON c.id = m.case_id
           WHERE m.status = 'sending' AND m.claimed_at < $1 ORDER BY m.id LIMIT 100"#,
        before as _,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.case_id, row.centre_id))
        .collect())
}

/// The message the SMS provider knows as `provider_id`.
pub async fn by_provider_id(
    connection: &mut PgConnection,
    channel: MessageChannel,
    provider_id: &str,
) -> Result<Option<(i64, CaseId, CentreId, MessageStatus)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT m.id, m.case_id AS "case_id: CaseId", c.centre_id AS "centre_id: CentreId",
                  m.status AS "status: MessageStatus"
           FROM client_messages m JOIN cases c ON c.id = m.case_id
           WHERE m.provider_id = $1 AND m.channel = $2
           FOR UPDATE OF m"#,
        provider_id,
        channel.code(),
    )
    .fetch_optional(connection)
    .await?;
    Ok(row.map(|row| (row.id, row.case_id, row.centre_id, row.status)))
}

/// A message as the case page (and subject access) shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MessageRow {
    pub id: i64,
    pub case_id: CaseId,
    pub step: Step,
    pub channel: MessageChannel,
    pub status: MessageStatus,
    pub reason: Option<FailureReason>,
    pub attempts: i32,
    pub address: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub told_instead_via: Option<ContactChannel>,
    pub told_instead_at: Option<NaiveDateTime>,
}

/// Case `case_id`'s messages, in the order they were queued.
pub async fn of_case(
    connection: &mut PgConnection,
    case_id: CaseId,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    of_cases(connection, &[case_id]).await
}

/// The messages of `cases`, case by case, in the order they were queued.
pub async fn of_cases(
    connection: &mut PgConnection,
    cases: &[CaseId],
) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as!(
        MessageRow,
        r#"SELECT id, case_id AS "case_id: CaseId", step AS "step: Step", channel AS "channel: MessageChannel",
                  status AS "status: MessageStatus", reason AS "reason: FailureReason", attempts,
                  address, subject, body, queued_at AS "queued_at: DateTime<Utc>",
                  sent_at AS "sent_at: DateTime<Utc>", delivered_at AS "delivered_at: DateTime<Utc>",
                  failed_at AS "failed_at: DateTime<Utc>",
                  told_instead_via AS "told_instead_via: ContactChannel",
                  told_instead_at AS "told_instead_at: NaiveDateTime"
           FROM client_messages WHERE case_id = ANY($1) ORDER BY case_id, id"#,
        cases as _,
    )
    .fetch_all(connection)
    .await
}

/// Records, on failed message `id` of case `case_id`, how the client was told instead; whether
/// it was still to be recorded.
pub async fn told_instead(
    connection: &mut PgConnection,
    (case_id, id): (CaseId, i64),
    via: ContactChannel,
    at: NaiveDateTime,
    by: StaffId,
) -> Result<bool, sqlx::Error> {
    let recorded = sqlx::query!(
        "UPDATE client_messages SET told_instead_via = $3, told_instead_at = $4, told_instead_by = $5
         WHERE case_id = $1 AND id = $2 AND status = 'failed' AND told_instead_via IS NULL",
        case_id as _,
        id,
        via.code(),
        at as _,
        by as _,
    )
    .execute(connection)
    .await?;
    Ok(recorded.rows_affected() == 1)
}

/// The cases of `centres` whose client could not be informed by message and was not yet told
/// another way, newest failure first (at most `limit`).
pub async fn untold_in(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
    limit: i64,
) -> Result<Vec<(CaseId, Step, DateTime<Utc>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.case_id AS "case_id: CaseId", m.step AS "step: Step",
                  m.failed_at AS "failed_at!: DateTime<Utc>"
           FROM client_messages m JOIN cases c ON c.id = m.case_id
           WHERE m.status = 'failed' AND m.told_instead_via IS NULL AND c.centre_id = ANY($1)
           ORDER BY m.failed_at DESC LIMIT $2"#,
        centres as _,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.case_id, row.step, row.failed_at))
        .collect())
}

/// Retention: the message's address and text go with the case's other personal data (the
/// table's trigger allows it only once the case is erased).
pub async fn erase(connection: &mut PgConnection, case_id: CaseId) -> Result<u64, sqlx::Error> {
    let erased = sqlx::query!(
        "UPDATE client_messages SET address = NULL, subject = NULL, body = NULL
         WHERE case_id = $1 AND (address IS NOT NULL OR subject IS NOT NULL OR body IS NOT NULL)",
        case_id as _,
    )
    .execute(connection)
    .await?;
    Ok(erased.rows_affected())
}

/// Reminders: the open cases of `centres` whose planned time (22.¹6) has passed before `today`
/// with no result recorded (22.¹7), the longest overdue first (at most `limit`).
pub async fn planned_time_passed(
    db: impl PgExecutor<'_>,
    centres: &[CentreId],
    today: chrono::NaiveDate,
    limit: i64,
) -> Result<Vec<(CaseId, chrono::NaiveDate)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id: CaseId", (s.data->>'planned_on')::date AS "planned_on!: chrono::NaiveDate"
           FROM cases c
           JOIN case_steps s ON s.case_id = c.id AND s.step = 'planned-time' AND s.outcome = 'recorded'
           WHERE c.status = 'open' AND c.next_step = 'result' AND c.centre_id = ANY($1)
             AND (s.data->>'planned_on')::date < $2
           ORDER BY 2, c.id LIMIT $3"#,
        centres as _,
        today as _,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.planned_on))
        .collect())
}

/// The centres with an e-mail address in their contact details: (id, name, address).
pub async fn centres_with_email(
    db: impl PgExecutor<'_>,
) -> Result<Vec<(CentreId, String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: CentreId", name, contact->>'email' AS "email!"
           FROM centres WHERE active AND coalesce(contact->>'email', '') <> '' ORDER BY id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.name, row.email))
        .collect())
}
