//! The figures: per centre and month, per month over the chosen centres, and per e-service, as
//! server-rendered SVG bar charts each with its numbers in a table beside it, and as CSV.
//!
//! Only supervisors reach these handlers; the centres are always the user's scope (narrowed by
//! the centre filter). The aggregates come from SQL (`store::figures`); this module only lays
//! them out. The figures hold no personal data.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgConnection;

use super::AppState;
use super::db::Db;
use super::download::{self, Disposition};
use super::error::AppError;
use super::labels;
use super::page::Page;
use super::session::CurrentUser;
use crate::domain::figures::{
    DEFAULT_MONTHS, MAX_MONTHS, month_code, month_count, month_of, months_back, months_between,
    parse_month, percent, seconds_to_days,
};
use crate::domain::ids::CentreId;
use crate::domain::today_in_riga;
use crate::domain::workflow::{StopReason, results_overdue_before};
use crate::i18n::{Lang, Texts};
use crate::present::chart::{BarChart, bar_chart};
use crate::present::csv::{CSV_BOM, csv_decimal, csv_line};
use crate::store;
use crate::store::figures::{Figures, Levels, MessageFigures, Scope};
use crate::store::review::{CentreOption, EserviceOption};

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    centre: String,
}

/// The period and centres asked for, checked.
#[derive(Debug, Clone)]
struct Period {
    first: NaiveDate,
    last: NaiveDate,
    centre: Option<CentreId>,
    /// The period asked for was not valid; the default is shown instead.
    invalid: bool,
}

impl FiguresQuery {
    fn period(&self, today: NaiveDate) -> Result<Period, AppError> {
        let centre = match self.centre.trim() {
            "" => None,
            text => Some(text.parse::<CentreId>().map_err(|_| AppError::BadRequest)?),
        };
        let default_first = months_back(today, DEFAULT_MONTHS);
        let default_last = month_of(today);
        let asked = |text: &str, default: NaiveDate| match text.trim() {
            "" => Some(default),
            text => parse_month(text),
        };
        match (
            asked(&self.from, default_first),
            asked(&self.to, default_last),
        ) {
            (Some(first), Some(last)) if (1..=MAX_MONTHS).contains(&month_count(first, last)) => {
                Ok(Period {
                    first,
                    last,
                    centre,
                    invalid: false,
                })
            }
            _ => Ok(Period {
                first: default_first,
                last: default_last,
                centre,
                invalid: true,
            }),
        }
    }
}

/// One line of figures: a centre in a month, all chosen centres in a month, or an e-service.
#[derive(Debug, Clone, Default)]
pub struct FigureRow {
    pub centre: String,
    pub month: String,
    pub eservice: String,
    pub opened: i64,
    /// Of those opened, 22.¹2 recorded as chosen from the list, and as proved by the eID
    /// provider.
    pub eid_declared: i64,
    pub eid_verified: i64,
    pub closed: i64,
    pub stopped: i64,
    /// In the order of [`StopReason::ALL`].
    pub stopped_by_reason: [i64; StopReason::ALL.len()],
    pub submitted: i64,
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    pub awaiting: i64,
    pub overdue: i64,
    pub asked_share: Option<i64>,
}

fn figure_row(figures: &Figures) -> FigureRow {
    FigureRow {
        opened: figures.opened,
        eid_declared: figures.eid_declared,
        eid_verified: figures.eid_verified,
        asked_share: percent(figures.asked_result, figures.answered),
        closed: figures.closed,
        stopped: figures.stopped(),
        stopped_by_reason: figures.stopped_by_reason,
        submitted: figures.submitted,
        median_days: figures.median_seconds().map(seconds_to_days),
        p90_days: figures.p90_seconds().map(seconds_to_days),
        awaiting: figures.awaiting,
        overdue: figures.overdue,
        ..FigureRow::default()
    }
}

/// The laid-out figures, for the page and the CSV.
struct Layout {
    /// Per centre and month, centre by centre.
    centre_months: Vec<FigureRow>,
    /// Per month over every chosen centre.
    months: Vec<FigureRow>,
    /// Per e-service over the period, by code; only e-services with any figure.
    eservices: Vec<FigureRow>,
}

