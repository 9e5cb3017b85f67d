//! How dates and times are written for people: the one place that turns them into text.
//! Moments are shown on the centres' clocks (Europe/Riga).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::domain::now_in_riga;

/// dd.mm.yyyy, as dates are written in Latvia.
pub fn date(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// dd.mm.yyyy hh:mm of a wall-clock time already at the centres.
pub fn date_time(at: NaiveDateTime) -> String {
    at.format("%d.%m.%Y %H:%M").to_string()
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
}
