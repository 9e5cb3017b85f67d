//! The queue of finished cases, its filters and its CSV.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Days, NaiveDate};
use serde::Deserialize;
use sqlx::PgConnection;

use super::{optional, outcome_text, verdict_text};
use crate::domain::figures::riga_midnight;
use crate::domain::ids::{CaseId, CentreId, StaffId};
use crate::domain::review::{CSV_MAX_ROWS, Cursor, OutcomeFilter, PAGE_SIZE};
use crate::domain::workflow::StopReason;
use crate::i18n::Review;
use crate::i18n::{Lang, Texts};
use crate::present::csv::{CSV_BOM, csv_line};
use crate::present::format::riga_time;
use crate::store;
use crate::store::review::{CentreOption, EmployeeOption, EserviceOption, QueueFilter, QueueRow};
use crate::web::AppState;
use crate::web::db::Db;
use crate::web::download::{self, Disposition};
use crate::web::error::AppError;
use crate::web::form::Errors;
use crate::web::labels;
use crate::web::page::Page;
use crate::web::session::CurrentUser;

/// The queue's filters as the query string carries them: ids, codes and dates only.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    centre: String,
    employee: String,
    eservice: String,
    from: String,
    to: String,
    outcome: String,
    reviewed: String,
    after: String,
}

/// The filters, parsed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub centre: Option<CentreId>,
    pub employee: Option<StaffId>,
    pub eservice: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub outcome: Option<OutcomeFilter>,
    pub reviewed: Option<bool>,
}

/// The first and last years a period filter accepts: before 2000 no case exists, and beyond
/// 9999 a date no longer fits the database or `yyyy-mm-dd`.
const FILTER_YEARS: std::ops::RangeInclusive<i32> = 2000..=9999;

/// A filter's date, `yyyy-mm-dd` within [`FILTER_YEARS`].
fn filter_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| FILTER_YEARS.contains(&date.year()))
}

/// One filter's value: `None` when empty or unreadable; an unreadable one adds `message` for
/// `field` to `errors`.
/// An id typed in a filter, of whichever kind the filter names.
fn parse_id<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.parse().ok()
}

fn filter_value<T>(
    errors: &mut Errors,
    field: &'static str,
    text: &str,
    message: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let value = parse(text);
    if value.is_none() {
        errors.push(field, message);
    }
    value
}

impl QueueQuery {
    /// The filters, and for each value that could not be read its field and message: a bad
    /// value filters nothing, and the queue says so next to the field (never an error page).
    fn filters(&self, r: &'static Review) -> (Filters, Errors) {
        let mut errors = Errors::default();
        let e = &mut errors;
        let (choice, day) = (r.error_filter_choice, r.error_filter_date);
        let filters = Filters {
            centre: filter_value(e, "centre", &self.centre, choice, parse_id),
            employee: filter_value(e, "employee", &self.employee, choice, parse_id),
            eservice: filter_value(e, "eservice", &self.eservice, choice, parse_id),
            from: filter_value(e, "from", &self.from, day, filter_date),
            to: filter_value(e, "to", &self.to, day, filter_date),
            outcome: filter_value(e, "outcome", &self.outcome, choice, OutcomeFilter::parse),
            reviewed: filter_value(e, "reviewed", &self.reviewed, choice, |text| match text {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            }),
        };
        (filters, errors)
    }

    fn cursor(&self) -> Result<Option<Cursor>, AppError> {
        optional(&self.after, Cursor::decode)
    }
}

