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
mod notices;
mod staff;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::AppState;
pub use super::form::Errors;
use super::page::Page;

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

/// A redirect after a successful POST.
pub fn see_other(path: String) -> Response {
    Redirect::to(&path).into_response()
}
