//! Retention: once a case's retention date has passed (Europe/Riga), the client's personal
//! data are erased from it, and what the figures and the evidence need stays.
//!
//! Erased from the case: the client's names, personal code and its keyed hash (so subject access
//! no longer finds it), the notification contact, the messages' addresses and texts (the
//! outbox's `client_messages`), the portal reference (the institution can link
//! it to the person, so it is personal data), the stop remark and the supervisors' review
//! remarks (free text). Kept: e-service,
//! centre, status, the steps' names, outcomes and times, the contact *channel*, the
//! authorisation's registration number and dates. Inside each step's JSON only the keys listed
//! in [`crate::domain::retention::KEPT`] survive, so a field added to a step later is erased
//! unless it is added there.
//!
//! A case still open when its date passes (abandoned before 22.¹3: it got a provisional date
//! from its opening day and the centre's period) is stopped too, with reason `other` and a
//! `case-stopped` event marked `"via": "retention"`: a case without a client cannot go on, and an
//! open case with erased data would sit in the employee's list for ever.
//!
//! Each erasure is one transaction with one audit event (`personal-data-erased`, ids only, and
//! the commitment that every personal component is now empty) in the case's chain, written
//! first; the erasure itself is the database function `erase_case_personal_data` (migration
//! 0045), the only way the application's role can change evidence rows, which refuses to run
//! without that event. Audit details never held personal data, so every chain still verifies.
//! Running it again erases nothing more.

use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::audit::Action;
use crate::audit::{self, Chain, Event, Part};
use crate::clock::Clock;
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::retention::erased_step_data;
use crate::domain::today_in_riga;
use crate::domain::workflow::StopReason;

/// Cases looked at per query.
const BATCH: i64 = 100;

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RetentionRun {
    /// The cases whose personal data were erased, in id order.
    pub erased: Vec<CaseId>,
    /// Of those, the cases that were still open and were stopped.
    pub stopped: Vec<CaseId>,
}

/// Erases the personal data of every case whose retention date is before today in Riga.
pub async fn run(pool: &PgPool, clock: &dyn Clock) -> Result<RetentionRun, sqlx::Error> {
    let today = today_in_riga(clock.now());
    let mut run = RetentionRun::default();
    let mut after = CaseId(0);
    loop {
        let due = sqlx::query_scalar!(
            r#"SELECT id AS "id: CaseId" FROM cases
             WHERE erased_at IS NULL AND retention_until < $1 AND id > $2
             ORDER BY id LIMIT $3"#,
            today as _,
            after as _,
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
    case_id: CaseId,
    today: NaiveDate,
) -> Result<Erased, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let now = clock.now();
    let Some(case) = sqlx::query!(
        r#"SELECT centre_id AS "centre_id: CentreId", status = 'open' AS "open!", version FROM cases
         WHERE id = $1 AND erased_at IS NULL AND retention_until < $2
         FOR UPDATE"#,
        case_id as _,
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
            case_id as _,
            StopReason::Other.code(),
            now as _,
        )
        .execute(&mut *tx)
        .await?;
        audit::record_committing(
            &mut tx,
            now,
            Event::by_the_product(
                Chain::Case(case_id),
                Some(centre_id),
                Action::CaseStopped,
                json!({
                    "reason": StopReason::Other.code(),
                    "version": case.version + 1,
                    "via": "retention",
                }),
            ),
            &[Part::Stop],
        )
        .await?;
    }
    let steps = sqlx::query!(
        "SELECT id, step, data FROM case_steps WHERE case_id = $1 ORDER BY id",
        case_id as _
    )
    .fetch_all(&mut *tx)
    .await?;
    let (step_ids, kept): (Vec<i64>, Vec<Value>) = steps
        .into_iter()
        .map(|step| (step.id, erased_step_data(&step.step, &step.data)))
        .unzip();
    // The event first: the database's erasure function refuses to run without it.
    audit::record_erasure(
        &mut tx,
        now,
        Event::by_the_product(
            Chain::Case(case_id),
            Some(centre_id),
            Action::PersonalDataErased,
            json!({ "case_id": case_id, "via": "retention" }),
        ),
        case_id,
    )
    .await?;
    // Names, code and its keyed hash, contact, portal reference and remarks; the review
    // remarks and the authorisation's frozen content; the steps' data down to what is kept;
    // and the salt, so that the personal data's commitments can no longer be tested.
    sqlx::query!(
        "SELECT erase_case_personal_data($1, $2, $3, $4)",
        case_id as _,
        now as _,
        &step_ids,
        &kept,
    )
    .execute(&mut *tx)
    .await?;
    // The messages to the client: their address and text (what the client was told stays
    // attested by the events' ids and codes; the status and times stay).
    crate::store::messages::erase(&mut tx, case_id).await?;
    tx.commit().await?;
    Ok(if case.open {
        Erased::AndStopped
    } else {
        Erased::Yes
    })
}
