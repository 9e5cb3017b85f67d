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
use std::sync::Arc;

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

    /// Counts `other`'s figures in these.
    fn merge(&mut self, other: &Figures) {
        let Figures {
            opened,
            asked_result,
            answered,
            eid_declared,
            eid_verified,
            closed,
            stopped_by_reason,
            submitted,
            submission_times,
            awaiting,
            overdue,
        } = other;
        self.opened += opened;
        self.asked_result += asked_result;
        self.answered += answered;
        self.eid_declared += eid_declared;
        self.eid_verified += eid_verified;
        self.closed += closed;
        for (sum, count) in self.stopped_by_reason.iter_mut().zip(stopped_by_reason) {
            *sum += count;
        }
        self.submitted += submitted;
        self.submission_times.merge(submission_times);
        self.awaiting += awaiting;
        self.overdue += overdue;
    }
}

/// The messages to a centre's clients over a period (Europe/Riga, by when they were queued).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageSums {
    /// Accepted by the relay or provider (delivered ones included).
    pub sent: i64,
    pub failed: i64,
    /// Failed, and the client not yet told another way.
    pub untold: i64,
}

/// The figures of one centre over a period: per month, per e-service and in all, and its
/// messages to clients (none when it queued none).
#[derive(Debug, Clone, Default)]
pub struct CentreFigures {
    pub months: HashMap<NaiveDate, Figures>,
    pub eservices: HashMap<i64, Figures>,
    pub total: Figures,
    pub messages: Option<MessageSums>,
}

impl CentreFigures {
    /// Counts a roll-up row of `month` and `eservice_id` in each of the sums it belongs to.
    fn add(&mut self, month: NaiveDate, eservice_id: i64, add: impl Fn(&mut Figures)) {
        add(self.months.entry(month).or_default());
        add(self.eservices.entry(eservice_id).or_default());
        add(&mut self.total);
    }

    /// About how many bytes these figures take.
    pub fn size(&self) -> usize {
        let figures = self.months.values().chain(self.eservices.values());
        let buckets: usize = figures
            .clone()
            .chain([&self.total])
            .map(|figures| figures.submission_times.buckets())
            .sum();
        std::mem::size_of::<Self>()
            + figures.count() * (std::mem::size_of::<(NaiveDate, Figures)>() + 8)
            + buckets * std::mem::size_of::<(i32, i64)>()
    }
}

/// The figures of a scope at the levels the page and the CSV show.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    /// Per centre: its months, e-services and period.
    pub centres: HashMap<CentreId, Arc<CentreFigures>>,
    /// Per month, over every chosen centre.
    pub months: HashMap<NaiveDate, Figures>,
    /// Per e-service, over the chosen centres and the whole period.
    pub eservices: HashMap<i64, Figures>,
    /// Over the chosen centres and the whole period.
    pub total: Figures,
}

impl Levels {
    /// The chosen centres' figures, and their sums per month, per e-service and in all.
    pub fn of(centres: HashMap<CentreId, Arc<CentreFigures>>) -> Levels {
        let mut levels = Levels::default();
        for centre in centres.values() {
            for (month, figures) in &centre.months {
                levels.months.entry(*month).or_default().merge(figures);
            }
            for (eservice, figures) in &centre.eservices {
                levels
                    .eservices
                    .entry(*eservice)
                    .or_default()
                    .merge(figures);
            }
            levels.total.merge(&centre.total);
        }
        levels.centres = centres;
        levels
    }
}

/// How far each of a set of centres' figures has come: its change count (migration 0058), by
/// centre. A centre's roll-up rows are the same while its count is, and the count is raised in
/// every transaction that changes them, so what was read or laid out from the rows may be used
/// again while the count is the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Changes(Vec<(CentreId, i64)>);

impl Changes {
    /// `centre`'s count: none before its figures first changed.
    pub fn of(&self, centre: CentreId) -> i64 {
        self.0
            .binary_search_by_key(&centre, |&(id, _)| id)
            .map_or(0, |at| self.0[at].1)
    }
}

/// The [`Changes`] of `centres`' figures now: one short read of a row per centre.
pub async fn changes(
    connection: &mut PgConnection,
    centres: &[CentreId],
) -> Result<Changes, sqlx::Error> {
    let counts = sqlx::query!(
        r#"SELECT centre_id AS "centre_id: CentreId", changes
           FROM figures_changes
           WHERE centre_id = ANY($1)
           ORDER BY centre_id"#,
        centres as _,
    )
    .fetch_all(connection)
    .await?;
    Ok(Changes(
        counts
            .into_iter()
            .map(|row| (row.centre_id, row.changes))
            .collect(),
    ))
}

/// The figures of each of the scope's centres (those without any are left out): four
/// statements, each reading the roll-up's rows of the chosen centres and months along its
/// primary key.
pub async fn read(
    connection: &mut PgConnection,
    scope: &Scope<'_>,
    overdue_before: DateTime<Utc>,
) -> Result<HashMap<CentreId, CentreFigures>, sqlx::Error> {
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
    let messages = messages(&mut *connection, scope).await?;

    let mut centres: HashMap<CentreId, CentreFigures> = HashMap::new();
    for row in months {
        let Json(StoredSketch(counts)) = &row.submission_sketch;
        let centre = centres.entry(row.centre_id).or_default();
        centre.add(row.month, row.eservice_id, |f| {
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
        let centre = centres.entry(row.centre_id).or_default();
        centre.add(row.month, row.eservice_id, |f| {
            if let Some(at) = at {
                f.stopped_by_reason[at] += row.stopped;
            }
        });
    }
    for row in awaiting {
        let centre = centres.entry(row.centre_id).or_default();
        centre.add(row.month, row.eservice_id, |f| {
            f.awaiting += row.awaiting;
            f.overdue += row.overdue;
        });
    }
    for row in messages {
        let sums = centres
            .entry(row.centre_id)
            .or_default()
            .messages
            .get_or_insert_default();
        sums.sent += row.sent;
        sums.failed += row.failed;
        sums.untold += row.untold;
    }
    Ok(centres)
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
    fn the_levels_sum_their_centres_by_month_by_eservice_and_in_all() {
        let october = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let november = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
        let figures = |opened, bucket| Figures {
            opened,
            stopped_by_reason: [opened; StopReason::ALL.len()],
            submission_times: Sketch::from_counts([(bucket, opened)]),
            ..Figures::default()
        };
        let centre = |months: &[(NaiveDate, i64, i32)], eservice| {
            let mut centre = CentreFigures::default();
            for &(month, opened, bucket) in months {
                centre.add(month, eservice, |f| f.merge(&figures(opened, bucket)));
            }
            Arc::new(centre)
        };
        let levels = Levels::of(HashMap::from([
            (
                CentreId(1),
                centre(&[(october, 2, 5), (november, 3, 7)], 10),
            ),
            (CentreId(2), centre(&[(november, 4, 5)], 20)),
        ]));
        assert_eq!(levels.months[&october], figures(2, 5));
        let mut both = figures(3, 7);
        both.merge(&figures(4, 5));
        assert_eq!(levels.months[&november], both);
        assert_eq!(both.opened, 7);
        assert_eq!(both.stopped(), 7 * StopReason::ALL.len() as i64);
        assert_eq!(both.submission_times.count(), 7);
        assert_eq!(levels.eservices[&10].opened, 5);
        assert_eq!(levels.eservices[&20], figures(4, 5));
        assert_eq!(levels.total.opened, 9);
        assert_eq!(levels.total.submission_times.buckets(), 2);
        assert_eq!(levels.centres[&CentreId(1)].total.opened, 5);
    }

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