impl Filters {
    /// The query string of these filters (values are ids, codes and dates: nothing to escape).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                parts.push(format!("{name}={value}"));
            }
        };
        add("centre", self.centre.map(|v| v.to_string()));
        add("employee", self.employee.map(|v| v.to_string()));
        add("eservice", self.eservice.map(|v| v.to_string()));
        add("from", self.from.map(|v| v.to_string()));
        add("to", self.to.map(|v| v.to_string()));
        add("outcome", self.outcome.map(OutcomeFilter::code));
        add(
            "reviewed",
            self.reviewed
                .map(|v| if v { "yes" } else { "no" }.to_owned()),
        );
        parts.join("&")
    }

    fn is_centre(&self, id: &CentreId) -> bool {
        self.centre == Some(*id)
    }

    fn is_employee(&self, id: &StaffId) -> bool {
        self.employee == Some(*id)
    }

    fn is_eservice(&self, id: &i64) -> bool {
        self.eservice == Some(*id)
    }

    fn outcome_code(&self) -> String {
        self.outcome.map(OutcomeFilter::code).unwrap_or_default()
    }

    fn reviewed_code(&self) -> &'static str {
        match self.reviewed {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        }
    }

    fn period_start_text(&self) -> String {
        self.from.map(|d| d.to_string()).unwrap_or_default()
    }

    fn period_end_text(&self) -> String {
        self.to.map(|d| d.to_string()).unwrap_or_default()
    }

    /// The store's filter: the user's scope narrowed to the chosen centre and to the chosen
    /// employee's centre (an employee outside the scope narrows it to nothing).
    fn store_filter(&self, user: &CurrentUser, employees: &[EmployeeOption]) -> QueueFilter {
        let employee_centre = self.employee.map(|id| {
            employees
                .iter()
                .find(|employee| employee.id == id)
                .map(|employee| employee.centre_id)
        });
        let centres = user
            .centres
            .iter()
            .copied()
            .filter(|centre| self.centre.is_none_or(|chosen| chosen == *centre))
            .filter(|centre| employee_centre.is_none_or(|found| found == Some(*centre)))
            .collect();
        QueueFilter {
            centres,
            employee: self.employee,
            eservice: self.eservice,
            from: self.from.map(riga_midnight),
            // Up to the start of the day after `to` (checked: the last day chrono knows has none,
            // and then nothing can end later anyway).
            until: self
                .to
                .and_then(|to| to.checked_add_days(Days::new(1)))
                .map(riga_midnight),
            status: self.outcome.map(OutcomeFilter::status),
            stop_reason: self.outcome.and_then(OutcomeFilter::stop_reason),
            reviewed: self.reviewed,
        }
    }
}

/// A queue row as the page and the CSV show it.
pub struct QueueLine {
    pub id: CaseId,
    pub centre: String,
    pub eservice: String,
    pub employee: String,
    pub opened: String,
    pub finished: String,
    pub outcome: String,
    pub review: &'static str,
    pub reviewed: bool,
}

impl QueueLine {
    fn new(t: &Texts, lang: Lang, row: QueueRow) -> Self {
        Self {
            id: row.id,
            centre: row.centre_code,
            eservice: lang
                .pick(&row.eservice_name_lv, &row.eservice_name_en)
                .to_owned(),
            employee: row.employee_name,
            opened: riga_time(row.opened_at),
            finished: riga_time(row.finished_at),
            outcome: outcome_text(t, row.status, row.stop_reason),
            review: verdict_text(t, row.verdict),
            reviewed: row.verdict.is_some(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "review/queue.html")]
pub struct QueuePage {
    page: Page,
    filters: Filters,
    centres: Vec<CentreOption>,
    employees: Vec<EmployeeOption>,
    eservices: Vec<EserviceOption>,
    outcomes: Vec<(String, String)>,
    lines: Vec<QueueLine>,
    next: Option<String>,
    paged: bool,
    /// Filter values that could not be read: (field, message).
    errors: Errors,
}

impl QueuePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn eservice_label<'a>(&self, option: &'a EserviceOption) -> &'a str {
        self.page.lang.pick(&option.name_lv, &option.name_en)
    }

    fn csv_href(&self) -> String {
        let query = self.filters.query();
        if query.is_empty() {
            "/review.csv".to_owned()
        } else {
            format!("/review.csv?{query}")
        }
    }
}

