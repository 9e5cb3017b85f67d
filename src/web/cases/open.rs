//! /cases/new: opening a case for an e-service.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::Flash;
use crate::domain::steps::{FieldError, FieldErrors};
use crate::service::cases::{self as service, Opening};
use crate::store::cases::{self as store};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::Errors;
use crate::web::form::{Field, Posted, Widget, form_status, summary};
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "cases/new.html")]
pub struct NewPage {
    page: Page,
    /// The form's one-time token: submitting it twice opens one case.
    open_token: Uuid,
    fields: Vec<Field>,
    errors: Errors,
    no_eservices: bool,
}

async fn new_page(
    db: &Db,
    page: Page,
    posted: &Posted,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let c = page.t.cases;
    let eservices = store::openable_eservices(&mut *db.connection().await?).await?;
    let means = store::active_eid_means(&mut *db.connection().await?).await?;
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
    crate::web::form::attach_errors(page.t, &mut fields, errors);
    Ok((
        form_status(errors, false),
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

pub async fn show_new(db: Db, page: Page) -> Result<Response, AppError> {
    new_page(&db, page, &Posted::default(), &FieldErrors::default()).await
}

pub async fn open(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    posted: Posted,
) -> Result<Response, AppError> {
    let means = store::active_eid_means(&mut *db.connection().await?).await?;
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
        return new_page(&db, page, &posted, &errors).await;
    };
    // Only a form this server showed carries a token.
    let token = open_token(&posted).ok_or(AppError::BadRequest)?;
    let now = state.clock.now();
    let opened = service::open(
        &mut *db.connection().await?,
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
            new_page(&db, page, &posted, &errors).await
        }
    }
}
