//! How long copy 1 of the written authorisation is kept by the municipality.
//!
//! Latvian archive practice counts a retention period from 1 January of the year after the
//! document's year, so a period of N years ends on 31 December of (year + N). No I/O.

use chrono::{Datelike, NaiveDate};

/// The last day copy 1 of a document signed on `signed_on` must be kept, for a retention period
/// of `years` years (from the centre's document classification scheme).
pub fn keep_until(signed_on: NaiveDate, years: u16) -> NaiveDate {
    let last_year = signed_on.year() + i32::from(years);
    // Only beyond chrono's year 262 143 can this fail; keeping "for ever" is the safe answer.
    NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn period_counts_from_the_first_of_january_after_signing() {
        assert_eq!(keep_until(day(2025, 3, 10), 5), day(2030, 12, 31));
        assert_eq!(keep_until(day(2025, 1, 1), 5), day(2030, 12, 31));
        assert_eq!(keep_until(day(2025, 12, 31), 5), day(2030, 12, 31));
    }

    #[test]
    fn signed_on_leap_day() {
        assert_eq!(keep_until(day(2024, 2, 29), 1), day(2025, 12, 31));
        assert_eq!(keep_until(day(2024, 2, 29), 4), day(2028, 12, 31));
    }

    #[test]
    fn zero_years_means_until_the_end_of_the_signing_year() {
        assert_eq!(keep_until(day(2025, 6, 1), 0), day(2025, 12, 31));
    }

    #[test]
    fn long_periods_do_not_panic() {
        assert_eq!(keep_until(day(2025, 6, 1), 75), day(2100, 12, 31));
        assert_eq!(
            keep_until(day(2025, 6, 1), u16::MAX),
            day(2025 + 65535, 12, 31)
        );
        assert_eq!(keep_until(NaiveDate::MAX, 10), NaiveDate::MAX);
    }
}
