//! The supervisor's review: the queue of finished cases (and its CSV), the review page with the
//! case's timeline, audit events and reviews, marking a case reviewed, and spot-check samples.
//!
//! Only supervisors reach these handlers (the route group's guard). Every query is bounded by
//! the user's scope (`user.centres`); a case or sample outside it does not exist (404).

use chrono::{NaiveDate, NaiveDateTime};

use super::error::AppError;
use super::labels;
use crate::domain::identity_document::DocumentType;
use crate::domain::review::Verdict;
use crate::domain::steps::{Confirmation, ContactChannel, Outcome};
use crate::domain::workflow::{CaseStatus, StopReason};
use crate::i18n::Texts;
use crate::present::format::{self};

mod case;
mod queue;
mod samples;

pub use case::{mark, show};
pub use queue::{queue, queue_csv};
pub use samples::{draw, sample, samples};

// ---------------------------------------------------------------------------------------------
// Shared formatting

pub(super) fn outcome_text(
    t: &Texts,
    status: CaseStatus,
    stop_reason: Option<StopReason>,
) -> String {
    if status == CaseStatus::Closed {
        return t.review.outcome_closed.to_owned();
    }
    match stop_reason {
        Some(reason) => format!(
            "{} ({})",
            t.review.outcome_stopped,
            labels::stop_reason(t, reason)
        ),
        None => t.review.outcome_stopped.to_owned(),
    }
}

pub(super) fn verdict_text(t: &Texts, verdict: Option<Verdict>) -> &'static str {
    verdict.map_or(t.review.reviewed_no, |verdict| labels::verdict(t, verdict))
}

/// A label for a path of a step's data: the known fields by name, anything else as stored.
pub(super) fn data_label(t: &Texts, path: &str) -> String {
    let (r, c) = (t.review, t.cases);
    let label = match path {
        "document.doc_type" => c.doc_type,
        "document.number" => c.doc_number,
        "document.issuing_state" => c.issuing_state,
        "document.expires_on" => c.expires_on,
        "result_contact.channel" => r.data_told_via,
        "result_contact.number" | "result_contact.address" => c.contact,
        "confirmation" => c.confirmation_label,
        "evidence.issuer" => r.data_eid_issuer,
        "evidence.acr" => r.data_eid_acr,
        "evidence.amr" => r.data_eid_amr,
        "evidence.authenticated_at" => r.data_eid_authenticated_at,
        "evidence.kept" => r.data_eid_kept,
        _ => "",
    };
    if !label.is_empty() {
        return label.to_owned();
    }
    let (root, rest) = path.split_once('.').unwrap_or((path, ""));
    let label = match root {
        "document" => r.data_document,
        "personal_code" => r.data_personal_code,
        "given_names" => r.data_given_names,
        "surnames" => r.data_surnames,
        "override_justification" => r.data_override_justification,
        "means_code" => r.data_means_code,
        "used_at" => r.data_used_at,
        "notice_version" => r.data_notice_version,
        "result_contact" => r.data_result_contact,
        "registration_number" => r.data_registration_number,
        "signed_on" => r.data_signed_on,
        "copy1_keep_until" => r.data_copy1_keep_until,
        "categories" => r.data_categories,
        "reference" => r.data_reference,
        "submitted_at" => r.data_submitted_at,
        "planned_on" => r.data_planned_on,
        "told_via" => r.data_told_via,
        "told_at" => r.data_told_at,
        "outcome" => r.data_outcome,
        "outcome_text" => r.data_outcome_text,
        _ => return path.to_owned(),
    };
    if rest.is_empty() {
        label.to_owned()
    } else {
        format!("{label}: {}", rest.replace('_', " "))
    }
}

/// The words for an audit action; `None` for one without (shown as its code).
/// A value of a step's data as people read it: codes by their words, dates as dd.mm.yyyy,
/// times as dd.mm.yyyy hh:mm; anything else as stored.
pub(super) fn data_value(t: &Texts, path: &str, value: String) -> String {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    match leaf {
        "doc_type" => {
            DocumentType::from_code(&value).map_or(value, |doc| labels::document(t, doc).to_owned())
        }
        "channel" | "told_via" => ContactChannel::from_code(&value)
            .map_or(value, |channel| labels::channel(t, channel).to_owned()),
        "outcome" => Outcome::from_code(&value)
            .map_or(value, |outcome| labels::outcome(t, outcome).to_owned()),
        "confirmation" => match value.as_str() {
            "verified" => labels::confirmation(t, Confirmation::Verified).to_owned(),
            "declared" => labels::confirmation(t, Confirmation::Declared).to_owned(),
            _ => value,
        },
        "kept" if value == "true" => t.review.data_eid_kept_yes.to_owned(),
        "categories" => value
            .split(", ")
            .map(|code| labels::category(t, code))
            .collect::<Vec<_>>()
            .join(", "),
        _ => {
            if let Ok(at) = NaiveDateTime::parse_from_str(&value, "%Y-%m-%dT%H:%M:%S") {
                format::date_time(at)
            } else if let Ok(day) = NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
                format::date(day)
            } else {
                value
            }
        }
    }
}

/// An optional form or query value: empty is none, anything unparseable a bad request.
pub(super) fn optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).ok_or(AppError::BadRequest)
}
