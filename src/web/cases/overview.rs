//! /cases/{id}: the overview of one case.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::messages::{self, MessageView};
use super::{CaseView, Flash, load_and_log};
use crate::domain::ids::CaseId;
use crate::domain::workflow::Step;
use crate::present::format::riga_time;
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::{AppError, path_id};
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

#[derive(Template, WebTemplate)]
#[template(path = "cases/overview.html")]
pub struct OverviewPage {
    page: Page,
    view: CaseView,
    flash: Option<(bool, String)>,
    next: Option<(String, String)>,
    /// The messages to the client (22.¹6, 22.¹7) with their status.
    messages: Vec<MessageView>,
    /// The ways the client can be told instead of a failed message.
    told_channels: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Deserialize)]
pub struct FlashQuery {
    #[serde(default)]
    notice: Option<String>,
    /// With `already-recorded`: which duty.
    #[serde(default)]
    step: Option<String>,
}

pub async fn overview(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<FlashQuery>,
) -> Result<Response, AppError> {
    let id = path_id::<CaseId>(&id)?;
    let (case, rows) = load_and_log(&state, &db, &user, id, "overview").await?;
    let view = CaseView::build(page.t, page.lang, &case, &rows);
    let c = page.t.cases;
    let flash = query
        .notice
        .as_deref()
        .and_then(Flash::from_code)
        .map(|flash| {
            // Another desk (or a second press) recorded it first: say who and when.
            let recorded = query
                .step
                .as_deref()
                .and_then(Step::from_slug)
                .filter(|_| flash == Flash::AlreadyRecorded)
                .and_then(|step| {
                    let row = rows.iter().find(|row| row.step == step)?;
                    let who = row.recorded_by_name.as_deref()?;
                    Some(format!(
                        "{} {} {who} ({}). {}",
                        step.subpoint(),
                        c.already_recorded_by,
                        riga_time(row.recorded_at),
                        c.nothing_saved_again
                    ))
                });
            let message = recorded.unwrap_or_else(|| flash.message(c).to_owned());
            (flash.is_refusal(), message)
        });
    let next = view.next_step.map(|step| {
        (
            format!("/cases/{id}/steps/{}", step.slug()),
            format!("{} {}", step.subpoint(), labels::duty(page.t, step)),
        )
    });
    let messages = messages::of_case(&db, page.t, id).await?;
    Ok(OverviewPage {
        told_channels: messages::channels(page.t),
        messages,
        page,
        view,
        flash,
        next,
    }
    .into_response())
}
