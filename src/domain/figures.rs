//! The arithmetic behind the figures and the exports: calendar months at the centres and
//! percentiles (as PostgreSQL's `percentile_cont` computes them). How they are written for people
//! (CSV, SVG charts) lives in `crate::present`.
//!
//! Pure: no I/O, no text for users. The aggregates themselves are computed in SQL; the
//! percentile here is the reference the tests hold the SQL to.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Riga;

/// How many months the figures show when no period is chosen (this month and the 11 before).
pub const DEFAULT_MONTHS: u32 = 12;

/// The longest period the figures accept, so that every query stays bounded.
pub const MAX_MONTHS: u32 = 60;

// ---------------------------------------------------------------------------------------------
// Calendar months in Europe/Riga

/// The first day of the month `date` falls in.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a first day")
}

/// The month before the one `today` falls in (the spot check's "last month").
pub fn previous_month(today: NaiveDate) -> NaiveDate {
    month_of(today) - Months::new(1)
}

/// The first day of the month `count - 1` months before `today`'s: the start of a period of
/// `count` months ending with the current one.
pub fn months_back(today: NaiveDate, count: u32) -> NaiveDate {
    month_of(today) - Months::new(count.saturating_sub(1))
}

/// The month after `month`.
pub fn next_month(month: NaiveDate) -> NaiveDate {
    month_of(month) + Months::new(1)
}

/// Midnight at the start of `date` in Riga, as an instant.
pub fn riga_midnight(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Riga changes its clocks at 03:00/04:00, never at midnight, so midnight is never skipped
    // or repeated; `earliest` only guards against a future rule change.
    Riga.from_local_datetime(&midnight).earliest().map_or_else(
        || Utc.from_utc_datetime(&midnight),
        |at| at.with_timezone(&Utc),
    )
}

/// The instants `[start, end)` of the months `first ..= last` in Riga.
pub fn months_span(first: NaiveDate, last: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        riga_midnight(month_of(first)),
        riga_midnight(next_month(last)),
    )
}

/// Every month from `first` to `last`, inclusive.
pub fn months_between(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut month = month_of(first);
    while month <= month_of(last) {
        months.push(month);
        month = next_month(month);
    }
    months
}

/// How many months `first ..= last` spans (0 when `last` is before `first`).
pub fn month_count(first: NaiveDate, last: NaiveDate) -> u32 {
    let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    u32::try_from(months(last) - months(first) + 1).unwrap_or(0)
}

/// `YYYY-MM`, for URLs, tables and exports.
pub fn month_code(month: NaiveDate) -> String {
    // Field by field: a page of the whole country writes 2,040 of them, and chrono's pattern
    // is parsed anew for each.
    format!("{:04}-{:02}", month.year(), month.month())
}

/// Reads `YYYY-MM` as the first day of that month.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let (year, month) = text.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

// ---------------------------------------------------------------------------------------------
// Percentiles

/// The continuous percentile `fraction` (0 … 1) of `sorted` values, interpolating linearly
/// between the two nearest ranks exactly as PostgreSQL's `percentile_cont` does; `None` for no
/// values.
pub fn percentile_cont(sorted: &[f64], fraction: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = fraction.clamp(0.0, 1.0) * last as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let weight = position - lower as f64;
    Some(sorted[lower] + (sorted[upper] - sorted[lower]) * weight)
}

// ---------------------------------------------------------------------------------------------
// Times from opening to submission, as the roll-up keeps them

/// The sketch's buckets: below two days, a hundredth of a day each (864 s); from two days on,
/// each `SKETCH_GAMMA` times the one before, so that a bucket's middle value is within 432 s or
/// 0.5 % of every duration in it (the figures show days to one decimal).
pub const SKETCH_STEP_SECONDS: f64 = 864.0;
const SKETCH_LINEAR_BUCKETS: i32 = 200;
const SKETCH_LINEAR_SECONDS: f64 = SKETCH_STEP_SECONDS * SKETCH_LINEAR_BUCKETS as f64;
pub const SKETCH_GAMMA: f64 = 1.005 / 0.995;

