//! /cases/{id}/stop: stopping a case for good, with its reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{CaseView, Flash, load, load_and_log, log_view, refused};
use crate::domain::ids::CaseId;
use crate::domain::steps::{FieldErrors, StopForm};
use crate::domain::workflow::StopReason;
use crate::service::cases::{self as service, CaseError};
use crate::store::cases::{self as store};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::form::Errors;
use crate::web::form::{Field, Posted, Widget, form_status, summary};
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "cases/stop.html")]
pub struct StopPage {
    page: Page,
    view: CaseView,
    fields: Vec<Field>,
    errors: Errors,
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
    crate::web::form::attach_errors(page.t, &mut fields, errors);
    let status = form_status(errors, stale);
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
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<StopQuery>,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let (case, rows) = load(&db, &user, id).await?;
    if let Err(error) = case.state().and_then(|s| s.stop(StopReason::Other)) {
        return Ok(Flash::refused(id, error));
    }
    log_view(&state, &db, &user, &case, "stop").await?;
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
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
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
            service::stop(
                &mut *db.connection().await?,
                at,
                user.staff(),
                id,
                version,
                reason,
                remark,
            )
            .await
        }
        Err(_) => {
            // A closed or stopped case is refused whatever was posted, as the page itself is.
            let (case, rows) = load(&db, &user, id).await?;
            if let Err(error) = case.state().and_then(|s| s.stop(StopReason::Other)) {
                return Ok(Flash::refused(id, error));
            }
            log_view(&state, &db, &user, &case, "stop").await?;
            return Ok(stop_page(page, &case, &rows, &posted, &errors, false));
        }
    };
    match outcome {
        Ok(()) => Ok(Flash::Stopped.redirect(id)),
        Err(CaseError::Stale) => {
            let (case, rows) = load_and_log(&state, &db, &user, id, "stop").await?;
            Ok(stop_page(page, &case, &rows, &posted, &errors, true))
        }
        Err(error) => refused(id, error),
    }
}
