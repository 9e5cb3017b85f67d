//! What happens to a case, each in one transaction: opening it, recording a 22.¹ duty (with the
//! duties the product marks not applicable by itself), stopping it, and the audit event of every
//! view of its personal data.
//!
//! The order of the duties is decided by `domain::workflow` alone; the step's data were checked
//! by `domain::steps` before they reach here. This module only locks, asks, stores and audits.
//! Audit details hold ids and codes only: never names, personal codes, contacts or numbers.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::audit::Action;
use crate::audit::{self, Part};
use crate::db::Source;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::messages::MessageChannel;
use crate::domain::riga_to_utc;
use crate::domain::steps::{
    AuthorisationInput, DataProcessingInput, EmployeeEidInput, IdentityInput, PlannedTimeInput,
    ResultInput, SubmissionInput,
};
use crate::domain::workflow::{CaseStatus, Step, StopReason, WorkflowError};
use crate::keys::Keys;
use crate::service::Staff;
use crate::service::documents::{self, AgainstPrint};
use crate::service::outbox;
use crate::store::cases::{self as store, CaseFields, NewCase};

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No such case in the actor's centres.
    #[error("no such case")]
    NotFound,
    #[error("the workflow refuses: {0}")]
    Workflow(#[from] WorkflowError),
    /// The case changed after the form was shown (its version moved on).
    #[error("the case changed since the form was shown")]
    Stale,
    /// 22.¹3 records that the client signed the printed authorisation: it cannot be recorded
    /// before the authorisation's first print exists, whatever the browser sends.
    #[error("the authorisation has not been printed")]
    AuthorisationNotPrinted,
    /// 22.¹3's answer about the result differs from the one printed on the authorisation the
    /// client signed.
    #[error("the answer about the result differs from the printed authorisation")]
    NotAsPrinted,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The checked input of one duty, ready to be stored.
#[derive(Debug, Clone)]
pub enum StepInput {
    Identity(IdentityInput),
    EmployeeEid(EmployeeEidInput),
    Authorisation(AuthorisationInput),
    DataProcessing(DataProcessingInput),
    Submission(SubmissionInput),
    PlannedTime(PlannedTimeInput),
    Result(ResultInput),
}

impl StepInput {
    pub fn step(&self) -> Step {
        match self {
            Self::Identity(_) => Step::Identity,
            Self::EmployeeEid(_) => Step::EmployeeEid,
            Self::Authorisation(_) => Step::Authorisation,
            Self::DataProcessing(_) => Step::DataProcessing,
            Self::Submission(_) => Step::Submission,
            Self::PlannedTime(_) => Step::PlannedTime,
            Self::Result(_) => Step::Result,
        }
    }

    /// The step's data as stored in `case_steps.data`.
    fn data(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::Identity(input) => serde_json::to_value(input),
            Self::EmployeeEid(input) => serde_json::to_value(input),
            Self::Authorisation(input) => serde_json::to_value(input),
            Self::DataProcessing(input) => serde_json::to_value(input),
            Self::Submission(input) => serde_json::to_value(input),
            Self::PlannedTime(input) => serde_json::to_value(input),
            Self::Result(input) => serde_json::to_value(input),
        }
    }

    /// What the audit event says about the step: codes only.
    fn audit_details(&self) -> Value {
        match self {
            Self::Identity(input) => json!({
                "document_type": input.document.doc_type().code(),
                "personal_code_format": input.personal_code.format(),
                "check_digit_overridden": input.personal_code.check_digit_overridden(),
            }),
            Self::EmployeeEid(input) => json!({
                "means": input.means_code,
                "confirmation": input.confirmation.code(),
                "acr": input.evidence.as_ref().and_then(|e| e.acr.as_deref()),
            }),
            Self::Authorisation(input) => json!({
                "notice_version": input.notice_version,
                "wants_result": input.wants_result(),
                "channel": input.result_contact.as_ref().map(|c| c.channel().code()),
                "copy1_keep_until": input.copy1_keep_until,
            }),
            Self::DataProcessing(input) => json!({ "categories": input.categories }),
            Self::Submission(_) => json!({}),
            Self::PlannedTime(input) => {
                with_sender(json!({ "told_via": input.told_via.code() }), input.sent_by)
            }
            Self::Result(input) => with_sender(
                json!({
                    "outcome": input.outcome.code(),
                    "told_via": input.told_via.code(),
                }),
                input.sent_by,
            ),
        }
    }

    /// The client's answer at 22.¹3, which the workflow needs with that step only.
    fn wants_result(&self) -> Option<bool> {
        match self {
            Self::Authorisation(input) => Some(input.wants_result()),
            _ => None,
        }
    }
}

