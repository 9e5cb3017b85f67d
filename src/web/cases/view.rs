//! A case as its pages show it: summary, stepper, timeline; and reading it for a page.

use crate::domain::ids::CaseId;
use crate::domain::steps::confirmation_of;
use crate::domain::workflow::{CaseStatus, Step, StepOutcome};
use crate::i18n::{Lang, Texts};
use crate::present::format::{date, riga_time};
use crate::service::cases::{self as service};
use crate::store::cases::{self as store};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::labels;
use crate::web::session::CurrentUser;

pub struct Summary {
    pub id: CaseId,
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
    pub(super) fn build(
        t: &'static Texts,
        lang: Lang,
        case: &store::Case,
        rows: &[store::StepRow],
    ) -> Self {
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
                    // 22.¹2 says how it was confirmed: verified with eID, or declared.
                    Some(row) if row.step == Step::EmployeeEid => (
                        "done",
                        c.step_done,
                        Some(labels::confirmation(t, confirmation_of(&row.data))),
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
            let note = row
                .reason
                .map(|reason| {
                    format!(
                        "{}: {}",
                        c.step_not_applicable,
                        labels::not_applicable(t, reason)
                    )
                })
                .or_else(|| {
                    (row.step == Step::EmployeeEid).then(|| {
                        let how = labels::confirmation(t, confirmation_of(&row.data));
                        format!("{}: {how}", c.confirmation_label)
                    })
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
pub(super) async fn load(
    db: &Db,
    user: &CurrentUser,
    id: CaseId,
) -> Result<(store::Case, Vec<store::StepRow>), AppError> {
    let mut connection = db.connection().await?;
    let case = store::find(&mut connection, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = store::steps(&mut connection, id).await?;
    Ok((case, rows))
}

/// The access event of a page about to show `case`'s personal data.
pub(super) async fn log_view(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    case: &store::Case,
    page: &str,
) -> Result<(), AppError> {
    let at = state.clock.now();
    service::log_view(
        &mut *db.connection().await?,
        at,
        user.staff(),
        case.id,
        case.centre_id,
        page,
    )
    .await?;
    Ok(())
}

/// Loads a case for a page that shows it, writing the page's access event.
pub(super) async fn load_and_log(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    id: CaseId,
    page: &str,
) -> Result<(store::Case, Vec<store::StepRow>), AppError> {
    let (case, rows) = load(db, user, id).await?;
    log_view(state, db, user, &case, page).await?;
    Ok((case, rows))
}
