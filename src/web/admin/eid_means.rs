//! The qualified electronic identification means an employee may use at 22.¹2: the list,
//! adding one, renaming and (de)activating one. Only active means are offered at the desk.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{Done, Errors, FormPage, catalogue_errors, see_other_done};
use crate::domain::catalogue::{CODE_MAX_CHARS, EID_MEANS_NAME_MAX_CHARS};
use crate::service::catalogue::{self, EidMeansInput};
use crate::store::{self, catalogue::EidMeans};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::{Field, Posted};
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "admin/eid_means.html")]
pub struct EidMeansPage {
    page: Page,
    means: Vec<EidMeans>,
    notice: Option<&'static str>,
}

pub async fn list(db: Db, page: Page, Query(done): Query<Done>) -> Result<EidMeansPage, AppError> {
    let means = store::catalogue::eid_means(&mut *db.connection().await?).await?;
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

impl EidMeansForm {
    fn fields(&self) -> Vec<Field> {
        let (a, form) = (self.page.t.admin, &self.form);
        let code = Field::text("code", a.catalogue_code, form.code.clone())
            .hint(a.catalogue_code_hint)
            .max(CODE_MAX_CHARS);
        (!self.existing)
            .then_some(code)
            .into_iter()
            .chain([
                Field::text("name_lv", a.name_lv, form.name_lv.clone())
                    .max(EID_MEANS_NAME_MAX_CHARS),
                Field::text("name_en", a.name_en, form.name_en.clone())
                    .max(EID_MEANS_NAME_MAX_CHARS),
                Field::text("amr", a.eid_means_amr, form.amr.clone())
                    .hint(a.eid_means_amr_hint)
                    .optional()
                    .max(100),
                Field::checkbox("active", a.eid_means_active, form.active),
            ])
            .map(|field| field.errors(&self.errors))
            .collect()
    }
}

impl FormPage for EidMeansForm {
    /// Whether the means exists already (its code is then fixed).
    type Record = bool;
    type Values = EidMeansInput;

    fn build(
        page: Page,
        existing: bool,
        form: EidMeansInput,
        errors: Errors,
        notice: Option<&'static str>,
    ) -> Self {
        Self {
            page,
            existing,
            form,
            errors,
            notice,
        }
    }
}

fn input(form: &Posted) -> EidMeansInput {
    EidMeansInput {
        code: form.get("code"),
        name_lv: form.get("name_lv"),
        name_en: form.get("name_en"),
        active: form.present("active"),
        amr: form.get("amr"),
    }
}

pub async fn new(page: Page) -> EidMeansForm {
    let values = EidMeansInput {
        active: true,
        ..EidMeansInput::default()
    };
    EidMeansForm::fresh(page, false, values)
}

pub async fn create(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    form: Posted,
) -> Result<Response, AppError> {
    let form = input(&form);
    let outcome = catalogue::add_eid_means(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        &form,
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other_done("/admin/eid-means", "added")),
        Err(error) => {
            let errors = catalogue_errors(&page, error)?;
            Ok(EidMeansForm::again(page, false, form, errors))
        }
    }
}

pub async fn show(
    db: Db,
    page: Page,
    Path(code): Path<String>,
    Query(done): Query<Done>,
) -> Result<EidMeansForm, AppError> {
    let means = store::catalogue::eid_means_by_code(&mut *db.connection().await?, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = EidMeansInput {
        code: means.code,
        name_lv: means.name_lv,
        name_en: means.name_en,
        active: means.active,
        amr: means.amr.unwrap_or_default(),
    };
    Ok(EidMeansForm::shown(page, true, values, &done))
}

pub async fn update(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(code): Path<String>,
    form: Posted,
) -> Result<Response, AppError> {
    let means = store::catalogue::eid_means_by_code(&mut *db.connection().await?, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = EidMeansInput {
        code: means.code,
        ..input(&form)
    };
    let outcome = catalogue::edit_eid_means(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        &form,
    )
    .await;
    match outcome {
        Ok(()) => Ok(see_other_done(
            format!("/admin/eid-means/{}", form.code),
            "saved",
        )),
        Err(error) => {
            let errors = catalogue_errors(&page, error)?;
            Ok(EidMeansForm::again(page, true, form, errors))
        }
    }
}
