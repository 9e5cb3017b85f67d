//! Centres: the list, adding one and editing one, within the administrator's centres.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{Done, Errors, FormPage, account_errors, push_account_error, see_other_done};
use crate::domain::ids::CentreId;
use crate::domain::staff::{
    CENTRE_CODE_MAX_CHARS, CONTACT_MAX_CHARS, CentreContact, CentreKind, ContactPart,
    MUNICIPALITY_MAX_CHARS, NAME_MAX_CHARS,
};
use crate::service::accounts::{self, AccountError, CentreInput};
use crate::store::{self, centres::Centre};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::form::{Field, Posted, Widget};
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "admin/centres.html")]
pub struct CentresPage {
    page: Page,
    centres: Vec<Centre>,
    notice: Option<&'static str>,
}

impl CentresPage {
    fn kind_label(&self, kind: &CentreKind) -> &'static str {
        kind_label(&self.page, *kind)
    }
}

pub fn kind_label(page: &Page, kind: CentreKind) -> &'static str {
    match kind {
        CentreKind::National => page.t.admin.kind_national,
        CentreKind::Regional => page.t.admin.kind_regional,
        CentreKind::Local => page.t.admin.kind_local,
    }
}

pub async fn list(
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> Result<CentresPage, AppError> {
    let centres = store::centres::list(&mut *db.connection().await?, &user.centres).await?;
    let notice = done.message(&page);
    Ok(CentresPage {
        page,
        centres,
        notice,
    })
}

/// The centre form's values as typed.
#[derive(Debug, Clone)]
pub struct CentreValues {
    code: String,
    name: String,
    municipality: String,
    kind: String,
    retention_years: String,
    active: bool,
    contact: CentreContact,
}

impl CentreValues {
    fn from_form(form: &Posted) -> Self {
        let mut contact = CentreContact::default();
        for part in ContactPart::ALL {
            *contact.part_mut(part) = form.get(part.field());
        }
        Self {
            code: form.get("code"),
            name: form.get("name"),
            municipality: form.get("municipality"),
            kind: form.get("kind"),
            retention_years: form.get("retention_years"),
            active: form.present("active"),
            contact,
        }
    }

    fn from_centre(centre: &Centre) -> Self {
        Self {
            code: centre.code.clone(),
            name: centre.name.clone(),
            municipality: centre.municipality.clone(),
            kind: centre.kind.code().to_owned(),
            retention_years: centre.retention_years.to_string(),
            active: centre.active,
            contact: centre.contact.0.clone(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/centre_form.html")]
pub struct CentreForm {
    page: Page,
    /// `None` for a new centre.
    id: Option<CentreId>,
    form: CentreValues,
    errors: Errors,
    notice: Option<&'static str>,
}

impl CentreForm {
    fn fields(&self) -> Vec<Field> {
        let (a, form, errors) = (self.page.t.admin, &self.form, &self.errors);
        let kinds = CentreKind::ALL
            .into_iter()
            .map(|kind| {
                (
                    kind.code().to_owned(),
                    kind_label(&self.page, kind).to_owned(),
                )
            })
            .collect();
        vec![
            Field::text("code", a.centre_code, form.code.clone())
                .hint(a.centre_code_hint)
                .max(CENTRE_CODE_MAX_CHARS),
            Field::text("name", a.centre_name, form.name.clone()).max(NAME_MAX_CHARS),
            Field::text("municipality", a.municipality, form.municipality.clone())
                .optional()
                .max(MUNICIPALITY_MAX_CHARS),
            Field::choose(
                "kind",
                a.centre_kind,
                Widget::Select,
                kinds,
                std::slice::from_ref(&form.kind),
            ),
            Field::input(
                "retention_years",
                a.retention_years,
                "number",
                form.retention_years.clone(),
            )
            .hint(a.retention_hint),
            Field::checkbox("active", a.centre_active, form.active),
        ]
        .into_iter()
        .chain(ContactPart::ALL.into_iter().map(|part| {
            let value = form.contact.part(part).to_owned();
            let field = match part {
                ContactPart::Place => {
                    Field::text(part.field(), a.contact_place, value).hint(a.contact_place_hint)
                }
                ContactPart::Address => Field::text(part.field(), a.contact_address, value),
                ContactPart::Phone => Field::input(part.field(), a.contact_phone, "tel", value),
                ContactPart::Email => Field::input(part.field(), a.contact_email, "email", value),
                ContactPart::OpeningHours => {
                    Field::area(part.field(), a.contact_opening_hours, value)
                }
                ContactPart::DataProtectionOfficer => {
                    Field::text(part.field(), a.contact_dpo, value).hint(a.contact_dpo_hint)
                }
            };
            field.optional().max(CONTACT_MAX_CHARS)
        }))
        .map(|field| field.errors(errors))
        .collect()
    }

    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/admin/centres/{id}"),
            None => "/admin/centres/new".to_owned(),
        }
    }
}

impl FormPage for CentreForm {
    /// The centre's id; `None` for a new centre.
    type Record = Option<CentreId>;
    type Values = CentreValues;

    fn build(
        page: Page,
        id: Option<CentreId>,
        form: CentreValues,
        errors: Errors,
        notice: Option<&'static str>,
    ) -> Self {
        Self {
            page,
            id,
            form,
            errors,
            notice,
        }
    }
}

pub async fn new(page: Page) -> CentreForm {
    let values = CentreValues {
        code: String::new(),
        name: String::new(),
        municipality: String::new(),
        kind: CentreKind::Local.code().to_owned(),
        retention_years: "10".to_owned(),
        active: true,
        contact: CentreContact::default(),
    };
    CentreForm::fresh(page, None, values)
}

/// Reads the typed values into an input for `accounts`, or says everything that is wrong with
/// them at once.
fn input(page: &Page, form: &CentreValues) -> Result<CentreInput, Result<Errors, AppError>> {
    let t = page.t.admin;
    let mut errors = Errors::default();
    let kind = CentreKind::from_code(&form.kind);
    if kind.is_none() {
        errors.push("kind", t.centre_kind_invalid);
    }
    let retention_years = form.retention_years.trim().parse::<i16>().ok();
    if retention_years.is_none() {
        errors.push("retention_years", t.retention_invalid);
    }
    let input = CentreInput {
        code: form.code.clone(),
        name: form.name.clone(),
        municipality: form.municipality.clone(),
        kind: kind.unwrap_or(CentreKind::Local),
        retention_years: retention_years.unwrap_or(1),
        active: form.active,
        contact: form.contact.clone(),
    };
    let problems = AccountError::Invalid(accounts::centre_problems(&input));
    push_account_error(page, &mut errors, problems, field_of).map_err(Err)?;
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(Ok(errors))
    }
}

/// The field of this form that `error` is about, and its message.
fn field_of(page: &Page, error: AccountError) -> Result<(&'static str, &'static str), AppError> {
    let t = page.t.admin;
    Ok(match error {
        // A centre outside the administrator's reach is not theirs to know of.
        AccountError::UnknownCentre(_) => return Err(AppError::NotFound),
        AccountError::BadCentreCode => ("code", t.centre_code_invalid),
        AccountError::DuplicateCentreCode => ("code", t.centre_code_taken),
        AccountError::BadName => ("name", t.name_invalid),
        AccountError::BadMunicipality => ("municipality", t.municipality_invalid),
        AccountError::BadRetention => ("retention_years", t.retention_invalid),
        AccountError::BadContact(part) => (
            part.field(),
            match part {
                ContactPart::Phone => t.contact_phone_invalid,
                ContactPart::Email => t.contact_email_invalid,
                _ => t.contact_invalid,
            },
        ),
        other => return Err(anyhow::Error::from(other).into()),
    })
}

pub async fn create(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    form: Posted,
) -> Result<Response, AppError> {
    let form = CentreValues::from_form(&form);
    let result = match input(&page, &form) {
        Ok(input) => accounts::add_centre(
            &mut *db.connection().await?,
            state.clock.as_ref(),
            user.actor(),
            &input,
        )
        .await
        .map_err(|error| account_errors(&page, error, field_of)),
        Err(errors) => Err(errors),
    };
    match result {
        Ok(id) => Ok(see_other_done(format!("/admin/centres/{id}"), "added")),
        Err(errors) => Ok(CentreForm::again(page, None, form, errors?)),
    }
}

pub async fn show(
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<CentreId>,
    Query(done): Query<Done>,
) -> Result<CentreForm, AppError> {
    let centre = store::centres::get(&mut *db.connection().await?, id, &user.centres)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = CentreValues::from_centre(&centre);
    Ok(CentreForm::shown(page, Some(id), values, &done))
}

pub async fn update(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<CentreId>,
    form: Posted,
) -> Result<Response, AppError> {
    let form = CentreValues::from_form(&form);
    let result = match input(&page, &form) {
        Ok(input) => accounts::edit_centre(
            &mut *db.connection().await?,
            state.clock.as_ref(),
            user.actor(),
            id,
            &input,
        )
        .await
        .map_err(|error| account_errors(&page, error, field_of)),
        Err(errors) => Err(errors),
    };
    match result {
        Ok(()) => Ok(see_other_done(format!("/admin/centres/{id}"), "saved")),
        Err(errors) => Ok(CentreForm::again(page, Some(id), form, errors?)),
    }
}
