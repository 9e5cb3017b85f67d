//! The figures: per centre and month, per month over the chosen centres, and per e-service, as
//! server-rendered SVG bar charts each with its numbers in a table beside it, and as CSV.
//!
//! Only supervisors reach these handlers; the centres are always the user's scope (narrowed by
//! the centre filter). The aggregates come from SQL (`store::figures`); this module only lays
//! them out. The figures hold no personal data.
//!
//! The page shows each centre over the period and the chosen centres month by month (a centre's
//! own months are one click away, and the CSV has every centre and month): its length follows
//! the centres and months asked for, not their product. The tables, once laid out, are kept
//! ([`FiguresCache`]) and shown again while none of their centres' figures, names or the day
//! has changed ([`store::figures::Changes`]); so are each centre's figures, so that after a
//! change only the centres whose figures changed are read again.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgConnection;
use std::collections::HashMap;
use std::sync::Arc;

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
use crate::store::figures::{CentreFigures, Changes, Figures, Levels, Scope};
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
    /// Per centre over the period, centre by centre.
    centres: Vec<(CentreId, FigureRow)>,
    /// Over every chosen centre and the period.
    total: FigureRow,
    /// Per month over every chosen centre.
    months: Vec<FigureRow>,
    /// Per e-service over the period, by code; only e-services with any figure.
    eservices: Vec<FigureRow>,
}

fn row(figures: Option<&Figures>) -> FigureRow {
    figures.map(figure_row).unwrap_or_default()
}

fn lay_out(
    levels: &Levels,
    lang: Lang,
    t: &Texts,
    centres: &[CentreOption],
    eservices: &[EserviceOption],
    months: &[NaiveDate],
) -> Layout {
    let centre_rows = centres
        .iter()
        .map(|centre| {
            let line = FigureRow {
                centre: centre.code.clone(),
                ..row(levels.centres.get(&centre.id).map(|figures| &figures.total))
            };
            (centre.id, line)
        })
        .collect();
    let month_rows = months
        .iter()
        .map(|month| FigureRow {
            centre: t.review.col_total.to_owned(),
            month: month_code(*month),
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
        centres: centre_rows,
        total: FigureRow {
            centre: t.review.col_total.to_owned(),
            ..figure_row(&levels.total)
        },
        months: month_rows,
        eservices: eservice_rows,
    }
}

/// Per centre and month, centre by centre: the CSV's first lines.
fn centre_month_rows(
    levels: &Levels,
    centres: &[CentreOption],
    months: &[NaiveDate],
) -> Vec<FigureRow> {
    let codes: Vec<String> = months.iter().copied().map(month_code).collect();
    let mut rows = Vec::with_capacity(centres.len() * months.len());
    for centre in centres {
        for (month, code) in months.iter().zip(&codes) {
            rows.push(FigureRow {
                centre: centre.code.clone(),
                month: code.clone(),
                ..row(levels
                    .centres
                    .get(&centre.id)
                    .and_then(|figures| figures.months.get(month)))
            });
        }
    }
    rows
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

/// A stopped count of one centre over the period, for one reason.
pub struct ReasonLine {
    pub centre: String,
    pub reason: &'static str,
    pub count: i64,
}

/// The messages to clients of one centre over the period.
pub struct MessageLine {
    pub centre: String,
    pub sent: i64,
    pub failed: i64,
    /// Failed, and the client not yet told another way.
    pub untold: i64,
}

/// The page: the form, and the tables as laid out by [`Tables`] (perhaps for an earlier
/// request).
#[derive(Template, WebTemplate)]
#[template(path = "figures/show.html")]
pub struct FiguresPage {
    page: Page,
    from: String,
    to: String,
    centre: Option<CentreId>,
    centres: Vec<CentreOption>,
    invalid: bool,
    csv_href: String,
    tables: Arc<str>,
}

impl FiguresPage {
    fn is_centre(&self, id: &CentreId) -> bool {
        self.centre == Some(*id)
    }
}

/// The charts and tables of the page: everything it shows that the figures, the centres' and
/// e-services' names, the period and the language decide.
#[derive(Template)]
#[template(path = "figures/tables.html")]
struct Tables<'a> {
    t: &'static Texts,
    lang: Lang,
    from: &'a str,
    to: &'a str,
    charts: Vec<ChartView>,
    centres: Vec<(CentreId, FigureRow)>,
    total: FigureRow,
    months: Vec<FigureRow>,
    eservices: Vec<FigureRow>,
    reasons: Vec<ReasonLine>,
    messages: Vec<MessageLine>,
}

impl Tables<'_> {
    fn days(&self, value: &Option<f64>) -> String {
        number(self.lang, *value, self.t.review.no_value)
    }

    /// A chart's axis value, with the language's decimal mark.
    fn tick(&self, value: &f64) -> String {
        let text = ((value * 100.0).round() / 100.0).to_string();
        match self.lang {
            Lang::Lv => text.replace('.', ","),
            Lang::En => text,
        }
    }

    fn share(&self, value: &Option<i64>) -> String {
        value.map_or_else(|| self.t.review.no_value.to_owned(), |v| v.to_string())
    }
}

