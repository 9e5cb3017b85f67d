//! The supervisor's writes: recording a review (it supersedes the one in force, or nothing is
//! stored) and drawing a month's spot-check sample (drawn once per centre and month).

use chrono::{DateTime, Utc};
use rand::Rng as _;
use serde_json::json;
use sqlx::{Connection as _, PgConnection};

use crate::audit::Action;
use crate::audit::{self, Part};
use crate::db::Source;
use crate::domain::figures::{month_code, months_span, previous_month};
use crate::domain::ids::{CaseId, CentreId};
use crate::domain::review::{ReviewInput, draw_sample};
use crate::domain::today_in_riga;
use crate::service::Staff;
use crate::service::cases::write_audit;
use crate::store;
use crate::store::review::{SAMPLE_KEY, SUPERSEDES_KEY};

/// What recording a review did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    Recorded {
        review_id: i64,
    },
    /// Another review came first: the form no longer names the review in force.
    ReviewedMeanwhile,
    /// The supervisor worked on the case: another supervisor reviews it. Nothing is stored.
    OwnCase,
}

/// Records `input` as the review of case `(case_id, centre_id)` that supersedes `supersedes`
/// (the review in force when the form was shown), with its audit event, in one transaction.
pub async fn mark(
    db: impl Source<'_>,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    (case_id, centre_id): (CaseId, CentreId),
    supersedes: Option<i64>,
    input: &ReviewInput,
) -> Result<Marked, sqlx::Error> {
    let mut tx = db.begin().await?;
    if store::review::worked_on(&mut *tx, case_id, actor.id).await? {
        return Ok(Marked::OwnCase);
    }
    let in_force = store::review::reviews(&mut *tx, case_id)
        .await?
        .first()
        .map(|review| review.id);
    if in_force != supersedes {
        return Ok(Marked::ReviewedMeanwhile);
    }
    let inserted = store::review::insert_review(
        &mut tx,
        case_id,
        supersedes,
        actor.id,
        input.verdict,
        &input.remark,
        at,
    )
    .await;
    let review_id = match inserted {
        Ok(review_id) => review_id,
        Err(error) if store::violates(&error, SUPERSEDES_KEY) => {
            return Ok(Marked::ReviewedMeanwhile);
        }
        Err(error) => return Err(error),
    };
    // The remark stays in case_reviews (append-only) and out of the audit trail: it is free
    // text that may name people, and audit details never hold personal data.
    let details = json!({
        "review_id": review_id,
        "verdict": input.verdict.code(),
        "supersedes": supersedes,
    });
    let parts = [Part::Review(review_id)];
    write_audit(
        &mut tx,
        at,
        actor,
        (case_id, centre_id),
        Action::CaseReviewed,
        details,
        &parts,
    )
    .await?;
    tx.commit().await?;
    Ok(Marked::Recorded { review_id })
}

/// What drawing a sample came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// The sample (drawn now, or already drawn for that centre and month).
    Sample(i64),
    /// The centre closed no case that month: nothing to draw, nothing stored.
    NothingToDraw,
}

/// Draws last month's sample of `percent` % of centre `centre_id`'s closed cases, or finds the
/// one already drawn (also by someone a moment ago).
pub async fn draw(
    connection: &mut PgConnection,
    at: DateTime<Utc>,
    actor: Staff<'_>,
    centre_id: CentreId,
    percent: u8,
) -> Result<Drawn, sqlx::Error> {
    let month = previous_month(today_in_riga(at));
    let mut tx = connection.begin().await?;
    if let Some(existing) = store::review::sample_for(&mut tx, centre_id, month).await? {
        return Ok(Drawn::Sample(existing));
    }
    let (from, until) = months_span(month, month);
    let population = store::review::closed_case_ids(&mut tx, centre_id, from, until).await?;
    if population.is_empty() {
        return Ok(Drawn::NothingToDraw);
    }
    let seed: u64 = rand::rng().random();
    let drawn = draw_sample(&population, percent, seed);
    let inserted = store::review::insert_sample(
        &mut tx,
        &store::review::NewSample {
            centre_id,
            month,
            percent: i16::from(percent),
            // Stored as its bit pattern; read back with `as u64`.
            seed: seed as i64,
            population: i32::try_from(population.len()).unwrap_or(i32::MAX),
            drawn_by: actor.id,
            drawn_at: at,
            case_ids: &drawn,
        },
    )
    .await;
    let sample_id = match inserted {
        Ok(id) => id,
        // Someone drew the same centre and month a moment ago: theirs.
        Err(error) if store::violates(&error, SAMPLE_KEY) => {
            drop(tx);
            return store::review::sample_for(&mut *connection, centre_id, month)
                .await?
                .map(Drawn::Sample)
                .ok_or(sqlx::Error::RowNotFound);
        }
        Err(error) => return Err(error),
    };
    audit::record(
        &mut tx,
        at,
        actor.event(
            audit::at_centre(centre_id),
            Action::SpotCheckDrawn,
            json!({
                "sample_id": sample_id,
                "month": month_code(month),
                "percent": percent,
                "seed": seed.to_string(),
                "population": population.len(),
                "case_ids": drawn,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Drawn::Sample(sample_id))
}
