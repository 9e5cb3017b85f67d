//! `/`: each role starts where its work is.

use axum::response::Redirect;

use super::session::CurrentUser;
use crate::domain::staff::Role;

/// Employees start at their cases, supervisors at the review queue, administrators at the
/// administration.
pub async fn show(user: CurrentUser) -> Redirect {
    Redirect::to(match user.role {
        Role::Employee => "/cases",
        Role::Supervisor => "/review",
        Role::Admin => "/admin",
    })
}
