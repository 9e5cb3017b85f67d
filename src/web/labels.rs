//! The words for the codes a case stores (document types, channels, outcomes, data
//! categories), in one place for every page that shows them.

use crate::audit::Action;
use crate::domain::catalogue::DataCategory;
use crate::domain::identity_document::DocumentType;
use crate::domain::messages::{FailureReason, MessageChannel, MessageStatus};
use crate::domain::review::Verdict;
use crate::domain::steps::{ContactChannel, Outcome};
use crate::domain::workflow::{CaseStatus, NotApplicableReason, Step, StepOutcome, StopReason};
use crate::i18n::Texts;

/// A duty's title, as its page's heading and every list of the duties name it.
pub fn duty(t: &Texts, step: Step) -> &'static str {
    let c = t.common;
    match step {
        Step::Identity => c.duty_identity,
        Step::EmployeeEid => c.duty_employee_eid,
        Step::Authorisation => c.duty_authorisation,
        Step::DataProcessing => c.duty_data_processing,
        Step::Submission => c.duty_submission,
        Step::PlannedTime => c.duty_planned_time,
        Step::Result => c.duty_result,
    }
}

/// Why a duty does not apply, as every list of a case's duties says it.
pub fn not_applicable(t: &Texts, reason: NotApplicableReason) -> &'static str {
    let c = t.common;
    match reason {
        NotApplicableReason::PortalGivesNoPlannedTime => c.not_applicable_no_planned_time,
        NotApplicableReason::PortalGivesNoResult => c.not_applicable_no_result,
        NotApplicableReason::ClientDidNotAsk => c.not_applicable_client_did_not_ask,
    }
}

/// Why a case was stopped, as the stop form, the case, the review and the figures say it.
pub fn stop_reason(t: &Texts, reason: StopReason) -> &'static str {
    let c = t.common;
    match reason {
        StopReason::IdentityNotVerified => c.stop_identity_not_verified,
        StopReason::DocumentExpired => c.stop_document_expired,
        StopReason::ClientWithdrew => c.stop_client_withdrew,
        StopReason::ServiceNotAuthorisable => c.stop_service_not_authorisable,
        StopReason::PortalRefused => c.stop_portal_refused,
        StopReason::PortalUnavailable => c.stop_portal_unavailable,
        StopReason::Other => c.stop_other,
    }
}

pub fn status(t: &Texts, status: CaseStatus) -> &'static str {
    let c = t.cases;
    match status {
        CaseStatus::Open => c.status_open,
        CaseStatus::Closed => c.status_closed,
        CaseStatus::Stopped => c.status_stopped,
    }
}

/// How a duty stands in the record: recorded, or not applicable.
pub fn step_outcome(t: &Texts, outcome: StepOutcome) -> &'static str {
    match outcome {
        StepOutcome::Recorded => t.review.step_recorded,
        StepOutcome::NotApplicable => t.review.step_not_applicable,
    }
}

pub fn verdict(t: &Texts, verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::InOrder => t.review.verdict_in_order,
        Verdict::IssuesFound => t.review.verdict_issues_found,
    }
}

/// The words for an event of a case's chain; `None` for one no case's chain holds.
pub fn action(t: &Texts, code: &str) -> Option<&'static str> {
    let r = t.review;
    Some(match Action::from_code(code)? {
        Action::CaseOpened => r.action_case_opened,
        Action::StepRecorded => r.action_step_recorded,
        Action::StepNotApplicable => r.action_step_not_applicable,
        Action::CaseClosed => r.action_case_closed,
        Action::CaseStopped => r.action_case_stopped,
        Action::PersonalDataViewed => r.action_personal_data_viewed,
        Action::NoticeShown => r.action_notice_shown,
        Action::AuthorisationPrinted => r.action_authorisation_printed,
        Action::ReceiptPrinted => r.action_receipt_printed,
        Action::AuthorisationVerified => r.action_authorisation_verified,
        Action::CaseReviewed => r.action_case_reviewed,
        Action::PersonalDataErased => r.action_personal_data_erased,
        Action::SubjectAccessDisclosed => r.action_subject_access_disclosed,
        Action::EvidenceCheckFailed => r.action_evidence_check_failed,
        Action::AuthorisationReprintMismatch => r.action_reprint_mismatch,
        Action::EidConfirmationRefused => r.action_eid_refused,
        Action::MessageQueued => t.messages.action_message_queued,
        Action::MessageSent => t.messages.action_message_sent,
        Action::MessageDelivered => t.messages.action_message_delivered,
        Action::MessageFailed => t.messages.action_message_failed,
        Action::ClientToldInstead => t.messages.action_client_told_instead,
        _ => return None,
    })
}

/// Which page showed a case's personal data (an access event's `page`), in words: a duty's page
/// by the duty's title; a code no page writes any more stands for itself.
pub fn viewed_page(t: &Texts, code: &str) -> String {
    let e = t.evidence;
    if let Some(step) = code.strip_prefix("step:").and_then(Step::from_slug) {
        return format!("{} {}", step.subpoint(), duty(t, step));
    }
    match code {
        "overview" | "case" => e.page_overview,
        "stop" => e.page_stop,
        "search" => e.page_search,
        "review" => e.page_review,
        "review-authorisation" => e.page_review_authorisation,
        "evidence-bundle" => e.page_evidence_bundle,
        other => return other.to_owned(),
    }
    .to_owned()
}

