//! The supervisor's review: the queue of finished cases (and its CSV), the review page with the
//! case's timeline, audit events and reviews, marking a case reviewed, and spot-check samples.
//!
//! Only supervisors reach these handlers (the route group's guard). Every query is bounded by
//! the user's scope (`user.centres`); a case or sample outside it does not exist (404).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::auth::CurrentUser;
use super::error::AppError;
use super::labels;
use super::page::Page;
use crate::audit::Chain;
use crate::audit::commitment::{Component, DataFailure, DataProblem};
use crate::audit::verify::{ChainCheck, Problem, verify_chain};
use crate::domain::figures::{month_code, previous_month, riga_midnight};
use crate::domain::identity_document::DocumentType;
use crate::domain::review::{
    CSV_MAX_ROWS, Cursor, OutcomeFilter, PAGE_SIZE, ReviewError, Verdict, readable_lines,
    validate_review,
};
use crate::domain::steps::{ContactChannel, Outcome};
use crate::domain::today_in_riga;
use crate::domain::workflow::{CaseStatus, Step, StepOutcome, StopReason};
use crate::i18n::Review;
use crate::i18n::{Lang, Texts};
use crate::present::csv::{CSV_BOM, csv_line};
use crate::present::format::{self, riga_time};
use crate::service;
use crate::service::documents::{self, DocumentCheck, DocumentState};
use crate::service::review::{Drawn, Marked};
use crate::store;
use crate::store::review::{CentreOption, EmployeeOption, EserviceOption, QueueFilter, QueueRow};

// ---------------------------------------------------------------------------------------------
// Shared formatting

fn outcome_text(t: &Texts, status: CaseStatus, stop_reason: Option<StopReason>) -> String {
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

fn verdict_text(t: &Texts, verdict: Option<Verdict>) -> &'static str {
    verdict.map_or(t.review.reviewed_no, |verdict| labels::verdict(t, verdict))
}

/// A label for a path of a step's data: the known fields by name, anything else as stored.
fn data_label(t: &Texts, path: &str) -> String {
    let (r, c) = (t.review, t.cases);
    let label = match path {
        "document.doc_type" => c.doc_type,
        "document.number" => c.doc_number,
        "document.issuing_state" => c.issuing_state,
        "document.expires_on" => c.expires_on,
        "result_contact.channel" => r.data_told_via,
        "result_contact.number" | "result_contact.address" => c.contact,
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
fn action_label(r: &'static Review, code: &str) -> Option<&'static str> {
    Some(match code {
        "case-opened" => r.action_case_opened,
        "step-recorded" => r.action_step_recorded,
        "step-not-applicable" => r.action_step_not_applicable,
        "case-closed" => r.action_case_closed,
        "case-stopped" => r.action_case_stopped,
        "personal-data-viewed" => r.action_personal_data_viewed,
        "notice-shown" => r.action_notice_shown,
        "authorisation-printed" => r.action_authorisation_printed,
        "receipt-printed" => r.action_receipt_printed,
        "authorisation-verified" => r.action_authorisation_verified,
        "case-reviewed" => r.action_case_reviewed,
        "personal-data-erased" => r.action_personal_data_erased,
        "subject-access-disclosed" => r.action_subject_access_disclosed,
        "evidence-check-failed" => r.action_evidence_check_failed,
        _ => return None,
    })
}

/// A value of a step's data as people read it: codes by their words, dates as dd.mm.yyyy,
/// times as dd.mm.yyyy hh:mm; anything else as stored.
fn data_value(t: &Texts, path: &str, value: String) -> String {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    match leaf {
        "doc_type" => {
            DocumentType::from_code(&value).map_or(value, |doc| labels::document(t, doc).to_owned())
        }
        "channel" | "told_via" => ContactChannel::from_code(&value)
            .map_or(value, |channel| labels::channel(t, channel).to_owned()),
        "outcome" => Outcome::from_code(&value)
            .map_or(value, |outcome| labels::outcome(t, outcome).to_owned()),
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

// ---------------------------------------------------------------------------------------------
// The queue

/// The queue's filters as the query string carries them: ids, codes and dates only.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    centre: String,
    #[serde(default)]
    employee: String,
    #[serde(default)]
    eservice: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reviewed: String,
    #[serde(default)]
    after: String,
}

/// The filters, parsed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub centre: Option<i64>,
    pub employee: Option<i64>,
    pub eservice: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub outcome: Option<OutcomeFilter>,
    pub reviewed: Option<bool>,
}

fn optional<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).ok_or(AppError::BadRequest)
}

/// The first and last years a period filter accepts: before 2000 no case exists, and beyond
/// 9999 a date no longer fits the database or `yyyy-mm-dd`.
const FILTER_YEARS: std::ops::RangeInclusive<i32> = 2000..=9999;

/// A filter's date, `yyyy-mm-dd` within [`FILTER_YEARS`].
fn filter_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| FILTER_YEARS.contains(&date.year()))
}

