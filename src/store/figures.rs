//! The figures: counts, percentiles and shares per centre and month, per month over the chosen
//! centres, and per e-service, computed in SQL with GROUPING SETS.
//!
//! Every query reads only the chosen centres' cases whose time of the event counted (opened,
//! closed, stopped, submitted) falls in the period, along an index on `(centre_id, that time)`
//! (migration 0020). Months are calendar months in Europe/Riga.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::ids::CentreId;

/// Which grouping a row belongs to, as PostgreSQL's `GROUPING(centre, month, e-service)` bits
/// say: a 1 bit is a column *not* grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    CentreMonth,
    Month,
    Eservice,
}

impl Level {
    fn from_grouping(bits: i32) -> Option<Level> {
        match bits {
            0b001 => Some(Level::CentreMonth),
            0b101 => Some(Level::Month),
            0b110 => Some(Level::Eservice),
            _ => None,
        }
    }
}

/// Where a row belongs: a centre and month, a month over every chosen centre, or an e-service
/// over the whole period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub level: Level,
    pub centre_id: Option<CentreId>,
    pub month: Option<NaiveDate>,
    pub eservice_id: Option<i64>,
}

/// The chosen centres and the period `[from, until)`.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub centres: &'a [CentreId],
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub key: Key,
    pub opened: i64,
    /// Clients who asked at 22.¹3 to be told the result, of those who answered.
    pub asked_result: i64,
    pub answered: i64,
}

/// Cases opened in the period, and whether their clients asked for the result.
pub async fn opened(pool: &PgPool, scope: &Scope<'_>) -> Result<Vec<Opened>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT GROUPING(c.centre_id, m.month, c.eservice_id) AS "grouping!",
                  c.centre_id AS "centre_id?: CentreId", m.month AS "month?: NaiveDate", c.eservice_id AS "eservice_id?",
                  count(*) AS "opened!",
                  count(*) FILTER (WHERE c.client_wants_result) AS "asked_result!",
                  count(c.client_wants_result) AS "answered!"
           FROM cases c
           CROSS JOIN LATERAL (SELECT date_trunc('month', c.opened_at AT TIME ZONE 'Europe/Riga')::date AS month) m
           WHERE c.centre_id = ANY($1) AND c.opened_at >= $2 AND c.opened_at < $3
           GROUP BY GROUPING SETS ((c.centre_id, m.month), (m.month), (c.eservice_id))"#,
        scope.centres as _,
        scope.from as _,
        scope.until as _,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Opened {
                key: Key {
                    level: Level::from_grouping(row.grouping)?,
                    centre_id: row.centre_id,
                    month: row.month,
                    eservice_id: row.eservice_id,
                },
                opened: row.opened,
                asked_result: row.asked_result,
                answered: row.answered,
            })
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Closed {
    pub key: Key,
    pub closed: i64,
}

/// Cases closed in the period.
pub async fn closed(pool: &PgPool, scope: &Scope<'_>) -> Result<Vec<Closed>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT GROUPING(c.centre_id, m.month, c.eservice_id) AS "grouping!",
                  c.centre_id AS "centre_id?: CentreId", m.month AS "month?: NaiveDate", c.eservice_id AS "eservice_id?",
                  count(*) AS "closed!"
           FROM cases c
           CROSS JOIN LATERAL (SELECT date_trunc('month', c.closed_at AT TIME ZONE 'Europe/Riga')::date AS month) m
           WHERE c.centre_id = ANY($1) AND c.closed_at IS NOT NULL
             AND c.closed_at >= $2 AND c.closed_at < $3
           GROUP BY GROUPING SETS ((c.centre_id, m.month), (m.month), (c.eservice_id))"#,
        scope.centres as _,
        scope.from as _,
        scope.until as _,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Closed {
                key: Key {
                    level: Level::from_grouping(row.grouping)?,
                    centre_id: row.centre_id,
                    month: row.month,
                    eservice_id: row.eservice_id,
                },
                closed: row.closed,
            })
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub key: Key,
    pub reason: String,
    pub stopped: i64,
}