fn outcome_options(t: &Texts) -> Vec<(String, String)> {
    let mut options = vec![
        ("closed".to_owned(), t.review.outcome_closed.to_owned()),
        ("stopped".to_owned(), t.review.outcome_stopped.to_owned()),
    ];
    for reason in StopReason::ALL {
        options.push((
            OutcomeFilter::StoppedFor(reason).code(),
            format!(
                "{} ({})",
                t.review.outcome_stopped,
                labels::stop_reason(t, reason)
            ),
        ));
    }
    options
}

/// The finished cases under `filters` after `cursor`, at most `limit`, and the employees of the
/// user's centres (the employee filter's choices, which also narrow its scope).
struct Listed {
    employees: Vec<EmployeeOption>,
    rows: Vec<QueueRow>,
    /// There were more than `limit`.
    more: bool,
}

async fn list(
    connection: &mut PgConnection,
    user: &CurrentUser,
    filters: &Filters,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<Listed, sqlx::Error> {
    let employees = store::review::employees(&mut *connection, &user.centres).await?;
    let filter = filters.store_filter(user, &employees);
    let after = cursor.map(|c| (c.finished_at, c.id));
    // One more than shown tells whether there are more.
    let mut rows = store::review::queue(connection, &filter, after, limit + 1).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok(Listed {
        employees,
        rows,
        more,
    })
}

pub async fn queue(
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let (filters, errors) = query.filters(page.t.review);
    let cursor = query.cursor()?;
    let mut connection = db.connection().await?;
    let Listed {
        employees,
        rows,
        more,
    } = list(&mut connection, &user, &filters, cursor, PAGE_SIZE).await?;
    let next = more.then(|| rows.last()).flatten().map(|last| {
        let after = Cursor {
            finished_at: last.finished_at,
            id: last.id,
        }
        .encode();
        let query = filters.query();
        if query.is_empty() {
            format!("/review?after={after}")
        } else {
            format!("/review?{query}&after={after}")
        }
    });
    let t = page.t;
    let lang = page.lang;
    Ok(QueuePage {
        centres: store::review::centres(&mut *connection, &user.centres).await?,
        eservices: store::review::eservices(&mut *connection).await?,
        outcomes: outcome_options(t),
        lines: rows
            .into_iter()
            .map(|row| QueueLine::new(t, lang, row))
            .collect(),
        next,
        paged: cursor.is_some(),
        errors,
        employees,
        filters,
        page,
    }
    .into_response())
}

/// The queue as CSV: the same filters, newest first, at most [`CSV_MAX_ROWS`] rows (the
/// response says `X-Pilnvara-Truncated: true` when there were more). No client data.
pub async fn queue_csv(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    // A download has no page to show a message on: unreadable filters are refused.
    let (filters, errors) = query.filters(page.t.review);
    if !errors.is_empty() {
        return Err(AppError::BadRequest);
    }
    // An export reads from the replica when there is one, as the figures do.
    let listed = state
        .report(&db, &(&user, &filters), |connection, (user, filters)| {
            Box::pin(list(connection, user, filters, None, CSV_MAX_ROWS))
        })
        .await?;
    let t = page.t;
    let r = t.review;
    let mut body = String::from(CSV_BOM);
    body.push_str(&csv_line(&[
        r.col_case,
        r.col_centre,
        r.col_eservice_code,
        r.col_eservice,
        r.col_employee,
        r.col_opened,
        r.col_finished,
        r.col_outcome,
        r.col_review,
    ]));
    for row in listed.rows {
        let eservice = row.eservice_code.clone();
        let employee = row.employee_username.clone();
        let line = QueueLine::new(t, page.lang, row);
        body.push_str(&csv_line(&[
            line.id.to_string(),
            line.centre,
            eservice,
            line.eservice,
            employee,
            line.opened,
            line.finished,
            line.outcome,
            line.review.to_owned(),
        ]));
    }
    let mut response = download::file(
        download::CSV,
        Disposition::Attachment,
        "parskatisana.csv",
        body,
    );
    if listed.more {
        response.headers_mut().insert(
            "x-pilnvara-truncated",
            "true".parse().expect("a header value"),
        );
    }
    Ok(response)
}
