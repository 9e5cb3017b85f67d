//! The qualified electronic identification means an employee may use at 22.¹2: the list,
//! adding one, renaming and (de)activating one. Only active means are offered at the desk.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use super::eservices::form_errors;
use super::{Done, Errors, see_other};
use crate::service::catalogue::{self, EidMeansInput};
use crate::store::{self, catalogue::EidMeans};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::form::Posted;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "admin/eid_means.html")]
pub struct EidMeansPage {
    page: Page,
    means: Vec<EidMeans>,
    notice: Option<&'static str>,
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(done): Query<Done>,
) -> Result<EidMeansPage, AppError> {
    let means = store::catalogue::eid_means(&state.db).await?;
    let notice = done.message(&page);
    Ok(EidMeansPage {
        page,
        means,
        notice,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/eid_means_form.html")]
pub struct EidMeansForm {
    page: Page,
    /// Editing an existing means (its code is fixed) rather than adding one.
    existing: bool,
    form: EidMeansInput,
    errors: Errors,
    notice: Option<&'static str>,
}

fn input(form: &Posted) -> EidMeansInput {
    EidMeansInput {
        code: form.get("code"),
        name_lv: form.get("name_lv"),
        name_en: form.get("name_en"),
        active: form.present("active"),
    }
}

pub async fn new(page: Page) -> EidMeansForm {
    EidMeansForm {
        page,
        existing: false,
        form: EidMeansInput {
            active: true,
            ..EidMeansInput::default()
        },
        errors: Errors::default(),
        notice: None,
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    form: Posted,
) -> Result<Response, AppError> {
    let form = input(&form);
    match catalogue::add_eid_means(&state.db, state.clock.as_ref(), user.actor(), &form).await {
        Ok(_) => Ok(see_other("/admin/eid-means?done=added".to_owned())),
        Err(error) => Ok(EidMeansForm {
            errors: form_errors(&page, error)?,
            page,
            existing: false,
            form,
            notice: None,
        }
        .into_response()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    Query(done): Query<Done>,
) -> Result<EidMeansForm, AppError> {
    let means = store::catalogue::eid_means_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = done.message(&page);
    Ok(EidMeansForm {
        page,
        existing: true,
        form: EidMeansInput {
            code: means.code,
            name_lv: means.name_lv,
            name_en: means.name_en,
            active: means.active,
        },
        errors: Errors::default(),
        notice,
    })
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
    form: Posted,
) -> Result<Response, AppError> {
    let means = store::catalogue::eid_means_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = EidMeansInput {
        code: means.code,
        ..input(&form)
    };
    match catalogue::edit_eid_means(&state.db, state.clock.as_ref(), user.actor(), &form).await {
        Ok(()) => Ok(see_other(format!(
            "/admin/eid-means/{}?done=saved",
            form.code
        ))),
        Err(error) => Ok(EidMeansForm {
            errors: form_errors(&page, error)?,
            page,
            existing: true,
            form,
            notice: None,
        }
        .into_response()),
    }
}