/// The bucket of a duration of `seconds`: the twin of SQL's `figures_bucket` (migration 0048),
/// which is what fills the sketches (a negative duration, a submission logged in the minute of
/// opening, counts as none).
pub fn sketch_bucket(seconds: f64) -> i32 {
    if seconds < SKETCH_LINEAR_SECONDS {
        (seconds.max(0.0) / SKETCH_STEP_SECONDS).floor() as i32
    } else {
        SKETCH_LINEAR_BUCKETS
            + ((seconds / SKETCH_LINEAR_SECONDS).ln() / SKETCH_GAMMA.ln()).ceil() as i32
    }
}

/// Durations kept as counts per bucket: any two merge into the sketch of both, and a
/// percentile of it is within 432 s or 0.5 % of the exact one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sketch {
    /// `(bucket, count)` by bucket, no count zero: a month's submissions take a few buckets,
    /// so a sorted list is the quickest to merge.
    buckets: Vec<(i32, i64)>,
}

impl Sketch {
    /// From `(bucket, count)` pairs; a pair of no cases is left out.
    pub fn from_counts(counts: impl IntoIterator<Item = (i32, i64)>) -> Self {
        let mut sketch = Sketch::default();
        for (bucket, count) in counts {
            sketch.add(bucket, count);
        }
        sketch
    }

    /// Counts `count` more durations in `bucket` (fewer, when negative).
    pub fn add(&mut self, bucket: i32, count: i64) {
        match self.buckets.binary_search_by_key(&bucket, |&(b, _)| b) {
            Ok(at) => {
                self.buckets[at].1 += count;
                if self.buckets[at].1 == 0 {
                    self.buckets.remove(at);
                }
            }
            Err(at) if count != 0 => self.buckets.insert(at, (bucket, count)),
            Err(_) => {}
        }
    }

    pub fn merge(&mut self, other: &Sketch) {
        for &(bucket, count) in &other.buckets {
            self.add(bucket, count);
        }
    }

    /// How many buckets hold any duration.
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    pub fn count(&self) -> i64 {
        self.buckets.iter().map(|&(_, count)| count).sum()
    }

    /// The seconds bucket `bucket` stands for: the middle of its range.
    fn value(bucket: i32) -> f64 {
        if bucket < SKETCH_LINEAR_BUCKETS {
            (f64::from(bucket) + 0.5) * SKETCH_STEP_SECONDS
        } else {
            let k = bucket - SKETCH_LINEAR_BUCKETS;
            SKETCH_LINEAR_SECONDS * 2.0 * SKETCH_GAMMA.powi(k) / (SKETCH_GAMMA + 1.0)
        }
    }

    /// The value of rank `rank` (0 = the smallest).
    fn value_at(&self, rank: i64) -> f64 {
        let mut seen = 0;
        for &(bucket, count) in &self.buckets {
            seen += count;
            if rank < seen {
                return Self::value(bucket);
            }
        }
        self.buckets.last().map_or(0.0, |&(b, _)| Self::value(b))
    }

    /// As [`percentile_cont`] of the durations the sketch holds, each read as its bucket's
    /// value; `None` for none.
    pub fn percentile_cont(&self, fraction: f64) -> Option<f64> {
        let last = self.count().checked_sub(1).filter(|last| *last >= 0)?;
        let position = fraction.clamp(0.0, 1.0) * last as f64;
        let lower = position.floor() as i64;
        let upper = position.ceil() as i64;
        let weight = position - lower as f64;
        let (low, high) = (self.value_at(lower), self.value_at(upper));
        Some(low + (high - low) * weight)
    }
}

/// Seconds as days with one decimal, the unit the figures show durations in.
pub fn seconds_to_days(seconds: f64) -> f64 {
    (seconds / 86_400.0 * 10.0).round() / 10.0
}

