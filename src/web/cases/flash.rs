//! The one-line messages a redirect carries (`?notice=`): codes only, never personal data.

use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::ids::CaseId;
use crate::domain::workflow::{Step, WorkflowError};
use crate::i18n::Cases;
use crate::service::cases::CaseError;
use crate::web::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    Opened,
    Recorded,
    /// The last duty was recorded: the case is closed.
    Closed,
    Stopped,
    AlreadyRecorded,
    OutOfOrder,
    CaseClosed,
    CaseStopped,
    Inconsistent,
    /// 22.¹6 or 22.¹7 recorded with a message the product sends.
    MessageQueued,
    /// After a failed message, how the client was told instead was recorded.
    ToldInstead,
}

impl Flash {
    const ALL: [Self; 11] = [
        Self::MessageQueued,
        Self::ToldInstead,
        Self::Opened,
        Self::Recorded,
        Self::Closed,
        Self::Stopped,
        Self::AlreadyRecorded,
        Self::OutOfOrder,
        Self::CaseClosed,
        Self::CaseStopped,
        Self::Inconsistent,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Opened => "opened",
            Self::Recorded => "recorded",
            Self::Closed => "closed",
            Self::Stopped => "stopped",
            Self::AlreadyRecorded => "already-recorded",
            Self::OutOfOrder => "out-of-order",
            Self::CaseClosed => "case-closed",
            Self::CaseStopped => "case-stopped",
            Self::Inconsistent => "inconsistent",
            Self::MessageQueued => "message-queued",
            Self::ToldInstead => "told-instead",
        }
    }

    pub(super) fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flash| flash.code() == code)
    }

    pub(super) fn refusal(error: WorkflowError) -> Self {
        match error {
            WorkflowError::Closed => Self::CaseClosed,
            WorkflowError::Stopped => Self::CaseStopped,
            WorkflowError::AlreadyRecorded { .. } => Self::AlreadyRecorded,
            WorkflowError::OutOfOrder { .. } => Self::OutOfOrder,
            WorkflowError::WantsResultMissing
            | WorkflowError::WantsResultNotExpected
            | WorkflowError::InconsistentState => Self::Inconsistent,
        }
    }

    pub(super) fn is_refusal(self) -> bool {
        !matches!(
            self,
            Self::Opened
                | Self::Recorded
                | Self::Closed
                | Self::Stopped
                | Self::MessageQueued
                | Self::ToldInstead
        )
    }

    pub(super) fn message(self, t: &Cases) -> &'static str {
        match self {
            Self::Opened => t.notice_opened,
            Self::Recorded => t.notice_recorded,
            Self::Closed => t.notice_closed,
            Self::Stopped => t.notice_stopped,
            Self::AlreadyRecorded => t.notice_already_recorded,
            Self::OutOfOrder => t.notice_out_of_order,
            Self::CaseClosed => t.notice_case_closed,
            Self::CaseStopped => t.notice_case_stopped,
            Self::Inconsistent => t.notice_inconsistent,
            Self::MessageQueued => t.notice_message_queued,
            Self::ToldInstead => t.notice_told_instead,
        }
    }

    /// Back to the case page, saying what happened.
    pub fn redirect(self, case_id: CaseId) -> Response {
        Redirect::to(&format!("/cases/{case_id}?notice={}", self.code())).into_response()
    }

    /// Back to the case page, saying why `error` refused the request; a duty recorded already
    /// names its step, so that the page can say who recorded it and when.
    /// Where a duty just recorded leads: straight on to the next duty, saying the last one was
    /// recorded; the overview once the case is closed.
    pub fn after_recorded(case_id: CaseId, next: Option<Step>) -> Response {
        match next {
            Some(next) => Redirect::to(&format!(
                "/cases/{case_id}/steps/{}?notice={}",
                next.slug(),
                Self::Recorded.code()
            ))
            .into_response(),
            None => Self::Closed.redirect(case_id),
        }
    }

    pub fn refused(case_id: CaseId, error: WorkflowError) -> Response {
        match error {
            WorkflowError::AlreadyRecorded { step } => Redirect::to(&format!(
                "/cases/{case_id}?notice={}&step={}",
                Self::AlreadyRecorded.code(),
                step.slug()
            ))
            .into_response(),
            error => Self::refusal(error).redirect(case_id),
        }
    }
}

/// What a refused or failed case operation becomes, except a stale form (the caller re-renders).
pub(super) fn refused(case_id: CaseId, error: CaseError) -> Result<Response, AppError> {
    match error {
        CaseError::NotFound => Err(AppError::NotFound),
        CaseError::Workflow(error) => Ok(Flash::refused(case_id, error)),
        CaseError::Stale | CaseError::AuthorisationNotPrinted | CaseError::NotAsPrinted => {
            Err(AppError::BadRequest)
        }
        CaseError::Database(error) => Err(error.into()),
    }
}
