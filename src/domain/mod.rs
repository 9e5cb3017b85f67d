//! The rules of Pilnvara: what a valid personal code, identity document and step form are, in
//! which order the 22.¹ duties may be recorded, and how long copy 1 of the authorisation is kept.
//!
//! Everything here is pure: no I/O, no database, no clock (the caller passes "now"), no user-facing
//! text. Errors are enums with a stable kebab-case `code()` that the web layer translates.

pub mod catalogue;
pub mod figures;
pub mod identity_document;
pub mod ids;
pub mod messages;
pub mod personal_code;
pub mod printed;
pub mod retention;
pub mod review;
pub mod staff;
pub mod steps;
pub mod workflow;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, TimeZone, Utc};
use chrono_tz::Europe::Riga;

/// Whether `text` holds a control character (NUL and the like) that no one types into a form
/// field: line breaks and tabs are allowed. Every text a form stores is checked with this, so
/// such input gets a message beside its field instead of failing at the database.
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The longest name a search accepts.
pub const SEARCH_NAME_MAX_CHARS: usize = 200;

/// The search key of a name: lower case, letters without their diacritics, every run of other
/// characters (spaces, hyphens, apostrophes) one space. The desk types "smits" or "Šmits" and
/// finds "Šmits"; each part of "Kļaviņa-Šķēle" is a word of its own. Computed here, not by the
/// database, so that it is the same on a cluster of any locale.
pub fn search_key(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_normalization::char::is_combining_mark;
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The calendar date at the centres (Europe/Riga), which decides "expired" and "in the future".
pub fn today_in_riga(now: DateTime<Utc>) -> NaiveDate {
    now_in_riga(now).date()
}

/// The wall-clock time at the centres (Europe/Riga), to whole seconds, as the forms show it.
pub fn now_in_riga(now: DateTime<Utc>) -> NaiveDateTime {
    now.with_timezone(&Riga).naive_local().trunc_subsecs(0)
}

/// The instant of a wall-clock time at the centres. In the autumn hour that happens twice the
/// earlier one is taken; a time skipped in spring is read as the hour after the gap.
pub fn riga_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    let resolved = Riga.from_local_datetime(&local).earliest().or_else(|| {
        Riga.from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
            .earliest()
    });
    match resolved {
        Some(at) => at.with_timezone(&Utc),
        // Unreachable for Riga (gaps are one hour); UTC is the least surprising fallback.
        None => Utc.from_utc_datetime(&local),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_fold_latvian_letters_and_split_double_names() {
        assert_eq!(search_key("Šmits"), "smits");
        assert_eq!(search_key("ĒRIKS  Žagare"), "eriks zagare");
        assert_eq!(search_key("Kļaviņa-Šķēle"), "klavina skele");
        assert_eq!(search_key("O'Brien Āboliņš"), "o brien abolins");
        assert_eq!(
            search_key("ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž"),
            "acegiklnsuz acegiklnsuz"
        );
    }
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_riga() {
        let now = Utc.with_ymd_and_hms(2024, 12, 31, 22, 30, 0).unwrap();
        assert_eq!(
            today_in_riga(now),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
        );
    }

    #[test]
    fn riga_is_three_hours_ahead_in_summer() {
        let now = Utc.with_ymd_and_hms(2024, 7, 1, 9, 15, 42).unwrap();
        let riga = now_in_riga(now);
        assert_eq!(riga.to_string(), "2024-07-01 12:15:42");
    }

    #[test]
    fn riga_wall_clock_back_to_utc() {
        let now = Utc.with_ymd_and_hms(2024, 7, 1, 9, 15, 42).unwrap();
        assert_eq!(riga_to_utc(now_in_riga(now)), now);
        let winter = Utc.with_ymd_and_hms(2024, 12, 31, 22, 30, 0).unwrap();
        assert_eq!(riga_to_utc(now_in_riga(winter)), winter);
    }
}
