//! The case pages of the desk: the lists, opening a case, the overview with its stepper and
//! timeline, stopping, and the search. The seven duties' forms are in `steps`.
//!
//! Every page reads cases only of the user's centres (another centre's case is 404), and every
//! page that shows a client's personal data writes a `personal-data-viewed` event. Personal codes
//! travel only in POST bodies, never in URLs.

mod steps;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use super::auth::CurrentUser;
use super::error::AppError;
use super::form::{Field, Posted, Widget, summary};
use super::labels;
use super::page::Page;
use crate::domain::personal_code::{self, PersonalCode};
use crate::domain::steps::{FieldError, FieldErrors, REFERENCE_MAX_CHARS, StopForm};
use crate::domain::workflow::{
    CaseStatus, RESULT_OVERDUE_AFTER_DAYS, Step, StepOutcome, StopReason, WorkflowError,
    result_overdue,
};
use crate::domain::{SEARCH_NAME_MAX_CHARS, today_in_riga};
use crate::i18n::{Cases, Lang, Texts};
use crate::present::format::{date, riga_time};
use crate::service::cases::{self as service, CaseError, Opening};
use crate::store::cases::{self as store, LIST_LIMIT, Listed, SearchBy};

pub use steps::{record_step, show_step};

const RECENTLY_FINISHED: i64 = 20;

/// A case id from the path; anything that is not one is "not found".
fn case_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

// ---------------------------------------------------------------------------------------------
// The one-line messages a redirect carries (`?notice=`): codes only, never personal data.

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
}

