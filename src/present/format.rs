//! How dates and times are written for people: the one place that turns them into text.
//! Moments are shown on the centres' clocks (Europe/Riga).

use chrono::{DateTime, Datelike as _, NaiveDate, NaiveDateTime, Timelike as _, Utc};

use crate::domain::now_in_riga;

// Written field by field: chrono's `format` parses its pattern anew on every call, and pages
// write dozens of dates each.

/// dd.mm.yyyy, as dates are written in Latvia.
pub fn date(day: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", day.day(), day.month(), day.year())
}

/// dd.mm.yyyy hh:mm of a wall-clock time already at the centres.
pub fn date_time(at: NaiveDateTime) -> String {
    format!("{} {:02}:{:02}", date(at.date()), at.hour(), at.minute())
}

/// dd.mm.yyyy hh:mm in Europe/Riga.
pub fn riga_time(at: DateTime<Utc>) -> String {
    date_time(now_in_riga(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moments_are_written_on_the_centres_clock() {
        // 23:30 UTC in winter is 01:30 the next day in Riga (UTC+2).
        let at = Utc.with_ymd_and_hms(2025, 1, 31, 23, 30, 59).unwrap();
        assert_eq!(riga_time(at), "01.02.2025 01:30");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 3, 9).unwrap()),
            "09.03.2025"
        );
    }

    #[test]
    fn dates_and_times_read_as_chronos_patterns_would_write_them() {
        let day = NaiveDate::from_ymd_opt(2031, 12, 5).unwrap();
        for at in [
            day.and_hms_opt(0, 0, 0).unwrap(),
            day.and_hms_opt(9, 7, 59).unwrap(),
            day.and_hms_opt(23, 59, 0).unwrap(),
        ] {
            assert_eq!(date_time(at), at.format("%d.%m.%Y %H:%M").to_string());
            assert_eq!(date(at.date()), at.format("%d.%m.%Y").to_string());
        }
    }
}
