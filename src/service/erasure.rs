//! Retention: once a case's retention date has passed (Europe/Riga), the client's personal
//! data are erased from it, and what the figures and the evidence need stays.
//!
//! Erased from the case: the client's names, personal code and its keyed hash (so subject access
//! no longer finds it), the notification contact, the portal reference (the institution can link
//! it to the person, so it is personal data), the stop remark and the supervisors' review
//! remarks (free text). Kept: e-service,
//! centre, status, the steps' names, outcomes and times, the contact *channel*, the
//! authorisation's registration number and dates. Inside each step's JSON only the keys listed
//! in [`KEPT`] survive, so a field added to a step later is erased unless it is added here.
//!
//! A case still open when its date passes (abandoned before 22.¹3: it got a provisional date
//! from its opening day and the centre's period) is stopped too, with reason `other` and a
//! `case-stopped` event marked `"via": "retention"`: a case without a client cannot go on, and an
//! open case with erased data would sit in the employee's list for ever.
//!
//! Each erasure is one transaction with one audit event (`personal-data-erased`, ids only) in
//! the case's chain; audit details never held personal data, so every chain still verifies.
//! Running it again erases nothing more.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use sqlx::PgPool;

use crate::audit::{self, Chain, Event};
use crate::clock::Clock;
use crate::domain::today_in_riga;
use crate::domain::workflow::StopReason;

/// Cases looked at per query.
const BATCH: i64 = 100;

/// The keys (paths) of each step's data that hold no personal data and are kept.
pub const KEPT: &[(&str, &[&[&str]])] = &[
    (
        "identity",
        &[&["document", "doc_type"], &["document", "issuing_state"]],
    ),
    ("employee-eid", &[&["means_code"], &["used_at"]]),
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
        &[&["planned_on"], &["told_via"], &["told_at"]],
    ),
    ("result", &[&["outcome"], &["told_via"], &["told_at"]]),
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

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RetentionRun {
    /// The cases whose personal data were erased, in id order.
    pub erased: Vec<i64>,
    /// Of those, the cases that were still open and were stopped.
    pub stopped: Vec<i64>,
}

/// Erases the personal data of every case whose retention date is before today in Riga.
pub async fn run(pool: &PgPool, clock: &dyn Clock) -> Result<RetentionRun, sqlx::Error> {
    let today = today_in_riga(clock.now());
    let mut run = RetentionRun::default();
    let mut after = 0_i64;
    loop {
        let due = sqlx::query_scalar!(
            "SELECT id FROM cases
             WHERE erased_at IS NULL AND retention_until < $1 AND id > $2
             ORDER BY id LIMIT $3",
            today as _,
            after,
            BATCH,
        )
        .fetch_all(pool)
        .await?;
        for &case_id in &due {
            match erase_case(pool, clock, case_id, today).await? {
                Erased::No => {}
                Erased::Yes => run.erased.push(case_id),
                Erased::AndStopped => {
                    run.erased.push(case_id);
                    run.stopped.push(case_id);
                }
            }
        }
        match due.last() {
            Some(&last) if due.len() as i64 == BATCH => after = last,
            _ => break,
        }
    }
    Ok(run)
}

/// What [`erase_case`] did.
enum Erased {
    /// Nothing: another run got there first.
    No,
    Yes,
    /// Erased a case that was still open, and stopped it.
    AndStopped,
}

/// Erases one case in its own transaction, stopping it if it was still open.
async fn erase_case(
    pool: &PgPool,
    clock: &dyn Clock,
    case_id: i64,
    today: NaiveDate,
) -> Result<Erased, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let now = clock.now();
    let Some(case) = sqlx::query!(
        r#"SELECT centre_id, status = 'open' AS "open!", version FROM cases
         WHERE id = $1 AND erased_at IS NULL AND retention_until < $2
         FOR UPDATE"#,
        case_id,
        today as _,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Erased::No);
    };
    let centre_id = case.centre_id;
    if case.open {
        sqlx::query!(
            "UPDATE cases SET status = 'stopped', next_step = NULL, stop_reason = $2,
                    stopped_at = $3
             WHERE id = $1",
            case_id,
            StopReason::Other.code(),
            now as _,
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            Event {
                chain: Chain::Case(case_id),
                centre_id: Some(centre_id),
                actor_id: None,
                session_tag: None,
                action: "case-stopped",
                details: json!({
                    "reason": StopReason::Other.code(),
                    "version": case.version + 1,
                    "via": "retention",
                }),
            },
        )
        .await?;
    }
    sqlx::query!(
        "UPDATE cases SET
             client_given_names = NULL, client_surnames = NULL, client_name_key = NULL,
             client_personal_code = NULL,
             personal_code_hmac = NULL, notify_contact = NULL, portal_reference = NULL,
             stop_remark = NULL, erased_at = $2, version = version + 1
         WHERE id = $1",
        case_id,
        now as _,
    )
    .execute(&mut *tx)
    .await?;
    // A supervisor's remark is free text that may name the client: emptied (the one change
    // the table allows, once the case is erased); verdict, reviewer and time stay.
    sqlx::query!(
        "UPDATE case_reviews SET remark = '' WHERE case_id = $1 AND remark <> ''",
        case_id
    )
    .execute(&mut *tx)
    .await?;
    // The authorisation's frozen content holds the client's data too; its number, hash and
    // prints stay as evidence that the document existed.
    sqlx::query!(
        "UPDATE authorisation_documents SET snapshot = NULL WHERE case_id = $1",
        case_id
    )
    .execute(&mut *tx)
    .await?;
    let steps = sqlx::query!(
        "SELECT id, step, data FROM case_steps WHERE case_id = $1",
        case_id
    )
    .fetch_all(&mut *tx)
    .await?;
    for step in steps {
        sqlx::query!(
            "UPDATE case_steps SET data = $2 WHERE id = $1",
            step.id,
            erased_step_data(&step.step, &step.data),
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        now,
        Event {
            chain: Chain::Case(case_id),
            centre_id: Some(centre_id),
            actor_id: None,
            session_tag: None,
            action: "personal-data-erased",
            details: json!({ "case_id": case_id, "via": "retention" }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(if case.open {
        Erased::AndStopped
    } else {
        Erased::Yes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
