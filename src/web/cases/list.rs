//! /cases: the employee's open cases, those awaiting a result, and the recently finished.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::ids::CaseId;
use crate::domain::today_in_riga;
use crate::domain::workflow::{RESULT_OVERDUE_AFTER_DAYS, result_overdue};
use crate::present::format::{date, riga_time};
use crate::store::cases::{self as store, Listed};
use crate::store::messages;
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::error::AppError;
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

pub struct ListRow {
    pub id: CaseId,
    pub eservice: String,
    pub stands: String,
    pub opened: String,
    pub submitted: String,
    pub days_waiting: i64,
    pub overdue: bool,
    pub finished: String,
    pub status: &'static str,
}

fn list_rows(page: &Page, rows: Vec<Listed>, now: DateTime<Utc>) -> Vec<ListRow> {
    let today = today_in_riga(now);
    rows.into_iter()
        .map(|row| {
            let days_waiting = row
                .submitted_at
                .map_or(0, |at| (today - today_in_riga(at)).num_days());
            let stands = row
                .next_step
                .map(|step| format!("{} {}", step.subpoint(), labels::duty(page.t, step)))
                .unwrap_or_default();
            ListRow {
                id: row.id,
                eservice: page
                    .lang
                    .pick(&row.eservice_name_lv, &row.eservice_name_en)
                    .to_owned(),
                stands,
                opened: riga_time(row.opened_at),
                submitted: row.submitted_at.map(riga_time).unwrap_or_default(),
                days_waiting,
                overdue: result_overdue(row.next_step, row.submitted_at, now),
                finished: row.finished_at.map(riga_time).unwrap_or_default(),
                status: labels::status(page.t, row.status),
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/list.html")]
pub struct ListPage {
    page: Page,
    mine: Vec<ListRow>,
    awaiting: Vec<ListRow>,
    finished: Vec<ListRow>,
    overdue_rule: String,
    /// (next page, first page) links of each list; a link carries case ids only.
    mine_pages: (Option<String>, Option<String>),
    awaiting_pages: (Option<String>, Option<String>),
    /// Cases whose client could not be informed by message: (case, duty, failed at).
    untold: Vec<(CaseId, String, String)>,
    /// Cases whose planned time passed with no result: (case, planned date).
    reminders: Vec<(CaseId, String)>,
}

/// At most this many rows of the "phone the client" and reminder lists.
const ATTENTION_LIMIT: i64 = 50;

/// Where each paged list of /cases stands: the id of the last case of the page before.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    mine_after: Option<String>,
    #[serde(default)]
    awaiting_after: Option<String>,
}

/// A cursor from the query; anything that is not a case id means the first page.
fn cursor(raw: Option<&str>) -> Option<CaseId> {
    raw.and_then(|raw| raw.trim().parse().ok())
}

/// The /cases link with both lists' cursors, ending at the list the link is about.
fn list_href(mine: Option<CaseId>, awaiting: Option<CaseId>, anchor: &str) -> String {
    let mut pairs = Vec::new();
    if let Some(id) = mine {
        pairs.push(format!("mine_after={id}"));
    }
    if let Some(id) = awaiting {
        pairs.push(format!("awaiting_after={id}"));
    }
    if pairs.is_empty() {
        format!("/cases#{anchor}")
    } else {
        format!("/cases?{}#{anchor}", pairs.join("&"))
    }
}

pub async fn list(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let now = state.clock.now();
    let mine_after = cursor(query.mine_after.as_deref());
    let awaiting_after = cursor(query.awaiting_after.as_deref());
    let mine = store::open_cases_of(
        &mut *db.connection().await?,
        user.id,
        &user.centres,
        mine_after,
    )
    .await?;
    let awaiting =
        store::awaiting_result(&mut *db.connection().await?, &user.centres, awaiting_after).await?;
    let finished = store::recently_finished(&mut *db.connection().await?, &user.centres).await?;
    let untold = messages::untold_in(&mut *db.connection().await?, &user.centres, ATTENTION_LIMIT)
        .await?
        .into_iter()
        .map(|(id, step, at)| {
            let duty = format!("{} {}", step.subpoint(), labels::duty(page.t, step));
            (id, duty, riga_time(at))
        })
        .collect();
    let today = today_in_riga(now);
    let reminders = messages::planned_time_passed(
        &mut *db.connection().await?,
        &user.centres,
        today,
        ATTENTION_LIMIT,
    )
    .await?
    .into_iter()
    .map(|(id, on)| (id, date(on)))
    .collect();
    let c = page.t.cases;
    let days = RESULT_OVERDUE_AFTER_DAYS.unsigned_abs();
    let overdue_rule = page
        .t
        .counted(days, c.awaiting_overdue_rule_one, c.awaiting_overdue_rule);
    let mine_pages = (
        mine.next
            .map(|next| list_href(Some(next), awaiting_after, "mine")),
        mine_after.map(|_| list_href(None, awaiting_after, "mine")),
    );
    let awaiting_pages = (
        awaiting
            .next
            .map(|next| list_href(mine_after, Some(next), "awaiting")),
        awaiting_after.map(|_| list_href(mine_after, None, "awaiting")),
    );
    Ok(ListPage {
        mine: list_rows(&page, mine.rows, now),
        awaiting: list_rows(&page, awaiting.rows, now),
        finished: list_rows(&page, finished, now),
        overdue_rule,
        mine_pages,
        awaiting_pages,
        untold,
        reminders,
        page,
    })
}
