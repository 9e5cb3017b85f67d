//! How long copy 1 of the written authorisation is kept by the municipality, and what of a
//! step's data survives when the case's personal data are erased.
//!
//! Latvian archive practice counts a retention period from 1 January of the year after the
//! document's year, so a period of N years ends on 31 December of (year + N). No I/O.

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value};

/// The last day copy 1 of a document signed on `signed_on` must be kept, for a retention period
/// of `years` years (from the centre's document classification scheme).
pub fn keep_until(signed_on: NaiveDate, years: u16) -> NaiveDate {
    let last_year = signed_on.year() + i32::from(years);
    // Only beyond chrono's year 262 143 can this fail; keeping "for ever" is the safe answer.
    NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The keys (paths) of each step's data that hold no personal data and are kept.
pub const KEPT: &[(&str, &[&[&str]])] = &[
    (
        "identity",
        &[&["document", "doc_type"], &["document", "issuing_state"]],
    ),
    // The ID token names the employee (and may carry a personal code): it goes with the rest;
    // how 22.¹2 was confirmed, at which level, with which means and the keys stay.
    (
        "employee-eid",
        &[
            &["means_code"],
            &["used_at"],
            &["confirmation"],
            &["evidence", "issuer"],
            &["evidence", "client_id"],
            &["evidence", "acr"],
            &["evidence", "amr"],
            &["evidence", "authenticated_at"],
            &["evidence", "jwks"],
        ],
    ),
    (
        "authorisation",
        &[
            &["notice_version"],
            &["result_contact", "channel"],
            &["registration_number"],
            &["signed_on"],
            &["copy1_keep_until"],
        ],
    ),
    ("data-processing", &[&["categories"], &["purpose_only"]]),
    ("submission", &[&["submitted_at"]]),
    (
        "planned-time",
        &[&["planned_on"], &["told_via"], &["told_at"], &["sent_by"]],
    ),
    (
        "result",
        &[&["outcome"], &["told_via"], &["told_at"], &["sent_by"]],
    ),
];

/// `data` of step `step` with only the kept keys: everything else is dropped.
pub fn erased_step_data(step: &str, data: &Value) -> Value {
    let paths = KEPT
        .iter()
        .find(|(name, _)| *name == step)
        .map_or(&[][..], |(_, paths)| *paths);
    let mut kept = Value::Object(Map::new());
    for path in paths {
        let Some(value) = path.iter().try_fold(data, |value, key| value.get(key)) else {
            continue;
        };
        let (last, parents) = path.split_last().expect("a non-empty path");
        let mut target = &mut kept;
        for key in parents {
            target = target
                .as_object_mut()
                .expect("built as objects")
                .entry(*key)
                .or_insert_with(|| Value::Object(Map::new()));
        }
        target
            .as_object_mut()
            .expect("built as objects")
            .insert((*last).to_owned(), value.clone());
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn identity_keeps_only_the_document_type_and_state() {
        let data = json!({
            "document": { "doc_type": "passport", "number": "LV1234567",
                          "issuing_state": "LV", "expires_on": "2030-01-01" },
            "personal_code": "32345678901",
            "override_justification": "dokuments pārbaudīts",
            "given_names": "Anna",
            "surnames": "Bērziņa",
        });
        assert_eq!(
            erased_step_data("identity", &data),
            json!({ "document": { "doc_type": "passport", "issuing_state": "LV" } })
        );
    }

    #[test]
    fn the_contact_keeps_its_channel_only() {
        let data = json!({
            "notice_version": 1,
            "result_contact": { "channel": "email", "address": "anna@example.lv" },
            "registration_number": "2-12/345",
            "signed_on": "2026-03-01",
            "copy1_keep_until": "2036-12-31",
        });
        let erased = erased_step_data("authorisation", &data);
        assert_eq!(erased["result_contact"], json!({ "channel": "email" }));
        assert_eq!(erased["signed_on"], "2026-03-01");
        assert!(!erased.to_string().contains("anna@"));
    }

    #[test]
    fn free_text_references_and_unknown_fields_go() {
        assert_eq!(
            erased_step_data(
                "result",
                &json!({ "outcome": "granted", "outcome_text": "Anna saņēma", "told_via": "phone",
                         "told_at": "2026-03-02T10:00:00" })
            ),
            json!({ "outcome": "granted", "told_via": "phone", "told_at": "2026-03-02T10:00:00" })
        );
        assert_eq!(
            erased_step_data(
                "submission",
                &json!({ "reference": "VISS-123", "submitted_at": "2026-03-01T10:00:00" })
            ),
            json!({ "submitted_at": "2026-03-01T10:00:00" })
        );
        assert_eq!(
            erased_step_data(
                "employee-eid",
                &json!({ "means_code": "eid-card", "new": "x" })
            ),
            json!({ "means_code": "eid-card" })
        );
        assert_eq!(erased_step_data("unknown", &json!({ "a": 1 })), json!({}));
    }
}
