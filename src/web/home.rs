//! `/`: each role starts where its work is.

use axum::response::Redirect;

use super::session::CurrentUser;
use crate::domain::staff::Role;

/// Employees start at their cases, supervisors at the review queue, administrators at the
/// administration; an account of several roles, at the first of them.
pub async fn show(user: CurrentUser) -> Redirect {
    Redirect::to(match user.roles.first() {
        Some(Role::Employee) => "/cases",
        Some(Role::Supervisor) => "/review",
        Some(Role::Admin) | None => "/admin",
    })
}