/// `part` of `whole` in whole per cent, `None` when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| ((part as f64) * 100.0 / (whole as f64)).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    #[test]
    fn percentile_matches_postgres_percentile_cont() {
        // SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest('{1,2,3,4}') = 2.5
        assert_eq!(percentile_cont(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        // percentile_cont(0.9) of 1..=10 = 9.1
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        let p90 = percentile_cont(&ten, 0.9).unwrap();
        assert!((p90 - 9.1).abs() < 1e-9, "{p90}");
        assert_eq!(percentile_cont(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile_cont(&[], 0.5), None);
        assert_eq!(percentile_cont(&[1.0, 3.0], 0.0), Some(1.0));
        assert_eq!(percentile_cont(&[1.0, 3.0], 1.0), Some(3.0));
    }

    #[test]
    fn a_sketchs_percentiles_are_within_432_seconds_or_half_a_per_cent_of_the_exact_ones() {
        // Durations from none to a year, in two parts merged as the page merges centres and
        // months.
        let durations: Vec<f64> = (0..2_000)
            .map(|i| f64::from(i * i % 7_919) * 4_000.0 + f64::from(i % 3) * 0.4)
            .collect();
        let sketch_of = |part: &[f64]| {
            Sketch::from_counts(part.iter().map(|&seconds| (sketch_bucket(seconds), 1)))
        };
        let (first, second) = durations.split_at(700);
        let mut merged = sketch_of(first);
        merged.merge(&sketch_of(second));
        assert_eq!(merged, sketch_of(&durations));
        let mut sorted = durations.clone();
        sorted.sort_by(f64::total_cmp);
        for fraction in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let exact = percentile_cont(&sorted, fraction).unwrap();
            let sketched = merged.percentile_cont(fraction).unwrap();
            assert!(
                (sketched - exact).abs() <= (exact * 0.005).max(432.0) + 1e-6,
                "{fraction}: {sketched} for {exact}"
            );
        }
        assert_eq!(Sketch::default().percentile_cont(0.5), None);
        let mut emptied = sketch_of(&[10.0]);
        emptied.merge(&Sketch::from_counts([(sketch_bucket(10.0), -1)]));
        assert_eq!(
            emptied,
            Sketch::default(),
            "a count back at zero leaves no bucket"
        );
    }

    #[test]
    fn durations_and_shares_round_as_shown() {
        assert_eq!(seconds_to_days(86_400.0 * 2.5), 2.5);
        assert_eq!(seconds_to_days(86_400.0 * 2.0 + 3_600.0), 2.0);
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn months_are_riga_calendar_months() {
        assert_eq!(previous_month(day(2026, 1, 15)), day(2025, 12, 1));
        assert_eq!(previous_month(day(2026, 3, 31)), day(2026, 2, 1));
        assert_eq!(months_back(day(2026, 3, 31), 12), day(2025, 4, 1));
        assert_eq!(month_count(day(2025, 4, 1), day(2026, 3, 1)), 12);
        assert_eq!(month_count(day(2026, 4, 1), day(2026, 3, 1)), 0);
        assert_eq!(months_between(day(2025, 11, 1), day(2026, 2, 1)).len(), 4);
        // Winter: Riga is UTC+2, so the month starts at 22:00 UTC the day before.
        let (start, end) = months_span(day(2026, 1, 1), day(2026, 1, 1));
        assert_eq!(start.to_rfc3339(), "2025-12-31T22:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-01-31T22:00:00+00:00");
        // Summer: UTC+3.
        assert_eq!(
            riga_midnight(day(2026, 7, 1)).to_rfc3339(),
            "2026-06-30T21:00:00+00:00"
        );
        assert_eq!(parse_month("2026-02"), Some(day(2026, 2, 1)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-02"), None);
        assert_eq!(month_code(day(2026, 2, 1)), "2026-02");
        assert_eq!(month_code(day(987, 11, 30)), "0987-11");
    }
}
