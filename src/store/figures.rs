//! The figures: counts, percentiles and shares per centre and month, per month over the chosen
//! centres, and per e-service over the period.
//!
//! They are read from the roll-up (migration 0048), which a trigger keeps exact in the same
//! transaction as every change of a case: a page reads one row per centre, month and e-service
//! (and the days with cases awaiting a result), not the cases, whatever the history's length.
//! Here the rows are summed into the three levels the page shows. Months are calendar months in
//! Europe/Riga.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::domain::figures::{Sketch, next_month};
use crate::domain::ids::CentreId;
use crate::domain::today_in_riga;

/// Which sum a row is: a centre's month, a month over every chosen centre, or an e-service
/// over the whole period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    CentreMonth,
    Month,
    Eservice,
}

/// Where a row belongs: a centre and month, a month over every chosen centre, or an e-service
/// over the whole period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub level: Level,
    pub centre_id: Option<CentreId>,
    pub month: Option<NaiveDate>,
    pub eservice_id: Option<i64>,
}

impl Key {
    /// The three sums a roll-up row of `centre_id`, `month` and `eservice_id` counts in.
    fn levels(centre_id: CentreId, month: NaiveDate, eservice_id: i64) -> [Key; 3] {
        [
            Key {
                level: Level::CentreMonth,
                centre_id: Some(centre_id),
                month: Some(month),
                eservice_id: None,
            },
            Key {
                level: Level::Month,
                centre_id: None,
                month: Some(month),
                eservice_id: None,
            },
            Key {
                level: Level::Eservice,
                centre_id: None,
                month: None,
                eservice_id: Some(eservice_id),
            },
        ]
    }
}

/// The chosen centres and the months `first ..= last`.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub centres: &'a [CentreId],
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The figures of one row of the page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Cases opened in the period, and of their clients those who answered at 22.¹3 and those
    /// who asked to be told the result.
    pub opened: i64,
    pub asked_result: i64,
    pub answered: i64,
    /// Of the cases opened in the period, those whose 22.¹2 was recorded as chosen from the list
    /// (declared) and as confirmed through the qualified eID provider (verified).
    pub eid_declared: i64,
    pub eid_verified: i64,
    /// Cases closed in the period.
    pub closed: i64,
    /// Cases stopped in the period, by reason code.
    pub stopped: Vec<(String, i64)>,
    /// Cases submitted in the period (22.¹5), and the times from opening to submission.
    pub submitted: i64,
    pub submission_times: Sketch,
    /// Of the submitted, those still waiting for the result now, and of those, the overdue
    /// (submitted before `overdue_before`, see `domain::workflow::results_overdue_before`).
    pub awaiting: i64,
    pub overdue: i64,
}

impl Figures {
    /// Seconds from opening to submission: the median and the 90th percentile.
    pub fn median_seconds(&self) -> Option<f64> {
        self.submission_times.percentile_cont(0.5)
    }

    pub fn p90_seconds(&self) -> Option<f64> {
        self.submission_times.percentile_cont(0.9)
    }

    fn stopped_for(&mut self, reason: &str, count: i64) {
        match self.stopped.iter_mut().find(|(kept, _)| kept == reason) {
            Some((_, kept)) => *kept += count,
            None => self.stopped.push((reason.to_owned(), count)),
        }
    }
}

