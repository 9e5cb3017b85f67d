//! The review page of one finished case: summary, evidence check, verdict, timeline, marking.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::{data_label, data_value, optional, outcome_text, verdict_text};
use crate::audit::Chain;
use crate::audit::commitment::{Component, DataFailure, DataProblem};
use crate::audit::verify::{ChainCheck, Problem, verify_chain};
use crate::domain::ids::CaseId;
use crate::domain::review::{ReviewError, Verdict, readable_lines, validate_review};
use crate::domain::workflow::{Step, StepOutcome};
use crate::i18n::Review;
use crate::i18n::Texts;
use crate::present::format::riga_time;
use crate::service;
use crate::service::documents::{self, DocumentCheck, DocumentState};
use crate::service::review::Marked;
use crate::store;
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::form::Errors;
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

pub struct StepLine {
    pub subpoint: &'static str,
    pub duty: &'static str,
    /// `None`: the case ended before this duty.
    pub outcome: Option<&'static str>,
    pub reason: Option<&'static str>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub data: Vec<(String, String)>,
}

pub struct EventLine {
    pub sequence: i64,
    /// The action in words, and its stable code (what `pilnvara audit verify` names).
    pub action: String,
    pub code: String,
    pub actor: String,
    pub occurred_at: String,
}

pub struct ReviewLine {
    pub id: i64,
    pub in_force: bool,
    pub reviewer: String,
    pub verdict: &'static str,
    pub issues: bool,
    pub remark: String,
    pub reviewed_at: String,
}

pub struct CaseSummary {
    pub id: CaseId,
    pub centre: String,
    pub eservice: String,
    pub employee: String,
    pub client: Option<String>,
    pub erased: bool,
    pub portal_reference: Option<String>,
    pub opened: String,
    pub submitted: Option<String>,
    pub finished: String,
    pub outcome: String,
    pub stop_remark: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/case.html")]
pub struct CasePage {
    page: Page,
    case: CaseSummary,
    /// The check of the case's chain and of its stored data against their commitments.
    evidence: EvidenceLine,
    document: Option<DocumentLine>,
    steps: Vec<StepLine>,
    events: Vec<EventLine>,
    events_limited: bool,
    /// Who viewed the client's data: (who, how many times, first, last).
    views: Vec<(String, i64, String, String)>,
    reviews: Vec<ReviewLine>,
    /// The review in force when the page was drawn: the form supersedes it.
    supersedes: Option<i64>,
    /// The supervisor worked on the case: the verdict is another supervisor's to give.
    own_case: bool,
    errors: Errors,
    verdict: String,
    remark: String,
    saved: bool,
}

impl CasePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn supersedes_value(&self) -> String {
        self.supersedes.map(|id| id.to_string()).unwrap_or_default()
    }
}

/// The authorisation record as the review page shows it.
pub struct DocumentLine {
    number: String,
    code: String,
    prints: i64,
    intact: bool,
    state: &'static str,
}

fn document_line(r: &'static Review, check: DocumentCheck) -> DocumentLine {
    let state = match check.state {
        DocumentState::Intact => r.document_intact,
        DocumentState::Altered => r.document_altered,
        DocumentState::Erased => r.document_erased,
    };
    DocumentLine {
        number: check.document_number,
        code: check.verification_code,
        prints: check.prints,
        intact: check.state != DocumentState::Altered,
        state,
    }
}

