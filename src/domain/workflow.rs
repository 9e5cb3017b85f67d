//! The case's state machine: the duties of point 22.¹ recorded strictly in order, the duties that
//! do not apply skipped by the machine itself (with the reason), and the final states.
//!
//! This is the one place that decides whether a step may be recorded. It does no I/O: the caller
//! loads the `CaseState`, asks here, and stores the `Transition` in the same transaction.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::figures::riga_midnight;
use super::today_in_riga;

/// The duties of 22.¹, in the order the regulation requires. `Ord` follows that order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type,
)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum Step {
    /// 22.¹1 verify the client's identity.
    Identity,
    /// 22.¹2 the employee signs in to latvija.lv with a qualified eID means.
    EmployeeEid,
    /// 22.¹3 data-use notice and the written authorisation in two copies.
    Authorisation,
    /// 22.¹4 personal data processed for this purpose only.
    DataProcessing,
    /// 22.¹5 the e-service was applied for.
    Submission,
    /// 22.¹6 the client was told the planned time, if the portal gives one.
    PlannedTime,
    /// 22.¹7 the client was told the result, if the portal gives one and the client asked.
    Result,
}

impl Step {
    pub const ALL: [Self; 7] = [
        Self::Identity,
        Self::EmployeeEid,
        Self::Authorisation,
        Self::DataProcessing,
        Self::Submission,
        Self::PlannedTime,
        Self::Result,
    ];

    /// For URLs and storage.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::EmployeeEid => "employee-eid",
            Self::Authorisation => "authorisation",
            Self::DataProcessing => "data-processing",
            Self::Submission => "submission",
            Self::PlannedTime => "planned-time",
            Self::Result => "result",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// 1 for 22.¹1 … 7 for 22.¹7.
    pub fn number(&self) -> u8 {
        *self as u8 + 1
    }

    pub fn subpoint(&self) -> &'static str {
        match self {
            Self::Identity => "22.¹1",
            Self::EmployeeEid => "22.¹2",
            Self::Authorisation => "22.¹3",
            Self::DataProcessing => "22.¹4",
            Self::Submission => "22.¹5",
            Self::PlannedTime => "22.¹6",
            Self::Result => "22.¹7",
        }
    }

    pub fn next(&self) -> Option<Self> {
        Self::ALL.get(usize::from(self.number())).copied()
    }

    /// Why this step does not apply to the case, or `None` when it is required.
    /// `client_wants_result` is the 22.¹3 answer (`None` before it was given).
    pub fn not_applicable_reason(
        &self,
        caps: Capabilities,
        client_wants_result: Option<bool>,
    ) -> Option<NotApplicableReason> {
        match self {
            Self::PlannedTime if !caps.gives_planned_time => {
                Some(NotApplicableReason::PortalGivesNoPlannedTime)
            }
            Self::Result if !caps.gives_result => Some(NotApplicableReason::PortalGivesNoResult),
            Self::Result if client_wants_result != Some(true) => {
                Some(NotApplicableReason::ClientDidNotAsk)
            }
            _ => None,
        }
    }
}

/// A case that has waited for the result (22.¹7) for more than this many Riga calendar days since
/// the day it was submitted is overdue: the lists highlight it so that the desk asks the
/// institution, and the figures count it.
pub const RESULT_OVERDUE_AFTER_DAYS: i64 = 30;

/// The one rule for "overdue", for the lists and the figures alike: a case whose next duty is
/// 22.¹7 is overdue when it was submitted before this instant (the start of the Riga day
/// [`RESULT_OVERDUE_AFTER_DAYS`] days before today).
pub fn results_overdue_before(now: DateTime<Utc>) -> DateTime<Utc> {
    let cutoff = today_in_riga(now) - TimeDelta::days(RESULT_OVERDUE_AFTER_DAYS);
    riga_midnight(cutoff)
}

/// Whether a case whose next duty is `next_step`, submitted at `submitted_at`, is overdue at
/// `now` (see [`results_overdue_before`]).
pub fn result_overdue(
    next_step: Option<Step>,
    submitted_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    next_step == Some(Step::Result)
        && submitted_at.is_some_and(|at| at < results_overdue_before(now))
}

