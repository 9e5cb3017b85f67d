//! The administrator's pages: centres, staff accounts, the e-service catalogue, the qualified
//! eID means and the data-use notice versions.
//!
//! Every route here sits behind the administrators-only guard (see `web::app`); handlers never
//! check roles. Centres and staff are further scoped to the administrator's centres (anything
//! else is "not found"). Every change goes through `accounts` or `catalogue`, which validate,
//! write in one transaction and record the change in the audit trail.

mod centres;
mod eid_means;
mod eservices;
mod messages;
mod notices;
mod staff;

use std::fmt::Display;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
pub use super::form::Errors;
use super::page::Page;
use crate::service::accounts::AccountError;
use crate::service::catalogue::{CatalogueError, Problem};

/// The admin pages; the caller puts the guard around them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/centres") }))
        .route("/admin/centres", get(centres::list))
        .route(
            "/admin/centres/new",
            get(centres::new).post(centres::create),
        )
        .route(
            "/admin/centres/{id}",
            get(centres::show).post(centres::update),
        )
        .route("/admin/staff", get(staff::list))
        .route("/admin/staff/new", get(staff::new).post(staff::create))
        .route("/admin/staff/{id}", get(staff::show).post(staff::update))
        .route(
            "/admin/staff/{id}/reset-password",
            post(staff::reset_password),
        )
        .route("/admin/staff/{id}/link", post(staff::link_person))
        // Disable, enable, unlock, end sessions: `staff::act_on` knows the names.
        .route("/admin/staff/{id}/{action}", post(staff::act_on))
        .route("/admin/eservices", get(eservices::list))
        .route(
            "/admin/eservices/new",
            get(eservices::new).post(eservices::create),
        )
        .route(
            "/admin/eservices/{id}",
            get(eservices::show).post(eservices::update),
        )
        .route("/admin/eid-means", get(eid_means::list))
        .route(
            "/admin/eid-means/new",
            get(eid_means::new).post(eid_means::create),
        )
        .route(
            "/admin/eid-means/{code}",
            get(eid_means::show).post(eid_means::update),
        )
        .route("/admin/messages", get(messages::show).post(messages::save))
        .route("/admin/notices", get(notices::list))
        .route(
            "/admin/notices/new",
            get(notices::new).post(notices::create),
        )
        .route(
            "/admin/notices/{id}",
            get(notices::show).post(notices::update),
        )
}

/// The result of an action, carried across the redirect after it (`?done=saved`).
#[derive(Debug, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

impl Done {
    pub fn message(&self, page: &Page) -> Option<&'static str> {
        let t = page.t.admin;
        Some(match self.done.as_deref()? {
            "added" => t.done_added,
            "saved" => t.done_saved,
            "disabled" => t.done_disabled,
            "enabled" => t.done_enabled,
            "unlocked" => t.done_unlocked,
            "sessions-ended" => t.done_sessions_ended,
            "linked" => t.done_linked,
            "unlinked" => t.done_unlinked,
            _ => return None,
        })
    }
}

/// A page that must not be kept by the browser or any cache: it shows a one-time password.
pub fn no_store(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The redirect after a successful POST: to `path`, saying what was done there (`?done=added`,
/// read back by `Done`).
pub fn see_other_done(path: impl Display, done: &str) -> Response {
    Redirect::to(&format!("{path}?done={done}")).into_response()
}

/// One of the administrator's form pages (a centre, a staff account, an e-service, an eID means,
/// a notice version). The one page shows a new record's form, a stored record's, and the values
/// as typed again with each error beside its field; the handlers build it in these three ways.
pub trait FormPage: IntoResponse + Sized {
    /// Which record the page is of, and what else it shows besides the form's values.
    type Record;
    /// The form's values, as stored or as typed.
    type Values;

    /// The page from its parts; handlers use one of the three ways below.
    fn build(
        page: Page,
        record: Self::Record,
        values: Self::Values,
        errors: Errors,
        notice: Option<&'static str>,
    ) -> Self;

    /// The form with nothing to report: a new record's, or a stored one's.
    fn fresh(page: Page, record: Self::Record, values: Self::Values) -> Self {
        Self::build(page, record, values, Errors::default(), None)
    }

    /// A stored record's form, with the message of what was just done to it.
    fn shown(page: Page, record: Self::Record, values: Self::Values, done: &Done) -> Self {
        let notice = done.message(&page);
        Self::build(page, record, values, Errors::default(), notice)
    }

    /// The form again after a refused POST: the values as typed, each error beside its field.
    fn again(page: Page, record: Self::Record, values: Self::Values, errors: Errors) -> Response {
        Self::build(page, record, values, errors, None).into_response()
    }
}

/// Where one problem of a refused account change goes on a form: the field it is about and its
/// message, or the error page when it is about no field of that form.
pub type FieldOf = fn(&Page, AccountError) -> Result<(&'static str, &'static str), AppError>;

/// The form errors of a refused account change, each placed by the form's `field_of`.
pub fn account_errors(
    page: &Page,
    error: AccountError,
    field_of: FieldOf,
) -> Result<Errors, AppError> {
    let mut errors = Errors::default();
    push_account_error(page, &mut errors, error, field_of)?;
    Ok(errors)
}

/// Puts `error`, or each problem of an `Invalid` one, beside its field.
pub fn push_account_error(
    page: &Page,
    errors: &mut Errors,
    error: AccountError,
    field_of: FieldOf,
) -> Result<(), AppError> {
    if let AccountError::Invalid(problems) = error {
        for problem in problems {
            push_account_error(page, errors, problem, field_of)?;
        }
    } else {
        let (field, message) = field_of(page, error)?;
        errors.push(field, message);
    }
    Ok(())
}

/// The message of a catalogue form problem.
fn problem_message(page: &Page, problem: Problem) -> &'static str {
    let t = page.t.admin;
    match problem {
        Problem::Required => t.required,
        Problem::TooLong => t.too_long,
        Problem::ControlCharacters => page.t.cases.err_control_characters,
        Problem::BadCode => t.catalogue_code_invalid,
        Problem::DuplicateCode => t.catalogue_code_taken,
        Problem::UnknownCategory => t.category_unknown,
        Problem::BadDate => t.date_invalid,
        Problem::BadProviderValue => t.eid_means_amr_invalid,
        Problem::DuplicateProviderValue => t.eid_means_amr_taken,
    }
}

/// The form errors of a refused catalogue change; anything else is an error page.
pub fn catalogue_errors(page: &Page, error: CatalogueError) -> Result<Errors, AppError> {
    match error {
        CatalogueError::Invalid(problems) => {
            let mut errors = Errors::default();
            for (field, problem) in problems {
                errors.push(field, problem_message(page, problem));
            }
            Ok(errors)
        }
        CatalogueError::NotFound => Err(AppError::NotFound),
        CatalogueError::Database(error) => Err(error.into()),
        other => Err(anyhow::Error::from(other).into()),
    }
}
