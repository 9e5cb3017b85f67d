//! The home page after sign-in: what each role works on.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::CurrentUser;
use super::page::Page;
use crate::domain::staff::Role;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    page: Page,
    role: Role,
}

/// Supervisors start at their review queue; everyone else at the role's home page.
pub async fn show(page: Page, user: CurrentUser) -> Response {
    if user.role == Role::Supervisor {
        return Redirect::to("/review").into_response();
    }
    HomePage {
        page,
        role: user.role,
    }
    .into_response()
}