/// One filter's value: `None` when empty or unreadable; an unreadable one adds `message` for
/// `field` to `errors`.
fn filter_value<T>(
    errors: &mut Vec<(&'static str, &'static str)>,
    field: &'static str,
    text: &str,
    message: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let value = parse(text);
    if value.is_none() {
        errors.push((field, message));
    }
    value
}

impl QueueQuery {
    /// The filters, and for each value that could not be read its field and message: a bad
    /// value filters nothing, and the queue says so next to the field (never an error page).
    fn filters(&self, r: &'static Review) -> (Filters, Vec<(&'static str, &'static str)>) {
        let mut errors = Vec::new();
        let e = &mut errors;
        let id = |text: &str| text.parse::<i64>().ok();
        let (choice, day) = (r.error_filter_choice, r.error_filter_date);
        let filters = Filters {
            centre: filter_value(e, "centre", &self.centre, choice, id),
            employee: filter_value(e, "employee", &self.employee, choice, id),
            eservice: filter_value(e, "eservice", &self.eservice, choice, id),
            from: filter_value(e, "from", &self.from, day, filter_date),
            to: filter_value(e, "to", &self.to, day, filter_date),
            outcome: filter_value(e, "outcome", &self.outcome, choice, OutcomeFilter::parse),
            reviewed: filter_value(e, "reviewed", &self.reviewed, choice, |text| match text {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            }),
        };
        (filters, errors)
    }

    fn cursor(&self) -> Result<Option<Cursor>, AppError> {
        optional(&self.after, Cursor::decode)
    }
}

impl Filters {
    /// The query string of these filters (values are ids, codes and dates: nothing to escape).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                parts.push(format!("{name}={value}"));
            }
        };
        add("centre", self.centre.map(|v| v.to_string()));
        add("employee", self.employee.map(|v| v.to_string()));
        add("eservice", self.eservice.map(|v| v.to_string()));
        add("from", self.from.map(|v| v.to_string()));
        add("to", self.to.map(|v| v.to_string()));
        add("outcome", self.outcome.map(OutcomeFilter::code));
        add(
            "reviewed",
            self.reviewed
                .map(|v| if v { "yes" } else { "no" }.to_owned()),
        );
        parts.join("&")
    }

    fn is_centre(&self, id: &i64) -> bool {
        self.centre == Some(*id)
    }

    fn is_employee(&self, id: &i64) -> bool {
        self.employee == Some(*id)
    }

    fn is_eservice(&self, id: &i64) -> bool {
        self.eservice == Some(*id)
    }

    fn outcome_code(&self) -> String {
        self.outcome.map(OutcomeFilter::code).unwrap_or_default()
    }

    fn reviewed_code(&self) -> &'static str {
        match self.reviewed {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }
    }

    fn period_start_text(&self) -> String {
        self.from.map(|d| d.to_string()).unwrap_or_default()
    }

    fn period_end_text(&self) -> String {
        self.to.map(|d| d.to_string()).unwrap_or_default()
    }

    /// The store's filter: the user's scope narrowed to the chosen centre and to the chosen
    /// employee's centre (an employee outside the scope narrows it to nothing).
    fn store_filter(&self, user: &CurrentUser, employees: &[EmployeeOption]) -> QueueFilter {
        let employee_centre = self.employee.map(|id| {
            employees
                .iter()
                .find(|employee| employee.id == id)
                .map(|employee| employee.centre_id)
        });
        let centres = user
            .centres
            .iter()
            .copied()
            .filter(|centre| self.centre.is_none_or(|chosen| chosen == *centre))
            .filter(|centre| employee_centre.is_none_or(|found| found == Some(*centre)))
            .collect();
        QueueFilter {
            centres,
            employee: self.employee,
            eservice: self.eservice,
            from: self.from.map(riga_midnight),
            // Up to the start of the day after `to` (checked: the last day chrono knows has none,
            // and then nothing can end later anyway).
            until: self
                .to
                .and_then(|to| to.checked_add_days(Days::new(1)))
                .map(riga_midnight),
            status: self.outcome.map(OutcomeFilter::status),
            stop_reason: self.outcome.and_then(OutcomeFilter::stop_reason),
            reviewed: self.reviewed,
        }
    }
}