/// `details` with `sent_by` when the product sends the message itself.
fn with_sender(mut details: Value, sent_by: Option<MessageChannel>) -> Value {
    if let Some(channel) = sent_by {
        details["sent_by"] = json!(channel.code());
    }
    details
}

/// What submitting the "new case" form did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    Opened(CaseId),
    /// The form's token had opened this case already (a second submit of the same form).
    AlreadyOpened(CaseId),
    /// The e-service may not be chosen (inactive or not authorisable).
    NotOpenable,
}

/// Opens a case with the one-time token of the form that asked for it.
pub async fn open(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    centre_id: CentreId,
    eservice_id: i64,
    missing_eid_means: &[String],
    open_token: Uuid,
) -> Result<Opening, sqlx::Error> {
    let mut tx = db.begin().await?;
    let years = store::retention_years(&mut tx, centre_id).await?;
    let case = NewCase {
        centre_id,
        eservice_id,
        opened_by: actor.id,
        missing_eid_means,
        opened_at: at,
        open_token,
        retention_until: crate::domain::retention::keep_until(
            crate::domain::today_in_riga(at),
            years.unsigned_abs(),
        ),
    };
    let Some(case_id) = store::open(&mut tx, &case).await? else {
        // A concurrent submit of the same token has committed by now (the insert waited on
        // its unique key), so its case is visible here.
        let earlier = store::opened_with(&mut tx, open_token, actor.id, actor.centres).await?;
        return Ok(earlier.map_or(Opening::NotOpenable, Opening::AlreadyOpened));
    };
    let details = json!({ "eservice_id": eservice_id, "missing_eid_means": missing_eid_means });
    write_audit(
        &mut tx,
        at,
        actor,
        (case_id, centre_id),
        Action::CaseOpened,
        details,
        &[Part::Case, Part::Retention],
    )
    .await?;
    tx.commit().await?;
    Ok(Opening::Opened(case_id))
}

/// What recording a step did.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    pub status: CaseStatus,
    pub next_step: Option<Step>,
}

/// Records one duty of case `case_id`, shown to the user at `version`: lock, ask the workflow,
/// compare versions, insert the step and the steps that do not apply, advance the case, audit.
pub async fn record_step(
    db: impl Source<'_>,
    keys: &Keys,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case_id: CaseId,
    version: i32,
    input: &StepInput,
) -> Result<Recorded, CaseError> {
    record_step_sending(db, keys, at, actor, (case_id, version), input, None).await
}