/// What the e-service's catalogue entry says its portal gives back. Snapshot it on the case when
/// the case is opened, so a later catalogue edit cannot change which duties a case has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Capabilities {
    pub gives_planned_time: bool,
    pub gives_result: bool,
}

/// The steps a case must record before it can close.
pub fn required_steps(caps: Capabilities, client_wants_result: Option<bool>) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|step| {
            step.not_applicable_reason(caps, client_wants_result)
                .is_none()
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "case_status", rename_all = "lowercase")]
pub enum CaseStatus {
    Open,
    Closed,
    Stopped,
}

impl CaseStatus {
    pub const ALL: [Self; 3] = [Self::Open, Self::Closed, Self::Stopped];

    pub fn code(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Stopped => "stopped",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How a duty stands in the case's record: recorded by an employee, or marked not applicable by
/// the product (with a [`NotApplicableReason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum StepOutcome {
    Recorded,
    NotApplicable,
}

impl StepOutcome {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::NotApplicable => "not-applicable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum NotApplicableReason {
    PortalGivesNoPlannedTime,
    PortalGivesNoResult,
    ClientDidNotAsk,
}

impl NotApplicableReason {
    pub const ALL: [Self; 3] = [
        Self::PortalGivesNoPlannedTime,
        Self::PortalGivesNoResult,
        Self::ClientDidNotAsk,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Self::PortalGivesNoPlannedTime => "portal-gives-no-planned-time",
            Self::PortalGivesNoResult => "portal-gives-no-result",
            Self::ClientDidNotAsk => "client-did-not-ask",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "kebab-case")]
#[sqlx(type_name = "text", rename_all = "kebab-case")]
pub enum StopReason {
    IdentityNotVerified,
    DocumentExpired,
    ClientWithdrew,
    ServiceNotAuthorisable,
    PortalRefused,
    PortalUnavailable,
    Other,
}

impl StopReason {
    pub const ALL: [Self; 7] = [
        Self::IdentityNotVerified,
        Self::DocumentExpired,
        Self::ClientWithdrew,
        Self::ServiceNotAuthorisable,
        Self::PortalRefused,
        Self::PortalUnavailable,
        Self::Other,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Self::IdentityNotVerified => "identity-not-verified",
            Self::DocumentExpired => "document-expired",
            Self::ClientWithdrew => "client-withdrew",
            Self::ServiceNotAuthorisable => "service-not-authorisable",
            Self::PortalRefused => "portal-refused",
            Self::PortalUnavailable => "portal-unavailable",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum WorkflowError {
    #[error("the case is closed")]
    Closed,
    #[error("the case is stopped")]
    Stopped,
    #[error("step {step:?} is already recorded")]
    AlreadyRecorded { step: Step },
    #[error("step {got:?} cannot be recorded before {expected:?}")]
    OutOfOrder { expected: Step, got: Step },
    /// Recording 22.¹3 needs the client's answer whether to be told the result.
    #[error("the authorisation step needs the client's answer about the result")]
    WantsResultMissing,
    /// Only 22.¹3 carries that answer.
    #[error("only the authorisation step records whether the client wants the result")]
    WantsResultNotExpected,
    /// A stored state that the machine could never have produced.
    #[error("the stored case state is inconsistent")]
    InconsistentState,
}

impl WorkflowError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Closed => "case-closed",
            Self::Stopped => "case-stopped",
            Self::AlreadyRecorded { .. } => "step-already-recorded",
            Self::OutOfOrder { .. } => "step-out-of-order",
            Self::WantsResultMissing => "wants-result-missing",
            Self::WantsResultNotExpected => "wants-result-not-expected",
            Self::InconsistentState => "case-state-inconsistent",
        }
    }
}

/// Where a case stands. Build it with `opened()` or, from storage, `restore()`; change it only
/// through `record()` and `stop()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "StoredCaseState")]
pub struct CaseState {
    status: CaseStatus,
    /// The step the case waits for; `None` once closed or stopped.
    next_step: Option<Step>,
    /// The client's 22.¹3 answer; `None` until 22.¹3 is recorded.
    client_wants_result: Option<bool>,
}