/// A queue row as the page and the CSV show it.
pub struct QueueLine {
    pub id: i64,
    pub centre: String,
    pub eservice: String,
    pub employee: String,
    pub opened: String,
    pub finished: String,
    pub outcome: String,
    pub review: &'static str,
    pub reviewed: bool,
}

impl QueueLine {
    fn new(t: &Texts, lang: Lang, row: QueueRow) -> Self {
        Self {
            id: row.id,
            centre: row.centre_code,
            eservice: lang
                .pick(&row.eservice_name_lv, &row.eservice_name_en)
                .to_owned(),
            employee: row.employee_name,
            opened: riga_time(row.opened_at),
            finished: riga_time(row.finished_at),
            outcome: outcome_text(t, row.status, row.stop_reason),
            review: verdict_text(t, row.verdict),
            reviewed: row.verdict.is_some(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "review/queue.html")]
pub struct QueuePage {
    page: Page,
    filters: Filters,
    centres: Vec<CentreOption>,
    employees: Vec<EmployeeOption>,
    eservices: Vec<EserviceOption>,
    outcomes: Vec<(String, String)>,
    lines: Vec<QueueLine>,
    next: Option<String>,
    paged: bool,
    /// Filter values that could not be read: (field, message).
    errors: Vec<(&'static str, &'static str)>,
}

impl QueuePage {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| *message)
    }

    fn eservice_label<'a>(&self, option: &'a EserviceOption) -> &'a str {
        self.page.lang.pick(&option.name_lv, &option.name_en)
    }

    fn csv_href(&self) -> String {
        let query = self.filters.query();
        if query.is_empty() {
            "/review.csv".to_owned()
        } else {
            format!("/review.csv?{query}")
        }
    }
}

fn outcome_options(t: &Texts) -> Vec<(String, String)> {
    let mut options = vec![
        ("closed".to_owned(), t.review.outcome_closed.to_owned()),
        ("stopped".to_owned(), t.review.outcome_stopped.to_owned()),
    ];
    for reason in StopReason::ALL {
        options.push((
            OutcomeFilter::StoppedFor(reason).code(),
            format!(
                "{} ({})",
                t.review.outcome_stopped,
                labels::stop_reason(t, reason)
            ),
        ));
    }
    options
}

pub async fn queue(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let (filters, errors) = query.filters(page.t.review);
    let cursor = query.cursor()?;
    let employees = store::review::employees(&state.db, &user.centres).await?;
    let filter = filters.store_filter(&user, &employees);
    let mut rows = store::review::queue(
        &state.db,
        &filter,
        cursor.map(|c| (c.finished_at, c.id)),
        PAGE_SIZE + 1,
    )
    .await?;
    let more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    let next = more.then(|| rows.last()).flatten().map(|last| {
        let after = Cursor {
            finished_at: last.finished_at,
            id: last.id,
        }
        .encode();
        let query = filters.query();
        if query.is_empty() {
            format!("/review?after={after}")
        } else {
            format!("/review?{query}&after={after}")
        }
    });
    let t = page.t;
    let lang = page.lang;
    Ok(QueuePage {
        centres: store::review::centres(&state.db, &user.centres).await?,
        eservices: store::review::eservices(&state.db).await?,
        outcomes: outcome_options(t),
        lines: rows
            .into_iter()
            .map(|row| QueueLine::new(t, lang, row))
            .collect(),
        next,
        paged: cursor.is_some(),
        errors,
        employees,
        filters,
        page,
    }
    .into_response())
}