/// Lays out the page's tables from what was read, and renders them.
fn render_tables(
    centres: &[CentreOption],
    eservices: &[EserviceOption],
    figures: &Levels,
    period: &Period,
    lang: Lang,
) -> Result<String, askama::Error> {
    let t = lang.texts();
    let months = months_between(period.first, period.last);
    let layout = lay_out(figures, lang, t, centres, eservices, &months);
    let charts = charts(&layout, lang, t);
    let reasons = layout
        .centres
        .iter()
        .flat_map(|(_, row)| {
            StopReason::ALL
                .iter()
                .zip(row.stopped_by_reason)
                .filter(|(_, count)| *count > 0)
                .map(|(reason, count)| ReasonLine {
                    centre: row.centre.clone(),
                    reason: labels::stop_reason(t, *reason),
                    count,
                })
        })
        .collect();
    let messages = centres
        .iter()
        .filter_map(|centre| {
            let sums = figures.centres.get(&centre.id)?.messages?;
            Some(MessageLine {
                centre: centre.code.clone(),
                sent: sums.sent,
                failed: sums.failed,
                untold: sums.untold,
            })
        })
        .collect();
    Tables {
        t,
        lang,
        from: &month_code(period.first),
        to: &month_code(period.last),
        charts,
        centres: layout.centres,
        total: layout.total,
        months: layout.months,
        eservices: layout.eservices,
        reasons,
        messages,
    }
    .render()
}

/// What a page's tables show, whole: they are laid out again only when any of it differs.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Shown {
    lang: Lang,
    span: Span,
    changes: Changes,
    centres: Vec<CentreOption>,
    eservices: Vec<EserviceOption>,
}

/// The months figures are read for, and the day before which a result awaited counts as
/// overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Span {
    first: NaiveDate,
    last: NaiveDate,
    overdue_before: NaiveDate,
}

/// [`Shown`] borrowed from what a request has read: kept tables are looked up by it without
/// copying the centres' names. It hashes as [`Shown`] does (a slice as its `Vec`).
#[derive(Hash)]
struct ShownNow<'a> {
    lang: Lang,
    span: Span,
    changes: &'a Changes,
    centres: &'a [CentreOption],
    eservices: &'a [EserviceOption],
}

impl quick_cache::Equivalent<Shown> for ShownNow<'_> {
    fn equivalent(&self, shown: &Shown) -> bool {
        self.lang == shown.lang
            && self.span == shown.span
            && *self.changes == shown.changes
            && self.centres == shown.centres
            && self.eservices == shown.eservices
    }
}

impl ShownNow<'_> {
    fn to_owned(&self) -> Shown {
        Shown {
            lang: self.lang,
            span: self.span,
            changes: self.changes.clone(),
            centres: self.centres.to_vec(),
            eservices: self.eservices.to_vec(),
        }
    }
}

/// What a centre's figures were read for: they are read again only when any of it differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct CentreRead {
    centre: CentreId,
    span: Span,
    /// The centre's change count when they were read.
    changes: i64,
}

/// How much of [`FiguresCache`]' room an entry takes: about its size in bytes.
#[derive(Debug, Clone)]
struct Size;

impl quick_cache::Weighter<Shown, Arc<str>> for Size {
    fn weight(&self, _: &Shown, tables: &Arc<str>) -> u64 {
        tables.len().max(1) as u64
    }
}