/// As [`record_step`], 22.¹6 or 22.¹7 told by a message the product sends: `message` (and the
/// sender's domain, for an e-mail's Message-ID) goes into the outbox in the same transaction,
/// with its `message-queued` event after the step's (`service::outbox`).
pub async fn record_step_sending(
    db: impl Source<'_>,
    keys: &Keys,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    (case_id, version): (CaseId, i32),
    input: &StepInput,
    message: Option<(&outbox::Outgoing, Option<&str>)>,
) -> Result<Recorded, CaseError> {
    let mut tx = db.begin().await?;
    let case = store::lock(&mut tx, case_id, actor.centres)
        .await?
        .ok_or(CaseError::NotFound)?;
    let step = input.step();
    let transition = case
        .state()?
        .record(step, case.capabilities(), input.wants_result())?;
    if case.version != version {
        return Err(CaseError::Stale);
    }
    if let StepInput::Authorisation(authorisation) = input {
        let contact = authorisation.result_contact.as_ref();
        match documents::against_print(&mut tx, case_id, contact).await? {
            AgainstPrint::NotPrinted => return Err(CaseError::AuthorisationNotPrinted),
            AgainstPrint::Differs => return Err(CaseError::NotAsPrinted),
            AgainstPrint::AsPrinted => {}
        }
    }
    let data = input
        .data()
        .map_err(|error| sqlx::Error::Encode(error.into()))?;
    store::insert_step(&mut tx, case_id, step, None, &data, Some(actor.id), at).await?;
    for (skipped, reason) in &transition.not_applicable {
        store::insert_step(
            &mut tx,
            case_id,
            *skipped,
            Some(*reason),
            &json!({}),
            None,
            at,
        )
        .await?;
    }
    let hmac;
    let personal_code;
    let name_key;
    let mut fields = CaseFields::default();
    match input {
        StepInput::Identity(identity) => {
            hmac = keys.personal_code_hmac(identity.personal_code.digits());
            personal_code = identity.personal_code.to_string();
            fields.client_given_names = Some(&identity.given_names);
            fields.client_surnames = Some(&identity.surnames);
            name_key = crate::domain::search_key(&format!(
                "{} {}",
                identity.given_names, identity.surnames
            ));
            fields.client_name_key = Some(&name_key);
            fields.client_personal_code = Some(&personal_code);
            fields.personal_code_hmac = Some(&hmac);
        }
        StepInput::Authorisation(authorisation) => {
            fields.client_wants_result = Some(authorisation.wants_result());
            if let Some(contact) = &authorisation.result_contact {
                fields.notify_channel = Some(contact.channel().code());
                fields.notify_contact = contact.detail();
            }
            fields.retention_until = Some(authorisation.copy1_keep_until);
        }
        StepInput::EmployeeEid(eid) => {
            fields.employee_eid_confirmation = Some(eid.confirmation);
        }
        StepInput::Submission(submission) => {
            fields.portal_reference = Some(&submission.reference);
            fields.submitted_at = Some(riga_to_utc(submission.submitted_at));
        }
        _ => {}
    }
    store::advance(&mut tx, case_id, transition.new_state, &fields, at).await?;

    let mut details = input.audit_details();
    details["step"] = json!(step.slug());
    details["version"] = json!(version + 1);
    let case_ref = (case_id, case.centre_id);
    let mut parts = vec![Part::step(step)];
    parts.extend_from_slice(case_parts(input));
    write_audit(
        &mut tx,
        at,
        actor,
        case_ref,
        Action::StepRecorded,
        details,
        &parts,
    )
    .await?;
    if let Some((message, domain)) = message {
        outbox::queue(&mut tx, at, actor, case_ref, step, message, domain).await?;
    }
    for (skipped, reason) in &transition.not_applicable {
        let details = json!({ "step": skipped.slug(), "reason": reason.code() });
        write_audit(
            &mut tx,
            at,
            actor,
            case_ref,
            Action::StepNotApplicable,
            details,
            &[Part::step(*skipped)],
        )
        .await?;
    }
    if transition.new_state.status() == CaseStatus::Closed {
        write_audit(
            &mut tx,
            at,
            actor,
            case_ref,
            Action::CaseClosed,
            json!({}),
            &[Part::Closed],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Recorded {
        status: transition.new_state.status(),
        next_step: transition.new_state.next_step(),
    })
}

/// Stops an open case for good, with the reason and the employee's remark.
pub async fn stop(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case_id: CaseId,
    version: i32,
    reason: StopReason,
    remark: Option<&str>,
) -> Result<(), CaseError> {
    let mut tx = db.begin().await?;
    let case = store::lock(&mut tx, case_id, actor.centres)
        .await?
        .ok_or(CaseError::NotFound)?;
    case.state()?.stop(reason)?;
    if case.version != version {
        return Err(CaseError::Stale);
    }
    let keep_until = crate::domain::retention::keep_until(
        crate::domain::today_in_riga(at),
        case.retention_years.unsigned_abs(),
    );
    store::stop(&mut tx, case_id, reason.code(), remark, at, keep_until).await?;
    // The remark is free text and may name the client: it stays in the case, not in the trail.
    let details = json!({ "reason": reason.code(), "version": version + 1 });
    write_audit(
        &mut tx,
        at,
        actor,
        (case_id, case.centre_id),
        Action::CaseStopped,
        details,
        &[Part::Stop, Part::Retention],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Data-use notice `notice_id` (version `version`) is being read to the client at 22.¹3 of case
/// `case_id`: its first showing freezes the version, and is audited in that case's chain.
#[allow(clippy::too_many_arguments)]
pub async fn notice_shown(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case_id: CaseId,
    centre_id: CentreId,
    notice_id: i64,
    version: i32,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if store::mark_notice_shown(&mut tx, notice_id, at).await? {
        let details = json!({ "version": version });
        write_audit(
            &mut tx,
            at,
            actor,
            (case_id, centre_id),
            Action::NoticeShown,
            details,
            &[],
        )
        .await?;
    }
    tx.commit().await
}

/// A check of case `(case_id, centre_id)`'s evidence found it broken or its data changed:
/// written into the case's chain (codes and ids only), so the finding itself is evidence.
pub async fn evidence_check_failed(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case: (CaseId, CentreId),
    details: Value,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    write_audit(
        &mut tx,
        at,
        actor,
        case,
        Action::EvidenceCheckFailed,
        details,
        &[],
    )
    .await?;
    tx.commit().await
}

/// The access event of a page that showed case `case_id`'s personal data.
pub async fn log_view(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    case_id: CaseId,
    centre_id: CentreId,
    page: &str,
) -> Result<(), sqlx::Error> {
    log_views(db, at, actor, &[(case_id, centre_id)], page).await
}

/// The access events of a page that showed the personal data of these `(case, centre)`s, in a
/// short transaction of their own: a view never shares a transaction, or a lock, with a duty
/// being recorded. The centres' access chains are locked in one order, so that two pages
/// logging views at once cannot deadlock.
pub async fn log_views(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    cases: &[(CaseId, CentreId)],
    page: &str,
) -> Result<(), sqlx::Error> {
    if cases.is_empty() {
        return Ok(());
    }
    let mut ordered = cases.to_vec();
    ordered.sort_unstable_by_key(|&(case_id, centre_id)| (centre_id, case_id));
    let mut tx = db.begin().await?;
    for (case_id, centre_id) in ordered {
        let view = actor.view(case_id, centre_id, page);
        audit::record_view(&mut tx, at, view).await?;
    }
    tx.commit().await
}

/// The case columns a step fills in, as committed parts.
fn case_parts(input: &StepInput) -> &'static [Part] {
    match input {
        StepInput::Identity(_) => &[Part::Client],
        StepInput::Authorisation(_) => &[Part::Contact, Part::Retention],
        StepInput::Submission(_) => &[Part::Submission],
        _ => &[],
    }
}

/// Appends an event of the case `(case_id, centre_id)`, committing the `parts` just written.
pub(crate) async fn write_audit(
    tx: &mut Transaction<'_, Postgres>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    (case_id, centre_id): (CaseId, CentreId),
    action: Action,
    details: Value,
    parts: &[Part],
) -> Result<(), sqlx::Error> {
    let event = actor.event(audit::in_case(case_id, centre_id), action, details);
    audit::record_committing(tx, at, event, parts).await
}