impl Flash {
    const ALL: [Self; 9] = [
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
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flash| flash.code() == code)
    }

    fn refusal(error: WorkflowError) -> Self {
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

    fn is_refusal(self) -> bool {
        !matches!(
            self,
            Self::Opened | Self::Recorded | Self::Closed | Self::Stopped
        )
    }

    fn message(self, t: &Cases) -> &'static str {
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
        }
    }

    /// Back to the case page, saying what happened.
    pub fn redirect(self, case_id: i64) -> Response {
        Redirect::to(&format!("/cases/{case_id}?notice={}", self.code())).into_response()
    }

    /// Back to the case page, saying why `error` refused the request; a duty recorded already
    /// names its step, so that the page can say who recorded it and when.
    pub fn refused(case_id: i64, error: WorkflowError) -> Response {
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
fn refused(case_id: i64, error: CaseError) -> Result<Response, AppError> {
    match error {
        CaseError::NotFound => Err(AppError::NotFound),
        CaseError::Workflow(error) => Ok(Flash::refused(case_id, error)),
        CaseError::Stale | CaseError::AuthorisationNotPrinted => Err(AppError::BadRequest),
        CaseError::Database(error) => Err(error.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The case as its pages show it: summary, stepper, timeline

pub struct Summary {
    pub id: i64,
    pub version: i32,
    /// The status code (open | closed | stopped), a CSS class too.
    pub status_code: &'static str,
    pub status: &'static str,
    pub client_name: Option<String>,
    pub personal_code: Option<String>,
    pub eservice: String,
    pub institution: String,
    pub missing_means: String,
    pub opened_by: String,
    pub opened_at: String,
    pub notify: Option<String>,
    pub portal_reference: Option<String>,
    pub retention_until: Option<String>,
    pub stop_reason: Option<&'static str>,
    pub stop_remark: Option<String>,
}

pub struct StepperItem {
    pub subpoint: &'static str,
    pub title: &'static str,
    /// done | not-applicable | current | later | not-done (a CSS class too)
    pub state: &'static str,
    pub state_label: &'static str,
    pub note: Option<&'static str>,
    pub href: Option<String>,
}

pub struct TimelineEntry {
    pub at: String,
    pub what: String,
    pub note: Option<String>,
    pub who: String,
}

/// Everything the case pages show about one case, built once per request.
pub struct CaseView {
    pub summary: Summary,
    pub stepper: Vec<StepperItem>,
    pub timeline: Vec<TimelineEntry>,
    pub next_step: Option<Step>,
    /// The authorisation can be printed once 22.¹1 and 22.¹2 are recorded.
    pub can_print_authorisation: bool,
    /// The client's receipt exists once 22.¹5 is recorded.
    pub can_print_receipt: bool,
}

impl CaseView {
    fn build(t: &'static Texts, lang: Lang, case: &store::Case, rows: &[store::StepRow]) -> Self {
        let c = t.cases;
        let state = case.state().ok();
        let next_step = state.and_then(|state| state.next_step());
        let open = case.status == CaseStatus::Open;
        let client_name = match (&case.client_given_names, &case.client_surnames) {
            (Some(given), Some(surnames)) => Some(format!("{given} {surnames}")),
            _ => None,
        };
        let notify = match (case.client_wants_result, case.notify_channel) {
            (Some(true), Some(channel)) => Some(match &case.notify_contact {
                Some(contact) => format!("{}: {contact}", labels::channel(t, channel)),
                None => labels::channel(t, channel).to_owned(),
            }),
            (Some(false), _) => Some(c.notify_no.to_owned()),
            _ => None,
        };
        let summary = Summary {
            id: case.id,
            version: case.version,
            status_code: case.status.code(),
            status: labels::status(t, case.status),
            client_name,
            personal_code: case.client_personal_code.clone(),
            eservice: lang
                .pick(&case.eservice_name_lv, &case.eservice_name_en)
                .to_owned(),
            institution: case.institution.clone(),
            missing_means: match lang {
                Lang::Lv => case.missing_eid_means_lv.join(", "),
                Lang::En => case.missing_eid_means_en.join(", "),
            },
            opened_by: case.opened_by_name.clone(),
            opened_at: riga_time(case.opened_at),
            notify,
            portal_reference: case.portal_reference.clone(),
            // Copy 1's date, once copy 1 exists (22.¹3 recorded); before that the date is only
            // the provisional one that lets an abandoned case be erased in time.
            retention_until: case
                .retention_until
                .filter(|_| {
                    rows.iter().any(|row| {
                        row.step == Step::Authorisation && row.outcome == StepOutcome::Recorded
                    })
                })
                .map(date),
            stop_reason: case
                .stop_reason
                .map(|reason| labels::stop_reason(t, reason)),
            stop_remark: case.stop_remark.clone(),
        };
        let stepper = Step::ALL
            .into_iter()
            .map(|step| {
                let row = rows.iter().find(|row| row.step == step);
                let (state, state_label, note) = match row {
                    Some(row) if row.outcome == StepOutcome::NotApplicable => (
                        "not-applicable",
                        c.step_not_applicable,
                        row.reason.map(|reason| labels::not_applicable(t, reason)),
                    ),
                    Some(_) => ("done", c.step_done, None),
                    None if next_step == Some(step) => ("current", c.step_current, None),
                    None if open => ("later", c.step_later, None),
                    None => ("not-done", c.step_not_done, None),
                };
                StepperItem {
                    subpoint: step.subpoint(),
                    title: labels::duty(t, step),
                    state,
                    state_label,
                    note,
                    href: (state == "current")
                        .then(|| format!("/cases/{}/steps/{}", case.id, step.slug())),
                }
            })
            .collect();
        let recorded = |step: Step| {
            rows.iter()
                .any(|row| row.step == step && row.outcome == StepOutcome::Recorded)
        };
        let can_print_authorisation = recorded(Step::Identity) && recorded(Step::EmployeeEid);
        let can_print_receipt = recorded(Step::Submission);
        let mut timeline = vec![TimelineEntry {
            at: riga_time(case.opened_at),
            what: c.timeline_opened.to_owned(),
            note: None,
            who: case.opened_by_name.clone(),
        }];
        for row in rows {
            let (title, subpoint) = (labels::duty(t, row.step), row.step.subpoint());
            let note = row.reason.map(|reason| {
                format!(
                    "{}: {}",
                    c.step_not_applicable,
                    labels::not_applicable(t, reason)
                )
            });
            timeline.push(TimelineEntry {
                at: riga_time(row.recorded_at),
                what: format!("{subpoint} {title}"),
                note,
                who: row
                    .recorded_by_name
                    .clone()
                    .unwrap_or_else(|| c.by_product.to_owned()),
            });
        }
        if let Some(at) = case.closed_at {
            timeline.push(TimelineEntry {
                at: riga_time(at),
                what: c.timeline_closed.to_owned(),
                note: None,
                who: c.by_product.to_owned(),
            });
        }
        if let Some(at) = case.stopped_at {
            timeline.push(TimelineEntry {
                at: riga_time(at),
                what: c.timeline_stopped.to_owned(),
                note: summary.stop_reason.map(str::to_owned),
                who: String::new(),
            });
        }
        Self {
            summary,
            stepper,
            timeline,
            next_step,
            can_print_authorisation,
            can_print_receipt,
        }
    }
}

/// Case `id` of the user's centres with its steps; another centre's case is not found.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(store::Case, Vec<store::StepRow>), AppError> {
    let mut connection = state.db.acquire().await?;
    let case = store::find(&mut connection, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = store::steps(&mut connection, id).await?;
    Ok((case, rows))
}

/// The access event of a page about to show `case`'s personal data.
async fn log_view(
    state: &AppState,
    user: &CurrentUser,
    case: &store::Case,
    page: &str,
) -> Result<(), AppError> {
    let at = state.clock.now();
    service::log_view(&state.db, at, user.staff(), case.id, case.centre_id, page).await?;
    Ok(())
}

/// Loads a case for a page that shows it, writing the page's access event.
async fn load_and_log(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    page: &str,
) -> Result<(store::Case, Vec<store::StepRow>), AppError> {
    let (case, rows) = load(state, user, id).await?;
    log_view(state, user, &case, page).await?;
    Ok((case, rows))
}

// ---------------------------------------------------------------------------------------------
// /cases

pub struct ListRow {
    pub id: i64,
    pub eservice: String,
    pub stands: String,
    pub opened: String,
    pub submitted: String,
    pub days_waiting: i64,
    pub overdue: bool,
    pub finished: String,
    pub status: &'static str,
}

fn list_rows(page: &Page, rows: Vec<Listed>, now: DateTime<Utc>) -> Vec<ListRow> {
    let today = today_in_riga(now);
    rows.into_iter()
        .map(|row| {
            let days_waiting = row
                .submitted_at
                .map_or(0, |at| (today - today_in_riga(at)).num_days());
            let stands = row
                .next_step
                .map(|step| format!("{} {}", step.subpoint(), labels::duty(page.t, step)))
                .unwrap_or_default();
            ListRow {
                id: row.id,
                eservice: page
                    .lang
                    .pick(&row.eservice_name_lv, &row.eservice_name_en)
                    .to_owned(),
                stands,
                opened: riga_time(row.opened_at),
                submitted: row.submitted_at.map(riga_time).unwrap_or_default(),
                days_waiting,
                overdue: result_overdue(row.next_step, row.submitted_at, now),
                finished: row.finished_at.map(riga_time).unwrap_or_default(),
                status: labels::status(page.t, row.status),
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/list.html")]
pub struct ListPage {
    page: Page,
    mine: Vec<ListRow>,
    awaiting: Vec<ListRow>,
    finished: Vec<ListRow>,
    overdue_rule: String,
    /// (next page, first page) links of each list; a link carries case ids only.
    mine_pages: (Option<String>, Option<String>),
    awaiting_pages: (Option<String>, Option<String>),
}

/// Where each paged list of /cases stands: the id of the last case of the page before.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    mine_after: Option<String>,
    #[serde(default)]
    awaiting_after: Option<String>,
}

/// A cursor from the query; anything that is not a case id means the first page.
fn cursor(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|raw| raw.trim().parse().ok())
}

/// The /cases link with both lists' cursors, ending at the list the link is about.
fn list_href(mine: Option<i64>, awaiting: Option<i64>, anchor: &str) -> String {
    let mut pairs = Vec::new();
    if let Some(id) = mine {
        pairs.push(format!("mine_after={id}"));
    }
    if let Some(id) = awaiting {
        pairs.push(format!("awaiting_after={id}"));
    }
    if pairs.is_empty() {
        format!("/cases#{anchor}")
    } else {
        format!("/cases?{}#{anchor}", pairs.join("&"))
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let now = state.clock.now();
    let mine_after = cursor(query.mine_after.as_deref());
    let awaiting_after = cursor(query.awaiting_after.as_deref());
    let mine = store::open_cases_of(&state.db, user.id, &user.centres, mine_after).await?;
    let awaiting = store::awaiting_result(&state.db, &user.centres, awaiting_after).await?;
    let finished = store::recently_finished(&state.db, &user.centres, RECENTLY_FINISHED).await?;
    let overdue_rule = page
        .t
        .cases
        .awaiting_overdue_rule
        .replace("{n}", &RESULT_OVERDUE_AFTER_DAYS.to_string());
    let mine_pages = (
        mine.next
            .map(|next| list_href(Some(next), awaiting_after, "mine")),
        mine_after.map(|_| list_href(None, awaiting_after, "mine")),
    );
    let awaiting_pages = (
        awaiting
            .next
            .map(|next| list_href(mine_after, Some(next), "awaiting")),
        awaiting_after.map(|_| list_href(mine_after, None, "awaiting")),
    );
    Ok(ListPage {
        mine: list_rows(&page, mine.rows, now),
        awaiting: list_rows(&page, awaiting.rows, now),
        finished: list_rows(&page, finished, now),
        overdue_rule,
        mine_pages,
        awaiting_pages,
        page,
    })
}

// ---------------------------------------------------------------------------------------------
// /cases/new

#[derive(Template, WebTemplate)]
#[template(path = "cases/new.html")]
pub struct NewPage {
    page: Page,
    /// The form's one-time token: submitting it twice opens one case.
    open_token: Uuid,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    no_eservices: bool,
}

async fn new_page(
    state: &AppState,
    page: Page,
    posted: &Posted,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let c = page.t.cases;
    let eservices = store::openable_eservices(&state.db).await?;
    let means = store::active_eid_means(&state.db).await?;
    let eservice_options = eservices
        .iter()
        .map(|service| {
            let name = page
                .lang
                .pick(&service.name_lv, &service.name_en)
                .to_owned();
            (
                service.id.to_string(),
                format!("{name} — {}", service.institution),
            )
        })
        .collect();
    let means_options = means
        .iter()
        .map(|means| {
            (
                means.code.clone(),
                page.lang.pick(&means.name_lv, &means.name_en).to_owned(),
            )
        })
        .collect();
    let mut fields = vec![
        Field::choose(
            "eservice_id",
            c.field_eservice,
            Widget::Radios,
            eservice_options,
            &posted.all("eservice_id"),
        )
        .hint(c.field_eservice_hint),
        Field::choose(
            "missing_means",
            c.field_missing_means,
            Widget::Checkboxes,
            means_options,
            &posted.all("missing_means"),
        )
        .hint(c.field_missing_means_hint),
    ];
    super::form::attach_errors(c, &mut fields, errors);
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        NewPage {
            // A form shown again keeps its token: it still stands for one case.
            open_token: open_token(posted).unwrap_or_else(Uuid::new_v4),
            errors: summary(&fields),
            no_eservices: eservices.is_empty(),
            fields,
            page,
        },
    )
        .into_response())
}

/// The posted one-time token, if it is one.
fn open_token(posted: &Posted) -> Option<Uuid> {
    posted.get("open_token").trim().parse().ok()
}

pub async fn show_new(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    new_page(&state, page, &Posted::default(), &FieldErrors::default()).await
}

pub async fn open(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    posted: Posted,
) -> Result<Response, AppError> {
    let means = store::active_eid_means(&state.db).await?;
    let mut errors = FieldErrors::default();
    let eservice_id = posted.get("eservice_id").trim().parse::<i64>().ok();
    if eservice_id.is_none() {
        errors.push("eservice_id", FieldError::Required);
    }
    let mut missing: Vec<String> = posted.all("missing_means");
    missing.dedup();
    if missing.is_empty() {
        errors.push("missing_means", FieldError::Required);
    } else if !missing
        .iter()
        .all(|code| means.iter().any(|m| &m.code == code))
    {
        errors.push("missing_means", FieldError::NotInList);
    }
    let (Some(eservice_id), true) = (eservice_id, errors.is_empty()) else {
        return new_page(&state, page, &posted, &errors).await;
    };
    // Only a form this server showed carries a token.
    let token = open_token(&posted).ok_or(AppError::BadRequest)?;
    let now = state.clock.now();
    let opened = service::open(
        &state.db,
        now,
        user.staff(),
        user.centre_id,
        eservice_id,
        &missing,
        token,
    )
    .await?;
    match opened {
        Opening::Opened(case_id) | Opening::AlreadyOpened(case_id) => {
            Ok(Flash::Opened.redirect(case_id))
        }
        Opening::NotOpenable => {
            errors.push("eservice_id", FieldError::NotInList);
            new_page(&state, page, &posted, &errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// /cases/{id}

#[derive(Template, WebTemplate)]
#[template(path = "cases/overview.html")]
pub struct OverviewPage {
    page: Page,
    view: CaseView,
    flash: Option<(bool, String)>,
    next: Option<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct FlashQuery {
    #[serde(default)]
    notice: Option<String>,
    /// With `already-recorded`: which duty.
    #[serde(default)]
    step: Option<String>,
}

pub async fn overview(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<FlashQuery>,
) -> Result<Response, AppError> {
    let id = case_id(&id)?;
    let (case, rows) = load_and_log(&state, &user, id, "overview").await?;
    let view = CaseView::build(page.t, page.lang, &case, &rows);
    let c = page.t.cases;
    let flash = query
        .notice
        .as_deref()
        .and_then(Flash::from_code)
        .map(|flash| {
            // Another desk (or a second press) recorded it first: say who and when.
            let recorded = query
                .step
                .as_deref()
                .and_then(Step::from_slug)
                .filter(|_| flash == Flash::AlreadyRecorded)
                .and_then(|step| {
                    let row = rows.iter().find(|row| row.step == step)?;
                    let who = row.recorded_by_name.as_deref()?;
                    Some(format!(
                        "{} {} {who} ({}). {}",
                        step.subpoint(),
                        c.already_recorded_by,
                        riga_time(row.recorded_at),
                        c.nothing_saved_again
                    ))
                });
            let message = recorded.unwrap_or_else(|| flash.message(c).to_owned());
            (flash.is_refusal(), message)
        });
    let next = view.next_step.map(|step| {
        (
            format!("/cases/{id}/steps/{}", step.slug()),
            format!("{} {}", step.subpoint(), labels::duty(page.t, step)),
        )
    });
    Ok(OverviewPage {
        page,
        view,
        flash,
        next,
    }
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// /cases/{id}/stop

#[derive(Template, WebTemplate)]
#[template(path = "cases/stop.html")]
pub struct StopPage {
    page: Page,
    view: CaseView,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    stale: bool,
}

fn stop_page(
    page: Page,
    case: &store::Case,
    rows: &[store::StepRow],
    posted: &Posted,
    errors: &FieldErrors,
    stale: bool,
) -> Response {
    let c = page.t.cases;
    let reasons = StopReason::ALL
        .into_iter()
        .map(|reason| {
            (
                reason.code().to_owned(),
                labels::stop_reason(page.t, reason).to_owned(),
            )
        })
        .collect();
    let mut fields = vec![
        Field::choose(
            "reason",
            c.field_stop_reason,
            Widget::Select,
            reasons,
            &posted.all("reason"),
        ),
        Field::area("remark", c.field_stop_remark, posted.get("remark"))
            .hint(c.stop_remark_hint)
            .optional()
            .max(crate::domain::steps::STOP_REMARK_MAX_CHARS),
    ];
    super::form::attach_errors(c, &mut fields, errors);
    let status = if stale {
        axum::http::StatusCode::CONFLICT
    } else if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = CaseView::build(page.t, page.lang, case, rows);
    (
        status,
        StopPage {
            errors: summary(&fields),
            fields,
            view,
            stale,
            page,
        },
    )
        .into_response()
}

/// `?reason=` preselects a stop reason (a code), as the failed identity check offers it.
#[derive(Debug, Default, Deserialize)]
pub struct StopQuery {
    #[serde(default)]
    reason: Option<String>,
}

pub async fn show_stop(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<StopQuery>,
) -> Result<Response, AppError> {
    let id = case_id(&id)?;
    let (case, rows) = load(&state, &user, id).await?;
    if let Err(error) = case.state().and_then(|s| s.stop(StopReason::Other)) {
        return Ok(Flash::refused(id, error));
    }
    log_view(&state, &user, &case, "stop").await?;
    let chosen = query
        .reason
        .as_deref()
        .and_then(StopReason::from_code)
        .map(|reason| ("reason".to_owned(), reason.code().to_owned()));
    Ok(stop_page(
        page,
        &case,
        &rows,
        &Posted(chosen.into_iter().collect()),
        &FieldErrors::default(),
        false,
    ))
}

pub async fn stop(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let id = case_id(&id)?;
    let version = posted.version().ok_or(AppError::BadRequest)?;
    let form = StopForm {
        reason: posted.get("reason"),
        remark: posted.get("remark"),
    };
    let checked = form.validate();
    let errors = checked.as_ref().err().cloned().unwrap_or_default();
    let outcome = match checked {
        Ok(input) => {
            let (reason, remark) = (input.reason, input.remark.as_deref());
            let at = state.clock.now();
            service::stop(&state.db, at, user.staff(), id, version, reason, remark).await
        }
        Err(_) => {
            // A closed or stopped case is refused whatever was posted, as the page itself is.
            let (case, rows) = load(&state, &user, id).await?;
            if let Err(error) = case.state().and_then(|s| s.stop(StopReason::Other)) {
                return Ok(Flash::refused(id, error));
            }
            log_view(&state, &user, &case, "stop").await?;
            return Ok(stop_page(page, &case, &rows, &posted, &errors, false));
        }
    };
    match outcome {
        Ok(()) => Ok(Flash::Stopped.redirect(id)),
        Err(CaseError::Stale) => {
            let (case, rows) = load_and_log(&state, &user, id, "stop").await?;
            Ok(stop_page(page, &case, &rows, &posted, &errors, true))
        }
        Err(error) => refused(id, error),
    }
}

// ---------------------------------------------------------------------------------------------
// /cases/search

pub struct Found {
    pub id: i64,
    pub client: String,
    pub eservice: String,
    pub status: &'static str,
    pub reference: String,
    pub opened: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/search.html")]
pub struct SearchPage {
    page: Page,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    form_error: Option<&'static str>,
    results: Option<Vec<Found>>,
    limited: Option<String>,
}

fn search_page(
    page: Page,
    posted: &Posted,
    errors: &FieldErrors,
    form_error: Option<&'static str>,
    results: Option<Vec<Found>>,
) -> SearchPage {
    let c = page.t.cases;
    // The personal code is never sent back into the page.
    let mut fields = vec![
        Field::text("name", c.search_name, posted.get("name"))
            .optional()
            .max(SEARCH_NAME_MAX_CHARS),
        Field::text("personal_code", c.search_personal_code, String::new())
            .optional()
            .max(personal_code::TYPED_MAX_CHARS)
            .hint(c.personal_code_hint),
        Field::text("reference", c.search_reference, posted.get("reference"))
            .optional()
            .max(REFERENCE_MAX_CHARS),
    ];
    super::form::attach_errors(c, &mut fields, errors);
    let limited = results
        .as_ref()
        .filter(|found| found.len() as i64 >= LIST_LIMIT)
        .map(|_| c.search_limited.replace("{n}", &LIST_LIMIT.to_string()));
    SearchPage {
        errors: summary(&fields),
        fields,
        form_error,
        results,
        limited,
        page,
    }
}

pub async fn show_search(page: Page) -> SearchPage {
    search_page(
        page,
        &Posted::default(),
        &FieldErrors::default(),
        None,
        None,
    )
}

pub async fn search(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    posted: Posted,
) -> Result<Response, AppError> {
    let name = posted.get("name").trim().to_owned();
    let code = posted.get("personal_code").trim().to_owned();
    let reference = posted.get("reference").trim().to_owned();
    let filled = [&name, &code, &reference]
        .iter()
        .filter(|value| !value.is_empty())
        .count();
    if filled != 1 {
        let message = Some(page.t.cases.search_one_field);
        return Ok(
            search_page(page, &posted, &FieldErrors::default(), message, None).into_response(),
        );
    }
    if name.chars().count() > SEARCH_NAME_MAX_CHARS {
        let mut errors = FieldErrors::default();
        let max = SEARCH_NAME_MAX_CHARS;
        errors.push("name", FieldError::TooLong { max });
        let response = search_page(page, &posted, &errors, None, None);
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, response).into_response());
    }
    let hmac;
    let by = if !code.is_empty() {
        // Stored codes may carry a check-digit override, so a mismatching one is still looked up.
        match PersonalCode::parse(&code, true) {
            Ok(parsed) => {
                hmac = state.keys.personal_code_hmac(parsed.digits());
                SearchBy::PersonalCodeHmac(&hmac)
            }
            Err(error) => {
                let mut errors = FieldErrors::default();
                errors.push("personal_code", FieldError::PersonalCode(error));
                let response = search_page(page, &posted, &errors, None, None);
                return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, response).into_response());
            }
        }
    } else if !reference.is_empty() {
        SearchBy::PortalReference(&reference)
    } else {
        SearchBy::Name(&name)
    };
    let rows = store::search(&state.db, &user.centres, by).await?;
    let shown: Vec<(i64, i64)> = rows.iter().map(|row| (row.id, row.centre_id)).collect();
    service::log_views(&state.db, state.clock.now(), user.staff(), &shown, "search").await?;
    let found = rows
        .into_iter()
        .map(|row| Found {
            id: row.id,
            client: format!(
                "{} {}",
                row.client_given_names.unwrap_or_default(),
                row.client_surnames.unwrap_or_default()
            )
            .trim()
            .to_owned(),
            eservice: page
                .lang
                .pick(&row.eservice_name_lv, &row.eservice_name_en)
                .to_owned(),
            status: labels::status(page.t, row.status),
            reference: row.portal_reference.unwrap_or_default(),
            opened: riga_time(row.opened_at),
        })
        .collect();
    Ok(search_page(page, &posted, &FieldErrors::default(), None, Some(found)).into_response())
}