impl quick_cache::Weighter<CentreRead, Arc<CentreFigures>> for Size {
    fn weight(&self, _: &CentreRead, figures: &Arc<CentreFigures>) -> u64 {
        figures.size() as u64
    }
}

/// The room for tables already laid out: a whole country's year takes about 100 KiB.
const TABLES_BYTES: u64 = 8 << 20;

/// The room for centres' figures already read: a whole country's year, 170 centres × 12
/// months, takes 0.6 MiB with four e-services and a few buckets of times a month (the
/// benchmark's), a few MiB with a full catalogue.
const CENTRES_BYTES: u64 = 16 << 20;

/// What the figures' pages keep of what they read and laid out, each within its room (the
/// least asked for go first): the page's tables by what they show, and each centre's figures
/// by what they were read for. One per instance; what another instance changes reaches it
/// through the centres' change counts.
pub struct FiguresCache {
    tables: quick_cache::sync::Cache<Shown, Arc<str>, Size>,
    centres: quick_cache::sync::Cache<CentreRead, Arc<CentreFigures>, Size>,
}

impl Default for FiguresCache {
    fn default() -> Self {
        Self {
            tables: quick_cache::sync::Cache::with_weighter(64, TABLES_BYTES, Size),
            centres: quick_cache::sync::Cache::with_weighter(1024, CENTRES_BYTES, Size),
        }
    }
}

/// What the page and the CSV read.
struct Read {
    /// Every supervised centre, for the filter, whichever is chosen.
    supervised: Vec<CentreOption>,
    /// The centres shown: those chosen, or every supervised one when none is.
    centres: Vec<CentreOption>,
    eservices: Vec<EserviceOption>,
    rows: Rows,
}

enum Rows {
    /// The page's tables as laid out before: nothing they show has changed since.
    LaidOut(Arc<str>),
    /// The chosen centres' figures, and for the page what its tables will show.
    Read {
        figures: Box<Levels>,
        shown: Option<Shown>,
    },
}

/// What [`read_figures`] reads by: the user's centres, the scope, when results count as
/// overdue, what was read and laid out before, and for the page its language.
struct By<'a> {
    supervised: &'a [CentreId],
    scope: Scope<'a>,
    overdue_before: DateTime<Utc>,
    kept: &'a FiguresCache,
    page: Option<Lang>,
}

/// Reads [`Read`]: what names the rows, then the chosen centres' change counts, then (for the
/// page, unless tables laid out with those counts are kept) their figures. The counts are read
/// first: rows read after them are at least as new, never older.
async fn read_figures(connection: &mut PgConnection, by: &By<'_>) -> Result<Read, sqlx::Error> {
    let supervised = store::review::centres(&mut *connection, by.supervised).await?;
    let centres: Vec<CentreOption> = supervised
        .iter()
        .filter(|centre| by.scope.centres.contains(&centre.id))
        .cloned()
        .collect();
    let eservices = store::review::eservices(&mut *connection).await?;
    let changes = store::figures::changes(&mut *connection, by.scope.centres).await?;
    let span = Span {
        first: by.scope.first,
        last: by.scope.last,
        overdue_before: today_in_riga(by.overdue_before),
    };
    let shown = by.page.map(|lang| ShownNow {
        lang,
        span,
        changes: &changes,
        centres: &centres,
        eservices: &eservices,
    });
    if let Some(tables) = shown.as_ref().and_then(|shown| by.kept.tables.get(shown)) {
        return Ok(Read {
            supervised,
            centres,
            eservices,
            rows: Rows::LaidOut(tables),
        });
    }
    let shown = shown.map(|shown| shown.to_owned());
    let figures = centre_figures(connection, by, span, &changes).await?;
    Ok(Read {
        supervised,
        centres,
        eservices,
        rows: Rows::Read {
            figures: Box::new(Levels::of(figures)),
            shown,
        },
    })
}