/// Cases stopped in the period, by reason.
pub async fn stopped(pool: &PgPool, scope: &Scope<'_>) -> Result<Vec<Stopped>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT GROUPING(c.centre_id, m.month, c.eservice_id) AS "grouping!",
                  c.centre_id AS "centre_id?: CentreId", m.month AS "month?: NaiveDate", c.eservice_id AS "eservice_id?",
                  coalesce(c.stop_reason, 'other') AS "reason!",
                  count(*) AS "stopped!"
           FROM cases c
           CROSS JOIN LATERAL (SELECT date_trunc('month', c.stopped_at AT TIME ZONE 'Europe/Riga')::date AS month) m
           WHERE c.centre_id = ANY($1) AND c.stopped_at IS NOT NULL
             AND c.stopped_at >= $2 AND c.stopped_at < $3
           GROUP BY GROUPING SETS ((c.centre_id, m.month, coalesce(c.stop_reason, 'other')),
                                   (m.month, coalesce(c.stop_reason, 'other')),
                                   (c.eservice_id, coalesce(c.stop_reason, 'other')))"#,
        scope.centres as _,
        scope.from as _,
        scope.until as _,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Stopped {
                key: Key {
                    level: Level::from_grouping(row.grouping)?,
                    centre_id: row.centre_id,
                    month: row.month,
                    eservice_id: row.eservice_id,
                },
                reason: row.reason,
                stopped: row.stopped,
            })
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    pub key: Key,
    pub submitted: i64,
    /// Seconds from opening to submission.
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    /// Of these, still waiting for the result now, and of those, overdue (submitted before
    /// `overdue_before`, see `domain::workflow::results_overdue_before`).
    pub awaiting: i64,
    pub overdue: i64,
}

/// Cases submitted in the period (22.¹5): how long from opening, and how many of them still
/// await a result now.
pub async fn submitted(
    pool: &PgPool,
    scope: &Scope<'_>,
    overdue_before: DateTime<Utc>,
) -> Result<Vec<Submitted>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT GROUPING(c.centre_id, m.month, c.eservice_id) AS "grouping!",
                  c.centre_id AS "centre_id?: CentreId", m.month AS "month?: NaiveDate", c.eservice_id AS "eservice_id?",
                  count(*) AS "submitted!",
                  percentile_cont(0.5) WITHIN GROUP
                      (ORDER BY extract(epoch FROM c.submitted_at - c.opened_at)) AS median_seconds,
                  percentile_cont(0.9) WITHIN GROUP
                      (ORDER BY extract(epoch FROM c.submitted_at - c.opened_at)) AS p90_seconds,
                  count(*) FILTER (WHERE c.status = 'open' AND c.next_step = 'result') AS "awaiting!",
                  count(*) FILTER (WHERE c.status = 'open' AND c.next_step = 'result'
                                     AND c.submitted_at < $4) AS "overdue!"
           FROM cases c
           CROSS JOIN LATERAL (SELECT date_trunc('month', c.submitted_at AT TIME ZONE 'Europe/Riga')::date AS month) m
           WHERE c.centre_id = ANY($1) AND c.submitted_at IS NOT NULL
             AND c.submitted_at >= $2 AND c.submitted_at < $3
           GROUP BY GROUPING SETS ((c.centre_id, m.month), (m.month), (c.eservice_id))"#,
        scope.centres as _,
        scope.from as _,
        scope.until as _,
        overdue_before as _,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Submitted {
                key: Key {
                    level: Level::from_grouping(row.grouping)?,
                    centre_id: row.centre_id,
                    month: row.month,
                    eservice_id: row.eservice_id,
                },
                submitted: row.submitted,
                median_seconds: row.median_seconds,
                p90_seconds: row.p90_seconds,
                awaiting: row.awaiting,
                overdue: row.overdue,
            })
        })
        .collect())
}