fn lay_out(
    levels: &Levels,
    lang: Lang,
    t: &Texts,
    centres: &[CentreOption],
    eservices: &[EserviceOption],
    months: &[NaiveDate],
) -> Layout {
    let row = |figures: Option<&Figures>| figures.map(figure_row).unwrap_or_default();
    let codes: Vec<String> = months.iter().copied().map(month_code).collect();
    let mut centre_months = Vec::with_capacity(centres.len() * months.len());
    for centre in centres {
        for (month, code) in months.iter().zip(&codes) {
            centre_months.push(FigureRow {
                centre: centre.code.clone(),
                month: code.clone(),
                ..row(levels.centre_months.get(&(centre.id, *month)))
            });
        }
    }
    let month_rows = months
        .iter()
        .zip(codes)
        .map(|(month, code)| FigureRow {
            centre: t.review.col_total.to_owned(),
            month: code,
            ..row(levels.months.get(month))
        })
        .collect();
    let eservice_rows = eservices
        .iter()
        .filter_map(|eservice| {
            let figures = levels.eservices.get(&eservice.id)?;
            Some(FigureRow {
                eservice: lang.pick(&eservice.name_lv, &eservice.name_en).to_owned(),
                ..figure_row(figures)
            })
        })
        .collect();
    Layout {
        centre_months,
        months: month_rows,
        eservices: eservice_rows,
    }
}

/// A chart with the table of its numbers.
pub struct ChartView {
    pub id: &'static str,
    pub title: &'static str,
    pub chart: BarChart,
    pub series: Vec<&'static str>,
    /// The category's label, then one value per series.
    pub rows: Vec<(String, Vec<String>)>,
}

fn number(lang: Lang, value: Option<f64>, none: &str) -> String {
    match value {
        None => none.to_owned(),
        Some(value) => {
            // A tiny negative (a submission logged in the same minute the case was opened)
            // must not print as "-0.0".
            let value = if value.abs() < 0.05 { 0.0 } else { value };
            let text = format!("{value:.1}");
            match lang {
                Lang::Lv => text.replace('.', ","),
                Lang::En => text,
            }
        }
    }
}

fn chart_view(
    id: &'static str,
    title: &'static str,
    series: Vec<&'static str>,
    categories: Vec<String>,
    values: Vec<Vec<f64>>,
    shown: Vec<Vec<String>>,
) -> ChartView {
    let chart = bar_chart(&categories, &values);
    let rows = categories.into_iter().zip(shown).collect();
    ChartView {
        id,
        title,
        chart,
        series,
        rows,
    }
}

fn charts(layout: &Layout, lang: Lang, t: &Texts) -> Vec<ChartView> {
    let r = t.review;
    let months: Vec<String> = layout.months.iter().map(|row| row.month.clone()).collect();
    let counts = chart_view(
        "chart-cases",
        r.chart_cases_title,
        vec![r.m_opened, r.m_closed, r.m_stopped],
        months.clone(),
        vec![
            layout.months.iter().map(|row| row.opened as f64).collect(),
            layout.months.iter().map(|row| row.closed as f64).collect(),
            layout.months.iter().map(|row| row.stopped as f64).collect(),
        ],
        layout
            .months
            .iter()
            .map(|row| {
                vec![
                    row.opened.to_string(),
                    row.closed.to_string(),
                    row.stopped.to_string(),
                ]
            })
            .collect(),
    );
    let times = chart_view(
        "chart-time",
        r.chart_time_title,
        vec![r.m_median_days, r.m_p90_days],
        months,
        vec![
            layout
                .months
                .iter()
                .map(|row| row.median_days.unwrap_or(0.0))
                .collect(),
            layout
                .months
                .iter()
                .map(|row| row.p90_days.unwrap_or(0.0))
                .collect(),
        ],
        layout
            .months
            .iter()
            .map(|row| {
                vec![
                    number(lang, row.median_days, r.no_value),
                    number(lang, row.p90_days, r.no_value),
                ]
            })
            .collect(),
    );
    let per_eservice = chart_view(
        "chart-eservices",
        r.chart_eservice_title,
        vec![r.m_opened],
        layout
            .eservices
            .iter()
            .map(|row| row.eservice.clone())
            .collect(),
        vec![
            layout
                .eservices
                .iter()
                .map(|row| row.opened as f64)
                .collect(),
        ],
        layout
            .eservices
            .iter()
            .map(|row| vec![row.opened.to_string()])
            .collect(),
    );
    vec![counts, times, per_eservice]
}