/// The queue as CSV: the same filters, newest first, at most [`CSV_MAX_ROWS`] rows (the
/// response says `X-Pilnvara-Truncated: true` when there were more). No client data.
pub async fn queue_csv(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    // A download has no page to show a message on: unreadable filters are refused.
    let (filters, errors) = query.filters(page.t.review);
    if !errors.is_empty() {
        return Err(AppError::BadRequest);
    }
    let employees = store::review::employees(&state.db, &user.centres).await?;
    let filter = filters.store_filter(&user, &employees);
    let mut rows = store::review::queue(&state.db, &filter, None, CSV_MAX_ROWS + 1).await?;
    let truncated = rows.len() > CSV_MAX_ROWS as usize;
    rows.truncate(CSV_MAX_ROWS as usize);
    let t = page.t;
    let r = t.review;
    let mut body = String::from(CSV_BOM);
    body.push_str(&csv_line(&[
        r.col_case,
        r.col_centre,
        r.col_eservice_code,
        r.col_eservice,
        r.col_employee,
        r.col_opened,
        r.col_finished,
        r.col_outcome,
        r.col_review,
    ]));
    for row in rows {
        let eservice = row.eservice_code.clone();
        let employee = row.employee_username.clone();
        let line = QueueLine::new(t, page.lang, row);
        body.push_str(&csv_line(&[
            line.id.to_string(),
            line.centre,
            eservice,
            line.eservice,
            employee,
            line.opened,
            line.finished,
            line.outcome,
            line.review.to_owned(),
        ]));
    }
    let mut response = csv_response("parskatisana.csv", body);
    if truncated {
        response.headers_mut().insert(
            "x-pilnvara-truncated",
            "true".parse().expect("a header value"),
        );
    }
    Ok(response)
}

/// A CSV download: UTF-8 with BOM, `;`-separated, as an attachment, never cached.
pub fn csv_response(filename: &'static str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// The review page

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
    pub id: i64,
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
    errors: Vec<(&'static str, &'static str)>,
    verdict: String,
    remark: String,
    saved: bool,
}

impl CasePage {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| *message)
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
pub struct ReviewForm {
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    remark: String,
    #[serde(default)]
    supersedes: String,
}

/// A case or sample id from the path: anything but a number names nothing (404, not 400).
fn path_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>().map_err(|_| AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let form = ReviewForm::default();
    let saved = query.saved.is_some();
    render_case(&state, page, &user, id, &form, Vec::new(), saved).await
}

/// Loads and renders the review page, writing the access event for the personal data it shows.
async fn render_case(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    id: i64,
    form: &ReviewForm,
    errors: Vec<(&'static str, &'static str)>,
    saved: bool,
) -> Result<Response, AppError> {
    let case = store::review::finished_case(&state.db, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let steps = store::review::steps(&state.db, id).await?;
    let chain_key = Chain::Case(id).key();
    let events = store::review::events(&state.db, &chain_key).await?;
    let views = store::review::views(&state.db, id).await?;
    let reviews = store::review::reviews(&state.db, id).await?;
    // The chain's hashes and links; the anchors are checked by `pilnvara audit verify`.
    let chain = verify_chain(&state.db, &chain_key, None).await?;
    let document = documents::check_authorisation(&state.db, id)
        .await
        .map_err(anyhow::Error::from)?;
    service::cases::log_view(
        &state.db,
        state.clock.now(),
        user.staff(),
        id,
        case.centre_id,
        "review",
    )
    .await?;

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
                        readable_lines(&row.data)
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
            action: action_label(r, &event.action)
                .unwrap_or(&event.action)
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
    if !chain.is_ok() {
        // Shown in words and written into the trail; never repaired.
        service::cases::evidence_check_failed(
            &state.db,
            state.clock.now(),
            user.staff(),
            (id, case.centre_id),
            evidence_failure_details(&chain),
        )
        .await?;
    }
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
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let case = store::review::finished_case(&state.db, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match validate_review(&form.verdict, &form.remark) {
        Ok(input) => input,
        Err(errors) => {
            let errors = errors
                .into_iter()
                .map(|error| (error.field(), review_error_text(page.t, error)))
                .collect();
            return render_case(&state, page, &user, id, &form, errors, false).await;
        }
    };
    let supersedes = optional(&form.supersedes, |text| text.parse::<i64>().ok())?;
    let marked = service::review::mark(
        &state.db,
        state.clock.now(),
        user.staff(),
        (id, case.centre_id),
        supersedes,
        &input,
    )
    .await?;
    match marked {
        Marked::Recorded { .. } => {
            Ok(Redirect::to(&format!("/review/{id}?saved=1#reviews")).into_response())
        }
        Marked::ReviewedMeanwhile => reviewed_meanwhile(&state, page, &user, id, &form).await,
    }
}

async fn reviewed_meanwhile(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    id: i64,
    form: &ReviewForm,
) -> Result<Response, AppError> {
    let errors = vec![("verdict", page.t.review.error_reviewed_meanwhile)];
    render_case(state, page, user, id, form, errors, false).await
}

// ---------------------------------------------------------------------------------------------
// Spot-check samples

/// How many earlier samples the spot-check page lists.
const SAMPLES_LISTED: i64 = 24;

pub struct SampleLine {
    pub id: i64,
    pub centre: String,
    pub month: String,
    pub percent: i16,
    pub population: i32,
    pub drawn_by: String,
    pub drawn_at: String,
}

impl SampleLine {
    fn new(sample: store::review::Sample) -> Self {
        Self {
            id: sample.id,
            centre: sample.centre_code,
            month: month_code(sample.month),
            percent: sample.percent,
            population: sample.population,
            drawn_by: sample.drawn_by,
            drawn_at: riga_time(sample.drawn_at),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "review/samples.html")]
pub struct SamplesPage {
    page: Page,
    month: String,
    centres: Vec<CentreOption>,
    samples: Vec<SampleLine>,
    errors: Vec<(&'static str, &'static str)>,
    centre: String,
    percent: String,
}

impl SamplesPage {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, message)| *message)
    }
}