/// Every row of the page: three statements, each reading the roll-up's rows of the chosen
/// centres and months along its primary key.
pub async fn read(
    connection: &mut PgConnection,
    scope: &Scope<'_>,
    overdue_before: DateTime<Utc>,
) -> Result<HashMap<Key, Figures>, sqlx::Error> {
    let until = next_month(scope.last);
    let months = sqlx::query!(
        r#"SELECT centre_id AS "centre_id: CentreId", month AS "month: NaiveDate", eservice_id,
                  opened, asked_result, answered, closed, submitted, submission_sketch,
                  eid_declared, eid_verified
           FROM figures_months
           WHERE centre_id = ANY($1) AND month >= $2 AND month < $3"#,
        scope.centres as _,
        scope.first as _,
        until as _,
    )
    .fetch_all(&mut *connection)
    .await?;
    let stops = sqlx::query!(
        r#"SELECT centre_id AS "centre_id: CentreId", month AS "month: NaiveDate", eservice_id,
                  reason, stopped
           FROM figures_stops
           WHERE centre_id = ANY($1) AND month >= $2 AND month < $3"#,
        scope.centres as _,
        scope.first as _,
        until as _,
    )
    .fetch_all(&mut *connection)
    .await?;
    let awaiting = sqlx::query!(
        r#"SELECT centre_id AS "centre_id: CentreId",
                  date_trunc('month', day)::date AS "month!: NaiveDate", eservice_id,
                  sum(awaiting)::bigint AS "awaiting!",
                  coalesce(sum(awaiting) FILTER (WHERE day < $4), 0)::bigint AS "overdue!"
           FROM figures_awaiting
           WHERE centre_id = ANY($1) AND day >= $2 AND day < $3
           GROUP BY 1, 2, 3"#,
        scope.centres as _,
        scope.first as _,
        until as _,
        today_in_riga(overdue_before) as _,
    )
    .fetch_all(&mut *connection)
    .await?;

    let mut figures: HashMap<Key, Figures> = HashMap::new();
    let mut each = |centre_id, month, eservice_id, add: &dyn Fn(&mut Figures)| {
        for key in Key::levels(centre_id, month, eservice_id) {
            add(figures.entry(key).or_default());
        }
    };
    for row in months {
        let counts = sketch_counts(&row.submission_sketch);
        each(row.centre_id, row.month, row.eservice_id, &|f| {
            f.opened += row.opened;
            f.asked_result += row.asked_result;
            f.answered += row.answered;
            f.eid_declared += row.eid_declared;
            f.eid_verified += row.eid_verified;
            f.closed += row.closed;
            f.submitted += row.submitted;
            for &(bucket, count) in &counts {
                f.submission_times.add(bucket, count);
            }
        });
    }
    for row in stops {
        each(row.centre_id, row.month, row.eservice_id, &|f| {
            f.stopped_for(&row.reason, row.stopped)
        });
    }
    for row in awaiting {
        each(row.centre_id, row.month, row.eservice_id, &|f| {
            f.awaiting += row.awaiting;
            f.overdue += row.overdue;
        });
    }
    Ok(figures)
}

/// Messages to clients of one centre in one month (Europe/Riga, by when they were queued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFigures {
    pub centre_id: CentreId,
    pub month: NaiveDate,
    /// Accepted by the relay or provider (delivered ones included).
    pub sent: i64,
    pub failed: i64,
    /// Failed, and the client not yet told another way.
    pub untold: i64,
}

/// The messages of the scope's centres and months, per centre and month (those with any
/// message): the roll-up's rows along its primary key (migration 0057).
pub async fn messages(
    connection: &mut PgConnection,
    scope: &Scope<'_>,
) -> Result<Vec<MessageFigures>, sqlx::Error> {
    sqlx::query_as!(
        MessageFigures,
        r#"SELECT centre_id AS "centre_id: CentreId", month AS "month: NaiveDate", sent, failed,
                  untold
           FROM figures_messages
           WHERE centre_id = ANY($1) AND month >= $2 AND month < $3
           ORDER BY centre_id, month"#,
        scope.centres as _,
        scope.first as _,
        next_month(scope.last) as _,
    )
    .fetch_all(connection)
    .await
}

/// A stored sketch's `(bucket, cases)`, from `{"bucket": cases}`; what is not a count is left
/// out.
fn sketch_counts(stored: &Value) -> Vec<(i32, i64)> {
    let counts = stored.as_object().into_iter().flatten();
    counts
        .filter_map(|(bucket, count)| Some((bucket.parse().ok()?, count.as_i64()?)))
        .collect()
}

/// How many rows of each roll-up table (months, stops, awaiting, messages) differ from a recount
/// of the cases and messages: `[0, 0, 0, 0]` when the figures are exact. A recount reads every case, so it runs without the statement timeout
/// of the server's connections (in a transaction of its own).
pub async fn differences(db: &PgPool) -> Result<[i64; 4], sqlx::Error> {
    let mut tx = db.begin().await?;
    untimed(&mut tx).await?;
    let row = sqlx::query!(
        r#"SELECT months AS "months!", stops AS "stops!", awaiting AS "awaiting!",
                  messages AS "messages!"
           FROM figures_differences()"#
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok([row.months, row.stops, row.awaiting, row.messages])
}

/// Replaces the roll-up with a recount of the cases and messages (holding them still
/// meanwhile), without the statement timeout.
pub async fn rebuild(db: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    untimed(&mut tx).await?;
    sqlx::query!("SELECT figures_rebuild()")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn untimed(connection: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SET LOCAL statement_timeout = 0")
        .execute(connection)
        .await?;
    Ok(())
}