/// What a successful `record()` did, to be stored in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub recorded: Step,
    /// Steps the machine marked not applicable by itself, in order.
    pub not_applicable: Vec<(Step, NotApplicableReason)>,
    pub new_state: CaseState,
}

impl CaseState {
    /// A freshly opened case waits for 22.¹1.
    pub fn opened() -> Self {
        Self {
            status: CaseStatus::Open,
            next_step: Some(Step::Identity),
            client_wants_result: None,
        }
    }

    /// Rebuilds a state from stored columns, refusing combinations the machine never produces.
    pub fn restore(
        status: CaseStatus,
        next_step: Option<Step>,
        client_wants_result: Option<bool>,
    ) -> Result<Self, WorkflowError> {
        let answered = client_wants_result.is_some();
        let consistent = match (status, next_step) {
            (CaseStatus::Open, Some(next)) => answered == (next > Step::Authorisation),
            (CaseStatus::Open, None) => false,
            (CaseStatus::Closed, next) => next.is_none() && answered,
            (CaseStatus::Stopped, next) => next.is_none(),
        };
        if consistent {
            Ok(Self {
                status,
                next_step,
                client_wants_result,
            })
        } else {
            Err(WorkflowError::InconsistentState)
        }
    }

    pub fn status(&self) -> CaseStatus {
        self.status
    }

    pub fn next_step(&self) -> Option<Step> {
        self.next_step
    }

    pub fn client_wants_result(&self) -> Option<bool> {
        self.client_wants_result
    }

    /// Records `step`. `client_wants_result` is the 22.¹3 answer: `Some` exactly when `step` is
    /// `Authorisation`. Steps after it that do not apply are marked not applicable at once, and
    /// the case closes when nothing required remains.
    pub fn record(
        &self,
        step: Step,
        caps: Capabilities,
        client_wants_result: Option<bool>,
    ) -> Result<Transition, WorkflowError> {
        self.may_record(step)?;
        let wants_result = match (step, client_wants_result) {
            (Step::Authorisation, Some(answer)) => Some(answer),
            (Step::Authorisation, None) => return Err(WorkflowError::WantsResultMissing),
            (_, Some(_)) => return Err(WorkflowError::WantsResultNotExpected),
            (_, None) => self.client_wants_result,
        };
        let (next_step, not_applicable) = next_required_after(step, caps, wants_result);
        let status = if next_step.is_some() {
            CaseStatus::Open
        } else {
            CaseStatus::Closed
        };
        Ok(Transition {
            recorded: step,
            not_applicable,
            new_state: Self {
                status,
                next_step,
                client_wants_result: wants_result,
            },
        })
    }

    /// Whether `step` is the one the case waits for: the order check of `record`, on its own, so
    /// that a form is shown only when it could be recorded.
    pub fn may_record(&self, step: Step) -> Result<(), WorkflowError> {
        let expected = self.expected_step()?;
        if step < expected {
            Err(WorkflowError::AlreadyRecorded { step })
        } else if step > expected {
            Err(WorkflowError::OutOfOrder {
                expected,
                got: step,
            })
        } else {
            Ok(())
        }
    }

    /// Stops an open case for good.
    pub fn stop(&self, _reason: StopReason) -> Result<CaseState, WorkflowError> {
        // The reason is the caller's to store; every reason is allowed from every open state.
        self.expected_step()?;
        Ok(Self {
            status: CaseStatus::Stopped,
            next_step: None,
            client_wants_result: self.client_wants_result,
        })
    }

    fn expected_step(&self) -> Result<Step, WorkflowError> {
        match (self.status, self.next_step) {
            (CaseStatus::Closed, _) => Err(WorkflowError::Closed),
            (CaseStatus::Stopped, _) => Err(WorkflowError::Stopped),
            (CaseStatus::Open, Some(next)) => Ok(next),
            (CaseStatus::Open, None) => Err(WorkflowError::InconsistentState),
        }
    }
}