async fn samples_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    form: &DrawForm,
    errors: Vec<(&'static str, &'static str)>,
) -> Result<Response, AppError> {
    let month = previous_month(today_in_riga(state.clock.now()));
    let samples = store::review::recent_samples(&state.db, &user.centres, SAMPLES_LISTED).await?;
    Ok(SamplesPage {
        page,
        month: month_code(month),
        centres: store::review::centres(&state.db, &user.centres).await?,
        samples: samples.into_iter().map(SampleLine::new).collect(),
        errors,
        centre: form.centre.clone(),
        percent: form.percent.clone(),
    }
    .into_response())
}

pub async fn samples(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let form = DrawForm {
        centre: String::new(),
        percent: "10".to_owned(),
    };
    samples_page(&state, page, &user, &form, Vec::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    centre: String,
    #[serde(default)]
    percent: String,
}

/// Draws last month's sample of a centre, or shows the one already drawn.
pub async fn draw(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(form): Form<DrawForm>,
) -> Result<Response, AppError> {
    let centre = form
        .centre
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| user.centres.contains(id));
    let percent = form
        .percent
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| (1..=100).contains(p));
    let (Some(centre), Some(percent)) = (centre, percent) else {
        let mut errors = Vec::new();
        if centre.is_none() {
            errors.push(("centre", page.t.review.error_centre));
        }
        if percent.is_none() {
            errors.push(("percent", page.t.review.error_percent));
        }
        return samples_page(&state, page, &user, &form, errors).await;
    };
    let drawn =
        service::review::draw(&state.db, state.clock.now(), user.staff(), centre, percent).await?;
    let sample_id = match drawn {
        Drawn::Sample(id) => id,
        Drawn::NothingToDraw => {
            let errors = vec![("centre", page.t.review.error_nothing_to_draw)];
            return samples_page(&state, page, &user, &form, errors).await;
        }
    };
    Ok(Redirect::to(&format!("/review/samples/{sample_id}")).into_response())
}

pub struct SampleCaseLine {
    pub position: i32,
    pub case_id: i64,
    pub eservice: String,
    pub closed: String,
    pub review: &'static str,
    pub reviewed: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/sample.html")]
pub struct SamplePage {
    page: Page,
    sample: SampleLine,
    seed: u64,
    cases: Vec<SampleCaseLine>,
    reviewed: usize,
}

pub async fn sample(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let sample = store::review::sample(&state.db, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let cases = store::review::sample_cases(&state.db, id).await?;
    let t = page.t;
    let cases: Vec<SampleCaseLine> = cases
        .into_iter()
        .map(|case| SampleCaseLine {
            position: case.position,
            case_id: case.case_id,
            eservice: case.eservice_code,
            closed: case.closed_at.map(riga_time).unwrap_or_default(),
            review: verdict_text(t, case.verdict),
            reviewed: case.verdict.is_some(),
        })
        .collect();
    Ok(SamplePage {
        seed: sample.seed as u64,
        reviewed: cases.iter().filter(|case| case.reviewed).count(),
        sample: SampleLine::new(sample),
        cases,
        page,
    }
    .into_response())
}
