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

/// Each role starts where its work is: employees at their cases, administrators at the
/// administration; the others see their home page.
pub async fn show(page: Page, user: CurrentUser) -> Response {
    match user.role {
        Role::Employee => return Redirect::to("/cases").into_response(),
        Role::Admin => return Redirect::to("/admin").into_response(),
        Role::Supervisor => {}
    }
    HomePage {
        page,
        role: user.role,
    }
    .into_response()
}