/// The chosen centres' figures: each kept from an earlier read while its change count is the
/// same, the others read now in one go (and kept).
async fn centre_figures(
    connection: &mut PgConnection,
    by: &By<'_>,
    span: Span,
    changes: &Changes,
) -> Result<HashMap<CentreId, Arc<CentreFigures>>, sqlx::Error> {
    let read_for = |centre| CentreRead {
        centre,
        span,
        changes: changes.of(centre),
    };
    let mut figures = HashMap::with_capacity(by.scope.centres.len());
    let mut unread = Vec::new();
    for &centre in by.scope.centres {
        match by.kept.centres.get(&read_for(centre)) {
            Some(kept) => {
                figures.insert(centre, kept);
            }
            None => unread.push(centre),
        }
    }
    if unread.is_empty() {
        return Ok(figures);
    }
    let scope = Scope {
        centres: &unread,
        ..by.scope.clone()
    };
    let mut read = store::figures::read(connection, &scope, by.overdue_before).await?;
    for centre in unread {
        let read = Arc::new(read.remove(&centre).unwrap_or_default());
        by.kept.centres.insert(read_for(centre), read.clone());
        figures.insert(centre, read);
    }
    Ok(figures)
}

/// Checks the query and reads what the page (with its tables laid out before) or the CSV
/// (`page` none) needs, from the replica when there is one.
async fn read(
    state: &AppState,
    db: &Db,
    user: &CurrentUser,
    query: &FiguresQuery,
    page: Option<Lang>,
) -> Result<(Period, Read), AppError> {
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
        kept: &state.figures,
        page,
    };
    let read = state
        .report(db, &by, |connection, by| {
            Box::pin(read_figures(connection, by))
        })
        .await?;
    Ok((period, read))
}

pub async fn show(
    State(state): State<AppState>,
    db: Db,
    page: Page,
    user: CurrentUser,
    Query(query): Query<FiguresQuery>,
) -> Result<Response, AppError> {
    let (period, read) = read(&state, &db, &user, &query, Some(page.lang)).await?;
    let tables = match read.rows {
        Rows::LaidOut(tables) => tables,
        Rows::Read { figures, shown } => {
            let tables: Arc<str> =
                render_tables(&read.centres, &read.eservices, &figures, &period, page.lang)
                    .map_err(anyhow::Error::from)?
                    .into();
            if let Some(shown) = shown {
                state.figures.tables.insert(shown, tables.clone());
            }
            tables
        }
    };
    let mut csv_href = format!(
        "/figures.csv?from={}&to={}",
        month_code(period.first),
        month_code(period.last)
    );
    if let Some(centre) = period.centre {
        csv_href.push_str(&format!("&centre={centre}"));
    }
    Ok(FiguresPage {
        from: month_code(period.first),
        to: month_code(period.last),
        centre: period.centre,
        invalid: period.invalid,
        centres: read.supervised,
        csv_href,
        tables,
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
    let (period, read) = read(&state, &db, &user, &query, None).await?;
    let Rows::Read { figures, .. } = &read.rows else {
        return Err(anyhow::anyhow!("the CSV was given tables laid out for the page").into());
    };
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
    let months = months_between(period.first, period.last);
    let layout = lay_out(
        figures,
        page.lang,
        t,
        &read.centres,
        &read.eservices,
        &months,
    );
    for row in centre_month_rows(figures, &read.centres, &months)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rix(name: &str) -> Vec<CentreOption> {
        vec![CentreOption {
            id: CentreId(1),
            code: "RIX".to_owned(),
            name: name.to_owned(),
        }]
    }

    #[test]
    fn tables_kept_under_what_they_show_are_found_by_it_borrowed_and_only_by_it() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let span = Span {
            first: day,
            last: day,
            overdue_before: day,
        };
        let changes = Changes::default();
        let centres = rix("Rīgas VPVKAC");
        let now = |lang, centres| ShownNow {
            lang,
            span,
            changes: &changes,
            centres,
            eservices: &[],
        };
        let cache = FiguresCache::default();
        cache
            .tables
            .insert(now(Lang::Lv, &centres).to_owned(), Arc::from("<table>"));

        assert_eq!(
            cache.tables.get(&now(Lang::Lv, &centres)).as_deref(),
            Some("<table>")
        );
        let renamed = rix("Rīgas VPVKAC (Brīvības iela)");
        assert!(cache.tables.get(&now(Lang::Lv, &renamed)).is_none());
        assert!(cache.tables.get(&now(Lang::En, &centres)).is_none());
    }
}