/// What the evidence check of a case found, as the page says it.
#[derive(Debug)]
pub enum EvidenceLine {
    /// Everything checked holds: what was checked, and notes (erasure, older cases).
    Verified {
        checked: Vec<(&'static str, String)>,
        notes: Vec<String>,
    },
    /// The chain breaks at an event.
    ChainBroken {
        sequence: i64,
        problem: &'static str,
    },
    /// A stored part differs from what the chain attests.
    DataChanged { what: String },
}

fn evidence_line(t: &'static Texts, check: &ChainCheck) -> EvidenceLine {
    let r = t.review;
    if let Some(failure) = &check.failure {
        return EvidenceLine::ChainBroken {
            sequence: failure.sequence,
            problem: problem_text(r, &failure.problem),
        };
    }
    if let Some(failure) = &check.data.failure {
        return EvidenceLine::DataChanged {
            what: data_failure_text(t, failure),
        };
    }
    let data = &check.data;
    let mut checked = vec![(r.evidence_checked_events, check.events.to_string())];
    let mut notes = Vec::new();
    if data.cases == 0 {
        notes.push(r.evidence_uncovered.to_owned());
    } else {
        let document = if data.rows.documents > 0 {
            r.evidence_document_matches
        } else {
            r.evidence_document_none
        };
        checked.extend([
            (r.evidence_checked_steps, data.rows.steps.to_string()),
            (r.evidence_checked_document, document.to_owned()),
            (r.evidence_checked_prints, data.rows.prints.to_string()),
            (r.evidence_checked_reviews, data.rows.reviews.to_string()),
        ]);
    }
    if let Some((sequence, at)) = data.erasure {
        notes.push(format!(
            "{} {} ({} {sequence}).",
            r.evidence_erased,
            crate::present::format::date(crate::domain::today_in_riga(at)),
            r.evidence_event
        ));
    }
    EvidenceLine::Verified { checked, notes }
}

/// The part of a case's record that differs, and how, in words.
fn data_failure_text(t: &'static Texts, failure: &DataFailure) -> String {
    let r = t.review;
    let part = match failure.part.split_once(':') {
        Some(("step", slug)) => Step::from_slug(slug).map_or_else(
            || failure.part.clone(),
            |step| {
                format!(
                    "{} {} — {}",
                    r.part_step,
                    step.subpoint(),
                    labels::duty(t, step)
                )
            },
        ),
        Some(("print", _)) => r.part_print.to_owned(),
        Some(("review", _)) => r.part_review.to_owned(),
        _ => match failure.part.as_str() {
            "case" => r.part_case,
            "client" => r.part_client,
            "contact" => r.part_contact,
            "retention" => r.part_retention,
            "submission" => r.part_submission,
            "stop" => r.part_stop,
            "closed" => r.part_closed,
            "erased" => r.part_erased,
            "document" => r.part_document,
            _ => r.part_other,
        }
        .to_owned(),
    };
    let how = match &failure.problem {
        DataProblem::Uncommitted => r.data_uncommitted.to_owned(),
        DataProblem::Changed { component, event } => {
            let component = match component {
                Component::Public => r.component_public,
                Component::Personal => r.component_personal,
            };
            format!("{component} {} {event}", r.data_changed_since)
        }
        DataProblem::Missing { event } => format!("{} {event}", r.data_missing),
        DataProblem::SaltMissing { event } => format!("{} {event}", r.data_salt_missing),
    };
    format!("{part}: {how}.")
}

/// The audit details of a failed evidence check: codes and ids, no personal data.
fn evidence_failure_details(check: &ChainCheck) -> serde_json::Value {
    if let Some(failure) = &check.failure {
        return json!({ "kind": "chain", "sequence": failure.sequence, "problem": failure.problem.to_string() });
    }
    match &check.data.failure {
        Some(failure) => json!({
            "kind": "data", "part": failure.part, "table": failure.table, "row": failure.row,
            "problem": failure.to_string(),
        }),
        None => json!({}),
    }
}

fn problem_text(r: &'static Review, problem: &Problem) -> &'static str {
    match problem {
        Problem::HashMismatch => r.problem_hash_mismatch,
        Problem::BrokenLink => r.problem_broken_link,
        Problem::Missing { .. }
        | Problem::TailMissing { .. }
        | Problem::AnchoredEventMissing { .. } => r.problem_missing,
        Problem::HeadMismatch { .. } | Problem::HeadMissing => r.problem_head,
        Problem::AnchoredHashMismatch { .. } => r.problem_rewritten,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    verdict: String,
    remark: String,
    supersedes: String,
}

/// A case or sample id from the path: anything but a number names nothing (404, not 400).
pub async fn show(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let form = ReviewForm::default();
    let saved = query.saved.is_some();
    render_case(
        &state,
        &db,
        page,
        &user,
        id,
        &form,
        Errors::default(),
        saved,
    )
    .await
}

/// Loads and renders the review page, writing the access event for the personal data it shows.
#[allow(clippy::too_many_arguments)]
async fn render_case(
    state: &AppState,
    db: &Db,
    page: Page,
    user: &CurrentUser,
    id: CaseId,
    form: &ReviewForm,
    errors: Errors,
    saved: bool,
) -> Result<Response, AppError> {
    let mut connection = db.connection().await?;
    let case = store::review::finished_case(&mut *connection, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let steps = store::review::steps(&mut connection, id).await?;
    let chain_key = Chain::Case(id).key();
    let events = store::review::events(&mut *connection, &chain_key).await?;
    let views = store::review::views(&mut *connection, id).await?;
    let reviews = store::review::reviews(&mut *connection, id).await?;
    let own_case = store::review::worked_on(&mut *connection, id, user.id).await?;
    // The chain's hashes and links; the anchors are checked by `pilnvara audit verify`.
    let chain = verify_chain(&mut *connection, &chain_key, None).await?;
    service::cases::log_view(
        &mut *connection,
        state.clock.now(),
        user.staff(),
        id,
        case.centre_id,
        "review",
    )
    .await?;
    if !chain.is_ok() {
        // Shown in words and written into the trail; never repaired.
        service::cases::evidence_check_failed(
            &mut *connection,
            state.clock.now(),
            user.staff(),
            (id, case.centre_id),
            evidence_failure_details(&chain),
        )
        .await?;
    }
    drop(connection);
    // The authorisation is rebuilt to compare it with the printed one: no connection is held
    // while it is laid out.
    db.release();
    let document = documents::check_authorisation(&state.db, id)
        .await
        .map_err(anyhow::Error::from)?;

    let t = page.t;
    let r = t.review;
    let step_lines = Step::ALL
        .into_iter()
        .map(|step| {
            let row = steps.iter().find(|row| row.step == step);
            StepLine {
                subpoint: step.subpoint(),
                duty: labels::duty(t, step),
                outcome: row.map(|row| {
                    if row.outcome == StepOutcome::Recorded {
                        r.step_recorded
                    } else {
                        r.step_not_applicable
                    }
                }),
                reason: row
                    .and_then(|row| row.reason)
                    .map(|reason| labels::not_applicable(t, reason)),
                recorded_by: row
                    .and_then(|row| row.recorded_by_name.clone())
                    .unwrap_or_else(|| r.system_actor.to_owned()),
                recorded_at: row
                    .map(|row| riga_time(row.recorded_at))
                    .unwrap_or_default(),
                data: row
                    .map(|row| {
                        let data = if step == Step::EmployeeEid {
                            crate::domain::steps::eid_data_for_reading(&row.data)
                        } else {
                            row.data.clone()
                        };
                        readable_lines(&data)
                            .into_iter()
                            .map(|(path, value)| {
                                (data_label(t, &path), data_value(t, &path, value))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let events_limited = events.len() as i64 >= store::review::EVENTS_SHOWN;
    let event_lines = events
        .into_iter()
        .map(|event| EventLine {
            sequence: event.sequence,
            action: labels::action(t, &event.action)
                .unwrap_or(r.action_other)
                .to_owned(),
            code: event.action,
            actor: event.actor.unwrap_or_else(|| r.system_actor.to_owned()),
            occurred_at: riga_time(event.occurred_at),
        })
        .collect();
    let view_lines = views
        .into_iter()
        .map(|row| {
            let who = row.viewer.unwrap_or_else(|| r.system_actor.to_owned());
            (who, row.views, riga_time(row.first), riga_time(row.last))
        })
        .collect();
    let supersedes = reviews.first().map(|review| review.id);
    let review_lines = reviews
        .into_iter()
        .enumerate()
        .map(|(index, review)| ReviewLine {
            id: review.id,
            in_force: index == 0,
            reviewer: review.reviewer,
            verdict: verdict_text(t, Some(review.verdict)),
            issues: review.verdict == Verdict::IssuesFound,
            remark: review.remark,
            reviewed_at: riga_time(review.reviewed_at),
        })
        .collect();
    let client = match (&case.client_given_names, &case.client_surnames) {
        (Some(given), Some(surnames)) => Some(format!("{given} {surnames}")),
        _ => None,
    };
    let summary = CaseSummary {
        id: case.id,
        centre: format!("{} — {}", case.centre_code, case.centre_name),
        eservice: page
            .lang
            .pick(&case.eservice_name_lv, &case.eservice_name_en)
            .to_owned(),
        employee: case.employee_name,
        client,
        erased: case.erased_at.is_some(),
        portal_reference: case.portal_reference,
        opened: riga_time(case.opened_at),
        submitted: case.submitted_at.map(riga_time),
        finished: riga_time(case.finished_at),
        outcome: outcome_text(t, case.status, case.stop_reason),
        stop_remark: case.stop_remark,
    };
    let evidence = evidence_line(t, &chain);
    Ok(CasePage {
        page,
        case: summary,
        evidence,
        document: document.map(|check| document_line(r, check)),
        steps: step_lines,
        events: event_lines,
        events_limited,
        views: view_lines,
        reviews: review_lines,
        supersedes,
        own_case,
        errors,
        verdict: form.verdict.clone(),
        remark: form.remark.clone(),
        saved,
    }
    .into_response())
}

fn review_error_text(t: &Texts, error: ReviewError) -> &'static str {
    match error {
        ReviewError::VerdictMissing => t.review.error_verdict_missing,
        ReviewError::RemarkRequired => t.review.error_remark_required,
        ReviewError::RemarkTooLong => t.review.error_remark_too_long,
        ReviewError::RemarkControlCharacters => t.cases.err_control_characters,
    }
}

/// Records a review: validated in `domain`, stored with its audit event in one transaction.
/// The form names the review it supersedes; if another review came first, nothing is stored
/// and the page shows the fresh state.
pub async fn mark(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let case = store::review::finished_case(&mut *db.connection().await?, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match validate_review(&form.verdict, &form.remark) {
        Ok(input) => input,
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|error| (error.field(), review_error_text(page.t, error)))
                .collect();
            return render_case(&state, &db, page, &user, id, &form, errors, false).await;
        }
    };
    let supersedes = optional(&form.supersedes, |text| text.parse::<i64>().ok())?;
    let marked = service::review::mark(
        &mut *db.connection().await?,
        state.clock.now(),
        user.staff(),
        (id, case.centre_id),
        supersedes,
        &input,
    )
    .await?;
    let refusal = match marked {
        Marked::Recorded { .. } => {
            return Ok(Redirect::to(&format!("/review/{id}?saved=1#reviews")).into_response());
        }
        Marked::ReviewedMeanwhile => page.t.review.error_reviewed_meanwhile,
        Marked::OwnCase => page.t.review.error_own_case,
    };
    let errors = Errors::one("verdict", refusal);
    render_case(&state, &db, page, &user, id, &form, errors, false).await
}
