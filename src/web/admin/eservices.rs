//! The e-service catalogue: the list (seeded examples marked), adding and editing an entry with
//! its capabilities and the personal-data categories it needs.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{Done, Errors, FormPage, catalogue_errors, see_other_done};
use crate::domain::catalogue::{CODE_MAX_CHARS, DataCategory, ESERVICE_TEXT_MAX_CHARS};
use crate::service::catalogue::{self, EserviceInput};
use crate::store::{self, catalogue::Eservice};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::{Field, Posted, Widget};
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "admin/eservices.html")]
pub struct EservicesPage {
    page: Page,
    eservices: Vec<Eservice>,
    notice: Option<&'static str>,
}

impl EservicesPage {
    fn name<'a>(&self, eservice: &'a Eservice) -> &'a str {
        self.page.lang.pick(&eservice.name_lv, &eservice.name_en)
    }

    fn categories(&self, eservice: &Eservice) -> String {
        eservice
            .data_categories
            .iter()
            .map(|code| {
                DataCategory::from_code(code).map_or(code.as_str(), |category| {
                    labels::data_category(self.page.t, category)
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn yes_no(&self, value: &bool) -> &'static str {
        if *value {
            self.page.t.admin.yes
        } else {
            self.page.t.admin.no
        }
    }
}

pub async fn list(db: Db, page: Page, Query(done): Query<Done>) -> Result<EservicesPage, AppError> {
    let eservices = store::catalogue::eservices(&mut *db.connection().await?).await?;
    let notice = done.message(&page);
    Ok(EservicesPage {
        page,
        eservices,
        notice,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/eservice_form.html")]
pub struct EserviceForm {
    page: Page,
    /// The entry being edited; `None` for a new one.
    entry: Option<Entry>,
    form: EserviceInput,
    errors: Errors,
    notice: Option<&'static str>,
}

/// A stored entry: its id, and whether it is one of the seeded examples.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    id: i64,
    is_example: bool,
}

impl Entry {
    fn of(eservice: &Eservice) -> Self {
        Self {
            id: eservice.id,
            is_example: eservice.is_example,
        }
    }
}

impl EserviceForm {
    fn is_example(&self) -> bool {
        self.entry.is_some_and(|entry| entry.is_example)
    }

    /// The fields before the capabilities.
    fn naming(&self) -> Vec<Field> {
        let (a, form) = (self.page.t.admin, &self.form);
        vec![
            Field::text("code", a.catalogue_code, form.code.clone())
                .hint(a.catalogue_code_hint)
                .max(CODE_MAX_CHARS),
            Field::text("name_lv", a.name_lv, form.name_lv.clone()).max(ESERVICE_TEXT_MAX_CHARS),
            Field::text("name_en", a.name_en, form.name_en.clone()).max(ESERVICE_TEXT_MAX_CHARS),
            Field::text("institution", a.institution, form.institution.clone())
                .max(ESERVICE_TEXT_MAX_CHARS),
        ]
        .into_iter()
        .map(|field| field.errors(&self.errors))
        .collect()
    }

    /// What the e-service's portal gives back: checkboxes under one legend.
    fn capabilities(&self) -> Vec<Field> {
        let (a, form) = (self.page.t.admin, &self.form);
        vec![
            Field::checkbox(
                "authorised_submission",
                a.authorised_submission,
                form.authorised_submission,
            ),
            Field::checkbox(
                "gives_planned_time",
                a.gives_planned_time,
                form.gives_planned_time,
            ),
            Field::checkbox("gives_result", a.gives_result, form.gives_result),
        ]
    }

    /// The personal-data categories, and whether the entry is offered.
    fn use_of_data(&self) -> Vec<Field> {
        let (a, form) = (self.page.t.admin, &self.form);
        let categories = DataCategory::ALL
            .into_iter()
            .map(|category| {
                let label = labels::data_category(self.page.t, category);
                (category.code().to_owned(), label.to_owned())
            })
            .collect();
        vec![
            Field::choose(
                "data_categories",
                a.data_categories,
                Widget::Checkboxes,
                categories,
                &form.data_categories,
            )
            .hint(a.data_categories_hint),
            Field::checkbox("active", a.eservice_active, form.active),
        ]
        .into_iter()
        .map(|field| field.errors(&self.errors))
        .collect()
    }

    fn action(&self) -> String {
        match self.entry {
            Some(entry) => format!("/admin/eservices/{}", entry.id),
            None => "/admin/eservices/new".to_owned(),
        }
    }
}

impl FormPage for EserviceForm {
    type Record = Option<Entry>;
    type Values = EserviceInput;

    fn build(
        page: Page,
        entry: Option<Entry>,
        form: EserviceInput,
        errors: Errors,
        notice: Option<&'static str>,
    ) -> Self {
        Self {
            page,
            entry,
            form,
            errors,
            notice,
        }
    }
}

fn input(form: &Posted) -> EserviceInput {
    EserviceInput {
        code: form.get("code"),
        name_lv: form.get("name_lv"),
        name_en: form.get("name_en"),
        institution: form.get("institution"),
        authorised_submission: form.present("authorised_submission"),
        gives_planned_time: form.present("gives_planned_time"),
        gives_result: form.present("gives_result"),
        data_categories: form.all("data_categories"),
        active: form.present("active"),
    }
}

pub async fn new(page: Page) -> EserviceForm {
    let values = EserviceInput {
        authorised_submission: true,
        active: true,
        data_categories: vec![DataCategory::Identity.code().to_owned()],
        ..EserviceInput::default()
    };
    EserviceForm::fresh(page, None, values)
}

pub async fn create(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    form: Posted,
) -> Result<Response, AppError> {
    let form = input(&form);
    let outcome = catalogue::add_eservice(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        &form,
    )
    .await;
    match outcome {
        Ok(id) => Ok(see_other_done(format!("/admin/eservices/{id}"), "added")),
        Err(error) => {
            let errors = catalogue_errors(&page, error)?;
            Ok(EserviceForm::again(page, None, form, errors))
        }
    }
}

pub async fn show(
    db: Db,
    page: Page,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<EserviceForm, AppError> {
    let eservice = store::catalogue::eservice(&mut *db.connection().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = Entry::of(&eservice);
    let values = EserviceInput {
        code: eservice.code,
        name_lv: eservice.name_lv,
        name_en: eservice.name_en,
        institution: eservice.institution,
        authorised_submission: eservice.authorised_submission,
        gives_planned_time: eservice.gives_planned_time,
        gives_result: eservice.gives_result,
        data_categories: eservice.data_categories,
        active: eservice.active,
    };
    Ok(EserviceForm::shown(page, Some(entry), values, &done))
}

pub async fn update(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Posted,
) -> Result<Response, AppError> {
    let eservice = store::catalogue::eservice(&mut *db.connection().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = Entry::of(&eservice);
    let form = input(&form);
    let outcome = catalogue::edit_eservice(
        &mut *db.connection().await?,
        state.clock.as_ref(),
        user.actor(),
        id,
        &form,
    )
    .await;
    match outcome {
        Ok(()) => Ok(see_other_done(format!("/admin/eservices/{id}"), "saved")),
        Err(error) => {
            let errors = catalogue_errors(&page, error)?;
            Ok(EserviceForm::again(page, Some(entry), form, errors))
        }
    }
}