/// A stopped count of one centre, month and reason.
pub struct ReasonLine {
    pub centre: String,
    pub month: String,
    pub reason: &'static str,
    pub count: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "figures/show.html")]
pub struct FiguresPage {
    page: Page,
    from: String,
    to: String,
    centre: Option<CentreId>,
    centres: Vec<CentreOption>,
    invalid: bool,
    charts: Vec<ChartView>,
    centre_months: Vec<FigureRow>,
    months: Vec<FigureRow>,
    eservices: Vec<FigureRow>,
    reasons: Vec<ReasonLine>,
    /// Messages to clients: (centre, month, sent, failed, still to phone).
    messages: Vec<(String, String, i64, i64, i64)>,
    csv_href: String,
}

impl FiguresPage {
    fn is_centre(&self, id: &CentreId) -> bool {
        self.centre == Some(*id)
    }

    fn days(&self, value: &Option<f64>) -> String {
        number(self.page.lang, *value, self.page.t.review.no_value)
    }

    /// A chart's axis value, with the language's decimal mark.
    fn tick(&self, value: &f64) -> String {
        let text = ((value * 100.0).round() / 100.0).to_string();
        match self.page.lang {
            Lang::Lv => text.replace('.', ","),
            Lang::En => text,
        }
    }

    fn share(&self, value: &Option<i64>) -> String {
        value.map_or_else(|| self.page.t.review.no_value.to_owned(), |v| v.to_string())
    }
}

/// What both the page and the CSV need.
struct Prepared {
    period: Period,
    layout: Layout,
    /// The centres shown: those chosen, or every supervised one when none is.
    centres: Vec<CentreOption>,
    /// Every supervised centre.
    supervised: Vec<CentreOption>,
    messages: Vec<MessageFigures>,
}

/// What the page and the CSV read.
struct Read {
    /// Every supervised centre, for the filter, whichever is chosen.
    supervised: Vec<CentreOption>,
    figures: Levels,
    eservices: Vec<EserviceOption>,
    /// Only the page shows them; the CSV does not ask.
    messages: Vec<MessageFigures>,
}

/// What [`read_figures`] reads by: the user's centres, the scope, when results count as
/// overdue, and whether the messages are wanted.
struct By<'a> {
    supervised: &'a [CentreId],
    scope: Scope<'a>,
    overdue_before: DateTime<Utc>,
    with_messages: bool,
}

/// Reads [`Read`]: the roll-up's rows of the scope, and what names them.
async fn read_figures(connection: &mut PgConnection, by: &By<'_>) -> Result<Read, sqlx::Error> {
    let supervised = store::review::centres(&mut *connection, by.supervised).await?;
    let figures = store::figures::read(&mut *connection, &by.scope, by.overdue_before).await?;
    let eservices = store::review::eservices(&mut *connection).await?;
    let messages = match by.with_messages {
        true => store::figures::messages(&mut *connection, &by.scope).await?,
        false => Vec::new(),
    };
    Ok(Read {
        supervised,
        figures,
        eservices,
        messages,
    })
}

async fn prepare(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    query: &FiguresQuery,
    page: &Page,
    with_messages: bool,
) -> Result<Prepared, AppError> {
    let period = query.period(today_in_riga(state.clock.now()))?;
    let chosen: Vec<CentreId> = user
        .centres
        .iter()
        .copied()
        .filter(|id| period.centre.is_none_or(|chosen| chosen == *id))
        .collect();
    let by = By {
        supervised: &user.centres,
        scope: Scope {
            centres: &chosen,
            first: period.first,
            last: period.last,
        },
        overdue_before: results_overdue_before(state.clock.now()),
        with_messages,
    };
    let read = state
        .report(db, &by, |connection, by| {
            Box::pin(read_figures(connection, by))
        })
        .await?;
    let centres: Vec<CentreOption> = read
        .supervised
        .iter()
        .filter(|centre| chosen.contains(&centre.id))
        .cloned()
        .collect();
    let months = months_between(period.first, period.last);
    let layout = lay_out(
        &read.figures,
        page.lang,
        page.t,
        &centres,
        &read.eservices,
        &months,
    );
    Ok(Prepared {
        period,
        layout,
        centres,
        supervised: read.supervised,
        messages: read.messages,
    })
}