pub fn channel(t: &Texts, channel: ContactChannel) -> &'static str {
    let c = t.cases;
    match channel {
        ContactChannel::Phone => c.channel_phone,
        ContactChannel::Email => c.channel_email,
        ContactChannel::Post => c.channel_post,
        ContactChannel::InPerson => c.channel_in_person,
    }
}

pub fn message_channel(t: &Texts, channel: MessageChannel) -> &'static str {
    match channel {
        MessageChannel::Email => t.messages.channel_email,
        MessageChannel::Sms => t.messages.channel_sms,
    }
}

/// A message's status as the desk sees it (`sending` is still "queued" to them).
pub fn message_status(t: &Texts, status: MessageStatus) -> &'static str {
    let m = t.messages;
    match status {
        MessageStatus::Queued | MessageStatus::Sending => m.status_queued,
        MessageStatus::Sent => m.status_sent,
        MessageStatus::Delivered => m.status_delivered,
        MessageStatus::Failed => m.status_failed,
    }
}

pub fn failure_reason(t: &Texts, reason: FailureReason) -> &'static str {
    let m = t.messages;
    match reason {
        FailureReason::Unreachable => m.reason_unreachable,
        FailureReason::Rejected => m.reason_rejected,
        FailureReason::Undelivered => m.reason_undelivered,
        FailureReason::OutcomeUnknown => m.reason_outcome_unknown,
        FailureReason::NotConfigured => m.reason_not_configured,
    }
}

pub fn document(t: &Texts, doc_type: DocumentType) -> &'static str {
    let t = t.cases;
    match doc_type {
        DocumentType::LvPassport => t.doc_lv_passport,
        DocumentType::LvIdentityCard => t.doc_lv_identity_card,
        DocumentType::ResidencePermit => t.doc_residence_permit,
        DocumentType::NonCitizenPassport => t.doc_non_citizen_passport,
        DocumentType::StatelessOrRefugeeTravelDocument => t.doc_stateless_or_refugee,
        DocumentType::EuRegistrationCertificate => t.doc_eu_registration,
        DocumentType::ForeignPassport => t.doc_foreign_passport,
    }
}

pub fn outcome(t: &Texts, outcome: Outcome) -> &'static str {
    let t = t.cases;
    match outcome {
        Outcome::Granted => t.outcome_granted,
        Outcome::Refused => t.outcome_refused,
        Outcome::Other => t.outcome_other,
    }
}

/// A kind of personal data (22.¹4); a code the list no longer holds stands for itself.
pub fn category(t: &Texts, code: &str) -> String {
    DataCategory::from_code(code)
        .map_or_else(|| code.to_owned(), |c| data_category(t, c).to_owned())
}

pub fn data_category(t: &Texts, category: DataCategory) -> &'static str {
    let c = t.common;
    match category {
        DataCategory::Identity => c.category_identity,
        DataCategory::Contact => c.category_contact,
        DataCategory::Address => c.category_address,
        DataCategory::Family => c.category_family,
        DataCategory::Income => c.category_income,
        DataCategory::BankAccount => c.category_bank_account,
        DataCategory::Education => c.category_education,
        DataCategory::Property => c.category_property,
        DataCategory::Health => c.category_health,
    }
}

/// Why a qualified eID confirmation of 22.¹2 was refused.
pub fn eid_refusal(t: &Texts, refusal: crate::oidc::Refusal) -> &'static str {
    use crate::oidc::Refusal;
    let c = t.cases;
    match refusal {
        Refusal::NoRequest => c.eid_refused_no_request,
        Refusal::State => c.eid_refused_state,
        Refusal::Denied => c.eid_refused_denied,
        Refusal::Unreachable => c.eid_refused_unreachable,
        Refusal::Code => c.eid_refused_code,
        Refusal::Malformed => c.eid_refused_malformed,
        Refusal::Signature => c.eid_refused_signature,
        Refusal::Issuer => c.eid_refused_issuer,
        Refusal::Audience => c.eid_refused_audience,
        Refusal::Nonce => c.eid_refused_nonce,
        Refusal::Expired => c.eid_refused_expired,
        Refusal::NotFresh => c.eid_refused_not_fresh,
        Refusal::Level => c.eid_refused_level,
        Refusal::Means => c.eid_refused_means,
        Refusal::NotLinked => c.eid_refused_not_linked,
        Refusal::OtherPerson => c.eid_refused_other_person,
        Refusal::CaseChanged => c.eid_refused_case_changed,
    }
}

/// How 22.¹2 was confirmed: declared from the list, or verified with a qualified eID.
pub fn confirmation(t: &Texts, confirmation: crate::domain::steps::Confirmation) -> &'static str {
    use crate::domain::steps::Confirmation;
    match confirmation {
        Confirmation::Declared => t.cases.confirmation_declared,
        Confirmation::Verified => t.cases.confirmation_verified,
    }
}