/// Walks past the steps that do not apply, collecting them with their reasons.
fn next_required_after(
    step: Step,
    caps: Capabilities,
    client_wants_result: Option<bool>,
) -> (Option<Step>, Vec<(Step, NotApplicableReason)>) {
    let mut not_applicable = Vec::new();
    let mut candidate = step.next();
    while let Some(next) = candidate {
        match next.not_applicable_reason(caps, client_wants_result) {
            Some(reason) => not_applicable.push((next, reason)),
            None => break,
        }
        candidate = next.next();
    }
    (candidate, not_applicable)
}

#[derive(Deserialize)]
struct StoredCaseState {
    status: CaseStatus,
    next_step: Option<Step>,
    client_wants_result: Option<bool>,
}

impl TryFrom<StoredCaseState> for CaseState {
    type Error = WorkflowError;

    fn try_from(stored: StoredCaseState) -> Result<Self, Self::Error> {
        CaseState::restore(stored.status, stored.next_step, stored.client_wants_result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A Riga wall-clock time as an instant (winter: UTC+2).
    fn riga(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        chrono_tz::Europe::Riga
            .with_ymd_and_hms(2026, 1, day, hour, minute, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_result_is_overdue_after_more_than_thirty_riga_calendar_days() {
        let now = riga(31, 0, 30); // 31 January, half past midnight in Riga
        let awaiting = Some(Step::Result);
        // Submitted late on 31 December: 31 calendar days ago, overdue.
        assert!(result_overdue(
            awaiting,
            Some(riga(1, 0, 0) - TimeDelta::minutes(1)),
            now
        ));
        // Submitted at the first minute of 1 January: 30 days ago, not yet.
        assert!(!result_overdue(awaiting, Some(riga(1, 0, 0)), now));
        assert_eq!(results_overdue_before(now), riga(1, 0, 0));
        // The hour of the day does not matter, only the Riga date.
        assert_eq!(results_overdue_before(riga(31, 23, 59)), riga(1, 0, 0));
        // Only a case whose next duty is the result, and that was submitted, can be overdue.
        assert!(!result_overdue(
            Some(Step::PlannedTime),
            Some(riga(1, 0, 0)),
            riga(31, 0, 0) + TimeDelta::days(5)
        ));
        assert!(!result_overdue(awaiting, None, now));
        assert!(!result_overdue(None, Some(riga(1, 0, 0)), now));
    }

    const FULL: Capabilities = Capabilities {
        gives_planned_time: true,
        gives_result: true,
    };
    const NOTHING_BACK: Capabilities = Capabilities {
        gives_planned_time: false,
        gives_result: false,
    };

    fn answer_for(step: Step, wants_result: bool) -> Option<bool> {
        (step == Step::Authorisation).then_some(wants_result)
    }

    /// Records the expected steps up to and including `last`, passing over skipped ones.
    fn state_after(last: Step, caps: Capabilities, wants_result: bool) -> CaseState {
        let mut state = CaseState::opened();
        for step in Step::ALL.into_iter().take_while(|s| *s <= last) {
            if state.next_step() != Some(step) {
                continue;
            }
            state = state
                .record(step, caps, answer_for(step, wants_result))
                .unwrap()
                .new_state;
        }
        state
    }

    #[test]
    fn step_names_numbers_and_subpoints() {
        for (index, step) in Step::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(step.number()), index + 1);
            assert_eq!(step.subpoint(), format!("22.¹{}", index + 1));
            assert_eq!(Step::from_slug(step.slug()), Some(step));
            let json = serde_json::to_string(&step).unwrap();
            assert_eq!(json, format!("\"{}\"", step.slug()));
        }
        assert_eq!(Step::from_slug("nope"), None);
        assert_eq!(Step::Result.next(), None);
        assert_eq!(Step::Identity.next(), Some(Step::EmployeeEid));
    }

    #[test]
    fn codes_round_trip() {
        for status in CaseStatus::ALL {
            assert_eq!(CaseStatus::from_code(status.code()), Some(status));
        }
        for reason in StopReason::ALL {
            assert_eq!(StopReason::from_code(reason.code()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.code()));
        }
        for reason in NotApplicableReason::ALL {
            assert_eq!(NotApplicableReason::from_code(reason.code()), Some(reason));
        }
    }

    #[test]
    fn opened_case_waits_for_identity() {
        let state = CaseState::opened();
        assert_eq!(state.status(), CaseStatus::Open);
        assert_eq!(state.next_step(), Some(Step::Identity));
        assert_eq!(state.client_wants_result(), None);
    }

    #[test]
    fn employee_cannot_skip_ahead_of_identity() {
        let error = CaseState::opened()
            .record(Step::EmployeeEid, FULL, None)
            .unwrap_err();
        assert_eq!(
            error,
            WorkflowError::OutOfOrder {
                expected: Step::Identity,
                got: Step::EmployeeEid
            }
        );
        assert_eq!(error.code(), "step-out-of-order");
    }

    #[test]
    fn employee_cannot_submit_before_authorisation_is_signed() {
        let state = state_after(Step::EmployeeEid, FULL, true);
        assert_eq!(
            state.record(Step::Submission, FULL, None),
            Err(WorkflowError::OutOfOrder {
                expected: Step::Authorisation,
                got: Step::Submission
            })
        );
    }

    #[test]
    fn a_step_cannot_be_recorded_twice() {
        let state = state_after(Step::Identity, FULL, true);
        let error = state.record(Step::Identity, FULL, None).unwrap_err();
        assert_eq!(
            error,
            WorkflowError::AlreadyRecorded {
                step: Step::Identity
            }
        );
        assert_eq!(error.code(), "step-already-recorded");
    }

    #[test]
    fn authorisation_needs_the_result_answer_and_only_it_takes_one() {
        let state = state_after(Step::EmployeeEid, FULL, true);
        assert_eq!(
            state.record(Step::Authorisation, FULL, None),
            Err(WorkflowError::WantsResultMissing)
        );
        assert_eq!(
            CaseState::opened().record(Step::Identity, FULL, Some(true)),
            Err(WorkflowError::WantsResultNotExpected)
        );
        let after = state
            .record(Step::Authorisation, FULL, Some(false))
            .unwrap();
        assert_eq!(after.new_state.client_wants_result(), Some(false));
        assert_eq!(after.new_state.next_step(), Some(Step::DataProcessing));
    }

    #[test]
    fn closed_case_refuses_everything() {
        let closed = state_after(Step::Submission, NOTHING_BACK, true);
        assert_eq!(closed.status(), CaseStatus::Closed);
        assert_eq!(
            closed.record(Step::Result, FULL, None),
            Err(WorkflowError::Closed)
        );
        assert_eq!(
            closed.stop(StopReason::ClientWithdrew),
            Err(WorkflowError::Closed)
        );
        assert_eq!(WorkflowError::Closed.code(), "case-closed");
    }

    #[test]
    fn stopped_case_refuses_everything() {
        let stopped = CaseState::opened()
            .stop(StopReason::IdentityNotVerified)
            .unwrap();
        assert_eq!(stopped.status(), CaseStatus::Stopped);
        assert_eq!(stopped.next_step(), None);
        assert_eq!(
            stopped.record(Step::Identity, FULL, None),
            Err(WorkflowError::Stopped)
        );
        assert_eq!(stopped.stop(StopReason::Other), Err(WorkflowError::Stopped));
    }

    #[test]
    fn case_can_be_stopped_while_waiting_for_the_result() {
        let waiting = state_after(Step::PlannedTime, FULL, true);
        assert_eq!(waiting.next_step(), Some(Step::Result));
        let stopped = waiting.stop(StopReason::PortalUnavailable).unwrap();
        assert_eq!(stopped.status(), CaseStatus::Stopped);
        assert_eq!(stopped.client_wants_result(), Some(true));
    }

    /// After 22.¹5 for every combination of capabilities and answer: which steps the machine
    /// skipped, and where the case stands.
    #[test]
    fn every_capability_and_answer_combination_after_submission() {
        use NotApplicableReason::*;
        use Step::*;
        let cases = [
            (true, true, true, vec![], Some(PlannedTime)),
            (true, true, false, vec![], Some(PlannedTime)),
            (true, false, true, vec![], Some(PlannedTime)),
            (true, false, false, vec![], Some(PlannedTime)),
            (
                false,
                true,
                true,
                vec![(PlannedTime, PortalGivesNoPlannedTime)],
                Some(Result),
            ),
            (
                false,
                true,
                false,
                vec![
                    (PlannedTime, PortalGivesNoPlannedTime),
                    (Result, ClientDidNotAsk),
                ],
                None,
            ),
            (
                false,
                false,
                true,
                vec![
                    (PlannedTime, PortalGivesNoPlannedTime),
                    (Result, PortalGivesNoResult),
                ],
                None,
            ),
            (
                false,
                false,
                false,
                vec![
                    (PlannedTime, PortalGivesNoPlannedTime),
                    (Result, PortalGivesNoResult),
                ],
                None,
            ),
        ];
        for (planned, result, wants, skipped, next) in cases {
            let caps = Capabilities {
                gives_planned_time: planned,
                gives_result: result,
            };
            let before = state_after(DataProcessing, caps, wants);
            let transition = before.record(Submission, caps, None).unwrap();
            assert_eq!(transition.not_applicable, skipped, "{caps:?} wants={wants}");
            assert_eq!(transition.new_state.next_step(), next);
            let status = if next.is_some() {
                CaseStatus::Open
            } else {
                CaseStatus::Closed
            };
            assert_eq!(transition.new_state.status(), status);
        }
    }

    #[test]
    fn result_is_skipped_after_planned_time_when_not_needed() {
        use NotApplicableReason::*;
        for (result, wants, reason) in [
            (false, true, PortalGivesNoResult),
            (false, false, PortalGivesNoResult),
            (true, false, ClientDidNotAsk),
        ] {
            let caps = Capabilities {
                gives_planned_time: true,
                gives_result: result,
            };
            let transition = state_after(Step::Submission, caps, wants)
                .record(Step::PlannedTime, caps, None)
                .unwrap();
            assert_eq!(transition.not_applicable, vec![(Step::Result, reason)]);
            assert_eq!(transition.new_state.status(), CaseStatus::Closed);
        }
        let transition = state_after(Step::Submission, FULL, true)
            .record(Step::PlannedTime, FULL, None)
            .unwrap();
        assert!(transition.not_applicable.is_empty());
        assert_eq!(transition.new_state.next_step(), Some(Step::Result));
    }

    #[test]
    fn recording_the_result_closes_the_case() {
        let transition = state_after(Step::PlannedTime, FULL, true)
            .record(Step::Result, FULL, None)
            .unwrap();
        assert_eq!(transition.new_state.status(), CaseStatus::Closed);
        assert_eq!(transition.new_state.next_step(), None);
    }

    #[test]
    fn required_steps_for_each_combination() {
        use Step::*;
        let always = vec![
            Identity,
            EmployeeEid,
            Authorisation,
            DataProcessing,
            Submission,
        ];
        for planned in [false, true] {
            for result in [false, true] {
                for wants in [None, Some(false), Some(true)] {
                    let caps = Capabilities {
                        gives_planned_time: planned,
                        gives_result: result,
                    };
                    let mut expected = always.clone();
                    if planned {
                        expected.push(PlannedTime);
                    }
                    if result && wants == Some(true) {
                        expected.push(Result);
                    }
                    assert_eq!(required_steps(caps, wants), expected);
                }
            }
        }
    }

    #[test]
    fn restore_refuses_states_the_machine_never_produces() {
        use CaseStatus::*;
        assert!(CaseState::restore(Open, Some(Step::Identity), None).is_ok());
        assert!(CaseState::restore(Open, Some(Step::Result), Some(true)).is_ok());
        assert!(CaseState::restore(Closed, None, Some(false)).is_ok());
        assert!(CaseState::restore(Stopped, None, None).is_ok());
        for (status, next, wants) in [
            (Open, None, None),
            (Open, Some(Step::Identity), Some(true)),
            (Open, Some(Step::Submission), None),
            (Closed, Some(Step::Result), Some(true)),
            (Closed, None, None),
            (Stopped, Some(Step::Identity), None),
        ] {
            assert_eq!(
                CaseState::restore(status, next, wants),
                Err(WorkflowError::InconsistentState)
            );
        }
        let json = serde_json::to_string(&state_after(Step::Authorisation, FULL, true)).unwrap();
        let back: CaseState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, state_after(Step::Authorisation, FULL, true));
        assert!(
            serde_json::from_str::<CaseState>(
                r#"{"status":"open","next_step":null,"client_wants_result":null}"#
            )
            .is_err()
        );
    }

    #[derive(Debug, Clone)]
    enum Action {
        /// Record whatever the case waits for (so random runs get far).
        RecordNext(bool),
        Record(Step, Option<bool>),
        Stop(StopReason),
    }

    fn any_step() -> impl Strategy<Value = Step> {
        proptest::sample::select(Step::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            6 => any::<bool>().prop_map(Action::RecordNext),
            3 => (any_step(), any::<Option<bool>>()).prop_map(|(s, w)| Action::Record(s, w)),
            1 => proptest::sample::select(StopReason::ALL.to_vec()).prop_map(Action::Stop),
        ]
    }

    fn any_caps() -> impl Strategy<Value = Capabilities> {
        (any::<bool>(), any::<bool>()).prop_map(|(p, r)| Capabilities {
            gives_planned_time: p,
            gives_result: r,
        })
    }

    fn apply(
        state: &CaseState,
        action: &Action,
        caps: Capabilities,
    ) -> Result<(CaseState, Option<Transition>), WorkflowError> {
        match *action {
            Action::RecordNext(wants) => {
                let step = state.next_step().unwrap_or(Step::Result);
                let transition = state.record(step, caps, answer_for(step, wants))?;
                Ok((transition.new_state, Some(transition)))
            }
            Action::Record(step, wants) => {
                let transition = state.record(step, caps, wants)?;
                Ok((transition.new_state, Some(transition)))
            }
            Action::Stop(reason) => Ok((state.stop(reason)?, None)),
        }
    }

    proptest! {
        #[test]
        fn no_action_sequence_breaks_the_rules(
            caps in any_caps(),
            actions in proptest::collection::vec(any_action(), 0..30),
        ) {
            let mut state = CaseState::opened();
            let mut recorded: Vec<Step> = Vec::new();
            let mut skipped: Vec<Step> = Vec::new();
            for action in &actions {
                let before = state;
                let outcome = apply(&state, action, caps);
                if before.status() != CaseStatus::Open {
                    // (b) closed and stopped are final.
                    prop_assert!(outcome.is_err());
                    continue;
                }
                match outcome {
                    Err(_) => prop_assert_eq!(state, before),
                    Ok((after, transition)) => {
                        if let Some(t) = transition {
                            // (c) recorded steps strictly increase.
                            if let Some(last) = recorded.last() {
                                prop_assert!(t.recorded > *last);
                            }
                            recorded.push(t.recorded);
                            skipped.extend(t.not_applicable.iter().map(|(s, _)| *s));
                        }
                        state = after;
                    }
                }
                if state.status() == CaseStatus::Closed {
                    // (a) nothing required is missing, and every duty is accounted for.
                    for step in required_steps(caps, state.client_wants_result()) {
                        prop_assert!(recorded.contains(&step), "{:?} missing", step);
                    }
                    for step in Step::ALL {
                        prop_assert!(recorded.contains(&step) ^ skipped.contains(&step));
                    }
                }
            }
        }

        #[test]
        fn final_states_do_not_change(
            caps in any_caps(),
            wants in any::<bool>(),
            stop_early in any::<bool>(),
            actions in proptest::collection::vec(any_action(), 1..20),
        ) {
            let final_state = if stop_early {
                CaseState::opened().stop(StopReason::ClientWithdrew).unwrap()
            } else {
                state_after(Step::Result, Capabilities { gives_planned_time: caps.gives_planned_time, gives_result: false }, wants)
            };
            prop_assert_ne!(final_state.status(), CaseStatus::Open);
            for action in &actions {
                prop_assert!(apply(&final_state, action, caps).is_err());
            }
        }
    }
}