pub async fn show(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let prepared = prepare(&state, &db, &user, &query, &page, true).await?;
    let t = page.t;
    let charts = charts(&prepared.layout, page.lang, t);
    let reasons = prepared
        .layout
        .centre_months
        .iter()
        .flat_map(|row| {
            StopReason::ALL
                .iter()
                .zip(row.stopped_by_reason)
                .filter(|(_, count)| *count > 0)
                .map(|(reason, count)| ReasonLine {
                    centre: row.centre.clone(),
                    month: row.month.clone(),
                    reason: labels::stop_reason(t, *reason),
                    count,
                })
        })
        .collect();
    let period = &prepared.period;
    let mut csv_href = format!(
        "/figures.csv?from={}&to={}",
        month_code(period.first),
        month_code(period.last)
    );
    if let Some(centre) = period.centre {
        csv_href.push_str(&format!("&centre={centre}"));
    }
    let messages = prepared
        .messages
        .iter()
        .map(|row| {
            let centre = prepared
                .centres
                .iter()
                .find(|centre| centre.id == row.centre_id)
                .map_or_else(String::new, |centre| centre.name.clone());
            (
                centre,
                month_code(row.month),
                row.sent,
                row.failed,
                row.untold,
            )
        })
        .collect();
    Ok(FiguresPage {
        from: month_code(period.first),
        to: month_code(period.last),
        centre: period.centre,
        invalid: period.invalid,
        centres: prepared.supervised,
        charts,
        centre_months: prepared.layout.centre_months,
        months: prepared.layout.months,
        eservices: prepared.layout.eservices,
        reasons,
        messages,
        csv_href,
        page,
    }
    .into_response())
}

/// The figures as CSV: one line per centre and month, per month in total and per e-service,
/// with the stopped cases by reason as columns. UTF-8 with BOM, `;`-separated, decimal comma.
pub async fn csv(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let prepared = prepare(&state, &db, &user, &query, &page, false).await?;
    let t = page.t;
    let r = t.review;
    let mut header = vec![
        r.col_centre.to_owned(),
        r.col_month.to_owned(),
        r.col_eservice.to_owned(),
        r.m_opened.to_owned(),
        r.m_eid_declared.to_owned(),
        r.m_eid_verified.to_owned(),
        r.m_closed.to_owned(),
        r.m_stopped.to_owned(),
    ];
    for reason in StopReason::ALL {
        header.push(format!(
            "{}: {}",
            r.m_stopped,
            labels::stop_reason(t, reason)
        ));
    }
    header.extend(
        [
            r.m_submitted,
            r.m_median_days,
            r.m_p90_days,
            r.m_awaiting,
            r.m_overdue,
            r.m_asked_share,
        ]
        .map(str::to_owned),
    );
    let mut body = String::from(CSV_BOM);
    body.push_str(&csv_line(&header));
    let layout = &prepared.layout;
    for row in layout
        .centre_months
        .iter()
        .chain(&layout.months)
        .chain(&layout.eservices)
    {
        let mut cells = vec![
            row.centre.clone(),
            row.month.clone(),
            row.eservice.clone(),
            row.opened.to_string(),
            row.eid_declared.to_string(),
            row.eid_verified.to_string(),
            row.closed.to_string(),
            row.stopped.to_string(),
        ];
        cells.extend(row.stopped_by_reason.iter().map(i64::to_string));
        cells.extend([
            row.submitted.to_string(),
            row.median_days.map(csv_decimal).unwrap_or_default(),
            row.p90_days.map(csv_decimal).unwrap_or_default(),
            row.awaiting.to_string(),
            row.overdue.to_string(),
            row.asked_share.map(|v| v.to_string()).unwrap_or_default(),
        ]);
        body.push_str(&csv_line(&cells));
    }
    Ok(download::file(
        download::CSV,
        Disposition::Attachment,
        "raditaji.csv",
        body,
    ))
}
