//! The figures: counts, percentiles and shares per centre and month, per month over the chosen
//! centres, and per e-service over the period.
//!
//! They are read from the roll-up (migrations 0048 and 0057), which triggers keep exact in the
//! same transaction as every change of a case or of a message to its client: a page reads one
//! row per centre, month and e-service (and the days with cases awaiting a result, and one row
//! of messages per centre and month), not the cases, whatever the history's length. Here the
//! rows are summed into the levels the page and the CSV show. Months are calendar months in
//! Europe/Riga.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

use crate::domain::figures::{Sketch, next_month};
use crate::domain::ids::CentreId;
use crate::domain::today_in_riga;
use crate::domain::workflow::StopReason;

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
    /// Cases stopped in the period, by reason in the order of [`StopReason::ALL`] (a code the
    /// application does not know counts as [`StopReason::Other`]).
    pub stopped_by_reason: [i64; StopReason::ALL.len()],
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

    /// Cases stopped in the period, whatever the reason.
    pub fn stopped(&self) -> i64 {
        self.stopped_by_reason.iter().sum()
    }
}

/// The figures of a scope at the levels the page and the CSV show.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    /// Per centre and month.
    pub centre_months: HashMap<(CentreId, NaiveDate), Figures>,
    /// Per centre, over the whole period.
    pub centres: HashMap<CentreId, Figures>,
    /// Per month, over every chosen centre.
    pub months: HashMap<NaiveDate, Figures>,
    /// Per e-service, over the chosen centres and the whole period.
    pub eservices: HashMap<i64, Figures>,
    /// Over the chosen centres and the whole period.
    pub total: Figures,
}

impl Levels {
    /// Counts a roll-up row of `centre_id`, `month` and `eservice_id` in each of the sums it
    /// belongs to.
    fn add(
        &mut self,
        (centre_id, month, eservice_id): (CentreId, NaiveDate, i64),
        add: impl Fn(&mut Figures),
    ) {
        add(self.centre_months.entry((centre_id, month)).or_default());
        add(self.centres.entry(centre_id).or_default());
        add(self.months.entry(month).or_default());
        add(self.eservices.entry(eservice_id).or_default());
        add(&mut self.total);
    }
}

/// How far the figures of a set of centres have come: the sum of their change counts and how
/// many of them have one (migration 0058). It differs whenever any of their roll-up rows has
/// changed since, so what was laid out from the rows may be shown again while it is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    changes: i64,
    centres: i64,
}

/// The [`Stamp`] of `centres`' figures now: one short read of a row per centre.
pub async fn stamp(
    connection: &mut PgConnection,
    centres: &[CentreId],
) -> Result<Stamp, sqlx::Error> {
    sqlx::query_as!(
        Stamp,
        r#"SELECT coalesce(sum(changes), 0)::bigint AS "changes!", count(*) AS "centres!"
           FROM figures_changes
           WHERE centre_id = ANY($1)"#,
        centres as _,
    )
    .fetch_one(connection)
    .await
}

/// Every row of the page: three statements, each reading the roll-up's rows of the chosen
/// centres and months along its primary key.
pub async fn read(
    connection: &mut PgConnection,
    scope: &Scope<'_>,
    overdue_before: DateTime<Utc>,
) -> Result<Levels, sqlx::Error> {
    let until = next_month(scope.last);
    let months = sqlx::query!(
        r#"SELECT centre_id AS "centre_id: CentreId", month AS "month: NaiveDate", eservice_id,
                  opened, asked_result, answered, closed, submitted,
                  submission_sketch AS "submission_sketch: Json<StoredSketch>",
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

    let mut levels = Levels::default();
    for row in months {
        let Json(StoredSketch(counts)) = &row.submission_sketch;
        levels.add((row.centre_id, row.month, row.eservice_id), |f| {
            f.opened += row.opened;
            f.asked_result += row.asked_result;
            f.answered += row.answered;
            f.eid_declared += row.eid_declared;
            f.eid_verified += row.eid_verified;
            f.closed += row.closed;
            f.submitted += row.submitted;
            for &(bucket, count) in counts {
                f.submission_times.add(bucket, count);
            }
        });
    }
    for row in stops {
        let reason = StopReason::from_code(&row.reason).unwrap_or(StopReason::Other);
        let at = StopReason::ALL.iter().position(|known| *known == reason);
        levels.add((row.centre_id, row.month, row.eservice_id), |f| {
            if let Some(at) = at {
                f.stopped_by_reason[at] += row.stopped;
            }
        });
    }
    for row in awaiting {
        levels.add((row.centre_id, row.month, row.eservice_id), |f| {
            f.awaiting += row.awaiting;
            f.overdue += row.overdue;
        });
    }
    Ok(levels)
}

/// A stored sketch, `{"bucket": cases}` as the trigger writes it, read straight into its
/// `(bucket, cases)` pairs.
#[derive(Debug)]
struct StoredSketch(Vec<(i32, i64)>);

impl<'de> Deserialize<'de> for StoredSketch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;

        impl<'de> Visitor<'de> for Pairs {
            type Value = StoredSketch;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of bucket numbers and counts")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoredSketch, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((bucket, count)) = map.next_entry::<std::borrow::Cow<str>, i64>()? {
                    let bucket = bucket
                        .parse()
                        .map_err(|_| A::Error::custom("a bucket that is not a number"))?;
                    pairs.push((bucket, count));
                }
                Ok(StoredSketch(pairs))
            }
        }

        deserializer.deserialize_map(Pairs)
    }
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

/// How many rows of each roll-up table (months, stops, awaiting, messages) differ from a recount
/// of the cases and messages: `[0, 0, 0, 0]` when the figures are exact. A recount reads every
/// case, so it runs without the statement timeout of the server's connections (in a
/// transaction of its own).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_sketch_is_read_into_its_bucket_and_count_pairs() {
        let read: StoredSketch = serde_json::from_str(r#"{"4": 8, "201": 3}"#).unwrap();
        assert_eq!(read.0, [(4, 8), (201, 3)]);
        let empty: StoredSketch = serde_json::from_str("{}").unwrap();
        assert!(empty.0.is_empty());
        for broken in [r#"{"x": 1}"#, r#"{"4": "8"}"#, "[]"] {
            assert!(
                serde_json::from_str::<StoredSketch>(broken).is_err(),
                "{broken}"
            );
        }
    }
}
